from django.contrib.auth.views import LogoutView
from django.urls import path
from django.views.generic import RedirectView

from center.accounts.views import SignInView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="fleet:list"), name="home"),
    path("login/", SignInView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
]
