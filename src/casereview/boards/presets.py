"""The five procedure presets of DOMAIN.md section 3, shipped as data (one JSON per seed)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

PRESET_DIR = Path(__file__).parent / "presets"
# "stated": the settings whose values the seed procedure states; the rest are Casereview's
# defaults (the model's, where the preset leaves a setting out), which a board may change.
META_KEYS = {"seed", "title", "stated"}


@cache
def presets() -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text()) for p in sorted(PRESET_DIR.glob("*.json"))}


def profile_fields(name: str) -> dict:
    """The profile's field values for a preset, without its description.

    A setting the preset leaves out (no seed states it) takes Casereview's default."""
    from .models import ProcedureProfile

    given = {k: v for k, v in presets()[name].items() if k not in META_KEYS}
    defaults = {
        f.name: f.get_default()
        for f in ProcedureProfile._meta.concrete_fields
        if f.has_default() and f.name not in given
    }
    return defaults | given


def stated(name: str) -> frozenset[str]:
    """The settings whose values the preset's seed procedure states."""
    return frozenset(presets()[name].get("stated", ()))


def apply_preset(board, name: str):
    from .models import ProcedureProfile

    fields = profile_fields(name)
    profile, _ = ProcedureProfile.objects.update_or_create(
        board=board, defaults={"preset": name, **fields}
    )
    return profile
