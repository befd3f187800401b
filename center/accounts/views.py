from __future__ import annotations

from django.contrib.auth.views import LoginView

from center.accounts.forms import ThrottledSignInForm


class SignInView(LoginView):
    form_class = ThrottledSignInForm
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True
