from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext as _

from center.accounts import throttle
from center.accounts.client_address import client_address


class ThrottledSignInForm(AuthenticationForm):
    """Django's sign-in form, refusing while a user name or an address is locked out."""

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request) if self.request else None
        wait = throttle.seconds_locked_out(username, address)
        if wait:
            minutes = max(1, round(wait / 60))
            raise forms.ValidationError(
                _("Too many failed sign-ins. Try again in %(minutes)d minutes, or ask a "
                  "district administrator to reset your password.") % {"minutes": minutes},
                code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttle.record(username, address, succeeded=False)
            raise
        throttle.record(username, address, succeeded=True)
        return cleaned
