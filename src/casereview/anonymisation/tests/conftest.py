"""The anonymisation modules are pure: their tests also run without Django (-p no:django)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _test_settings(request):
    """The project's test settings where pytest-django runs; nothing where it does not."""
    if request.config.pluginmanager.hasplugin("django"):
        request.getfixturevalue("_test_settings")
