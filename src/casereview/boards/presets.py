"""The five procedure presets of DOMAIN.md section 3, shipped as data (one JSON per seed)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

PRESET_DIR = Path(__file__).parent / "presets"
META_KEYS = {"seed", "title"}


@cache
def presets() -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text()) for p in sorted(PRESET_DIR.glob("*.json"))}


def profile_fields(name: str) -> dict:
    """The profile's field values for a preset, without its description."""
    return {k: v for k, v in presets()[name].items() if k not in META_KEYS}


def apply_preset(board, name: str):
    from .models import ProcedureProfile

    fields = profile_fields(name)
    profile, _ = ProcedureProfile.objects.update_or_create(
        board=board, defaults={"preset": name, **fields}
    )
    return profile
