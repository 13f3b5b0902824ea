"""System checks that keep unsafe settings out of production."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register


@register()
def two_factor_bypass_refused_in_production(app_configs, **kwargs):
    """Settings refuse to load with the bypass in production; this catches overrides too."""
    if settings.PRODUCTION and settings.MFA_DEV_BYPASS:
        return [
            Error(
                "The two-factor bypass is for development only.",
                hint="Unset CASEREVIEW_MFA_DEV_BYPASS.",
                id="casereview.E001",
            )
        ]
    return []
