from django.urls import path

from center.pickup import views, views_cases

app_name = "pickup"
urlpatterns = [
    path("cases/import/", views_cases.case_import, name="case_import"),
    path("cases/lookup/", views_cases.case_lookup, name="case_lookup"),
    # Results in lockers and their notices (views.py); the resident's link page is /p/<token>
    # (center/urls.py).
    path("", views.deposit_list, name="deposits"),
    path("<int:pk>/", views.deposit_detail, name="deposit"),
    path("<int:pk>/new-code/", views.new_code, name="new_code"),
    path("demo-sms/", views.demo_sms, name="demo_sms"),
]
