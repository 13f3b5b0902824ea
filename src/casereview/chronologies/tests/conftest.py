"""Fixtures shared by the chronology tests (no database: run with -p no:django)."""

from __future__ import annotations

from pathlib import Path

import pytest

from casereview.chronologies.tests.builders import SAMPLES


@pytest.fixture
def samples() -> list[Path]:
    """The three sample chronologies, in the order the panel lists them."""
    return [
        SAMPLES / "chronology-education.csv",
        SAMPLES / "chronology-gp.xlsx",
        SAMPLES / "chronology-social-care.docx",
    ]
