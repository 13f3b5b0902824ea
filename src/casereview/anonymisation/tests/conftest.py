"""The anonymisation tests are pure: no database, no Django settings (run with -p no:django)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _test_settings():
    """Override the project's settings fixture: these tests never touch Django."""
    return None
