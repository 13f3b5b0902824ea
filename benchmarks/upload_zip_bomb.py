"""Benchmark: the upload gate refusing a 120 MB zip bomb, at most 2 s (ISSUE7 item 4).

A .docx whose one part inflates to 120 MB at about 47:1 (under the 100:1 ratio rule, so only
the inflation bound stops it), built in memory, then checked by ``core.uploads.check_upload``
as a review document would be. The gate must stop reading at the bound (50 MB inflated,
whatever the zip's headers say) and refuse it within 2 s, best of three. A bomb of zeros (about
1,000:1) is refused by its ratio, sooner. Run: ``.venv/bin/python benchmarks/upload_zip_bomb.py``.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casereview.settings")

LIMIT = 2.0
MEMORY_LIMIT = 256  # MB, SECURITY.md UP-1
RUNS = 3


def _refuse(content: bytes) -> tuple[float, int, str]:
    from casereview.core.uploads import UploadRefused, check_upload

    started = time.perf_counter()
    try:
        check_upload("bomb.docx", content, "document")
    except UploadRefused as refusal:
        return time.perf_counter() - started, refusal.inflated, str(refusal)
    raise SystemExit("the bomb was accepted")


def main() -> int:
    """Build both bombs, time the refusals, print them; exit 1 above the limit."""
    from casereview.core.tests.upload_corpus import bomb, zeros_bomb
    from casereview.core.uploads import MAX_INFLATED, MB

    worst = 0.0
    for label, content in (("120 MB at 47:1", bomb()), ("120 MB of zeros", zeros_bomb())):
        times, inflated, message = [], 0, ""
        for _ in range(RUNS):
            elapsed, inflated, message = _refuse(content)
            times.append(elapsed)
        best = min(times)
        worst = max(worst, best)
        print(f"{label}: {len(content) / MB:.1f} MB on disk, refused in {best:.3f} s", end="")
        print(f" (best of {RUNS}) after inflating {inflated / MB:.1f} MB: {message}")
        if inflated > MAX_INFLATED + 1:
            print(f"inflated past the bound of {MAX_INFLATED / MB:.0f} MB")
            return 1
    # Linux reports ru_maxrss in KiB; the bombs themselves are built in this process too.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"time to refuse: {worst:.3f} s (limit {LIMIT} s); peak memory {peak:.0f} MB")
    return 0 if worst <= LIMIT and peak <= MEMORY_LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
