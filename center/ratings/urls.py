from django.urls import path

from center.ratings import case_views, views

app_name = "ratings"

# The ratings overview (center/ratings/views.py) and the bad-rating cases
# (center/ratings/case_views.py).
urlpatterns = [
    path("", views.ratings_overview, name="overview"),
    path("cases/", case_views.case_list, name="cases"),
    path("cases/<int:pk>/", case_views.case_detail, name="case"),
    path("cases/<int:pk>/step/", case_views.case_step, name="case_step"),
]
