"""Sign-in and two-factor forms."""

from __future__ import annotations

import re

from django import forms

# django-otp's static tokens: 8 characters of base32, lower case.
RECOVERY_CODE = re.compile(r"[a-z2-7]{8}")

GENERIC_FAILURE = (
    "Enter a correct email address and password. If you have tried several times, "
    "wait 15 minutes before trying again."
)


class SignInForm(forms.Form):
    email = forms.EmailField(
        label="Email address", widget=forms.EmailInput(attrs={"autocomplete": "username"})
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Security code",
        help_text="The 6-digit code from your authenticator app.",
        max_length=8,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "govuk-input--width-10",
            }
        ),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].replace(" ", "").replace("-", "")
        if code.isdigit() and len(code) == 6:
            return code
        if self.allow_recovery and RECOVERY_CODE.fullmatch(code.lower()):
            return code.lower()
        raise forms.ValidationError(
            "Enter the 6-digit code from your authenticator app"
            + (", or one of your recovery codes." if self.allow_recovery else ".")
        )

    def __init__(self, *args, allow_recovery: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.allow_recovery = allow_recovery
        if allow_recovery:
            self.fields["code"].help_text = (
                "The 6-digit code from your authenticator app, or one of your recovery codes "
                "if you do not have your phone."
            )
            self.fields["code"].max_length = 12
