from django.urls import path

app_name = "ratings"

# The ratings overview (center/ratings/views.py) and the bad-rating cases
# (center/ratings/case_views.py).
urlpatterns: list = [
]
