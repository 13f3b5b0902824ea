"""Where the shared sample pro formas live: ``shared/samples`` beside the repository.

CI clones the repository with ``shared/`` beside it; a developer's checkout has it at
``../shared`` too. ``CASEREVIEW_SAMPLES`` overrides both.
"""

from __future__ import annotations

import os
from pathlib import Path

_REPO = Path(__file__).resolve().parents[2]


def _find() -> Path:
    override = os.environ.get("CASEREVIEW_SAMPLES")
    candidates = [Path(override)] if override else []
    candidates += [_REPO.parent / "shared" / "samples", Path("/work/shared/samples")]
    # The first that exists; else the expected place, so a missing file names where it looked.
    return next((c for c in candidates if c.is_dir()), candidates[0])


SAMPLES = _find()
