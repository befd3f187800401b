from django.urls import path

from center.ratings import views

app_name = "ratings"

# The ratings overview (center/ratings/views.py) and the bad-rating cases
# (center/ratings/case_views.py).
urlpatterns = [
    path("", views.ratings_overview, name="overview"),
]
