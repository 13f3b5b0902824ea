"""In development, emails link to the port the server actually runs on (issue 9)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _site_url(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "PORT")}
    result = subprocess.run(
        [sys.executable, "-c", "import casereview.settings as s; print(s.SITE_URL)"],
        env={**clean, "CASEREVIEW_ENV": "development", "PYTHONPATH": str(ROOT / "src"), **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_the_site_url_follows_the_port_the_server_runs_on():
    assert _site_url(PORT="8123") == "http://127.0.0.1:8123"
    assert _site_url() == "http://127.0.0.1:8000"
    assert _site_url(PORT="8123", SITE_URL="https://casereview.example") == (
        "https://casereview.example"
    )


def test_script_server_tells_the_server_and_its_worker_the_site_url_of_its_port():
    lines = (ROOT / "script" / "server").read_text().splitlines()
    setting = [line for line in lines if line.startswith(("port=", "export PORT="))]
    assert len(setting) == 2, setting
    script = "\n".join([*setting, 'echo "$SITE_URL"'])
    clean = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    out = subprocess.run(  # noqa: S603
        ["bash", "-c", script],  # noqa: S607
        env={**clean, "PORT": "8765"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "http://127.0.0.1:8765"
