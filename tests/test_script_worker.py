"""script/worker keeps the background worker running and says each time it restarts it (JB-1)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_a_worker_that_dies_is_started_again_with_a_back_off_and_each_restart_is_printed(
    tmp_path,
):
    starts = tmp_path / "starts"
    # A worker that dies at once, as after a kill -9, noting each start.
    dying = [sys.executable, "-c", f"open({str(starts)!r}, 'a').write('x'); raise SystemExit(9)"]
    supervisor = subprocess.Popen(  # noqa: S603
        [str(ROOT / "script" / "worker"), *dying],
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not (starts.exists() and starts.read_text() == "xxx"):
            time.sleep(0.1)
        assert starts.read_text() == "xxx"  # started, then again after 1 s and after 2 s more
    finally:
        supervisor.send_signal(signal.SIGTERM)
        _, errors = supervisor.communicate(timeout=10)
    assert supervisor.returncode == 0
    assert errors.count("The background worker stopped (exit status 9).") >= 2
    assert "Starting it again in 1s." in errors and "Starting it again in 2s." in errors


def test_stopping_the_supervisor_stops_the_worker_it_runs(tmp_path):
    pid_file = tmp_path / "pid"
    sleeper = [
        sys.executable,
        "-c",
        f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(60)",
    ]
    supervisor = subprocess.Popen(  # noqa: S603
        [str(ROOT / "script" / "worker"), *sleeper], stderr=subprocess.PIPE, start_new_session=True
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not pid_file.exists():
        time.sleep(0.05)
    time.sleep(0.2)
    worker = int(pid_file.read_text())
    supervisor.send_signal(signal.SIGTERM)
    supervisor.communicate(timeout=10)
    assert supervisor.returncode == 0
    try:
        os.kill(worker, 0)
    except ProcessLookupError:
        pass
    else:  # pragma: no cover - the test's own child, ended by id
        os.kill(worker, signal.SIGKILL)
        raise AssertionError("the worker outlived its supervisor")
