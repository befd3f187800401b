from django.urls import path

from center.sms import views

app_name = "sms"
urlpatterns = [
    path("receipts/http/", views.receipt_callback, name="http_receipts"),
]
