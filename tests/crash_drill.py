"""The crash drill (SECURITY.md CR-1 and JB-1): kill -9 the web process during uploads and the
worker during exports, then check that nothing acknowledged was lost and nothing was left
half done.

The real processes run against a file SQLite database in a temporary folder, on loopback:
``manage.py runserver --noreload`` and ``manage.py db_worker``. Each cycle starts both, signs
two people in (once: sessions outlive the processes) with their two-factor codes, asks for
exports as the business manager and uploads chronologies as the police author from three
threads, kills the worker while an export runs and then the web process mid-upload. Emails
(one per agency request, each task queued twice) are due throughout. A last worker finishes
or fails what is left, and ``report`` checks, inside Django: 0 acknowledged uploads lost
(row and file, same bytes), 0 orphans after the file sweep (files without rows, rows without
files), every export finished or failed with a message, no task left running, no email sent
twice, ``PRAGMA integrity_check`` ok and the audit chain verified.

    pytest tests/test_crash_drill.py                          three cycles (script/test)
    CASEREVIEW_DRILL_CYCLES=10 pytest tests/test_crash_drill.py    ten (script/test-slow)
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import http.client
import json
import os
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
UPLOAD_THREADS = 3
# How long uploads run before the web process is killed: short in script/test; script/test-slow
# sets a longer window so ten cycles reach CR-1's 1,000 acknowledged writes.
UPLOAD_SECONDS = float(os.environ.get("CASEREVIEW_DRILL_UPLOAD_SECONDS", "0"))
ROWS_TO_EXPORT = 100
CSV_HEADER = (
    "DATE,CONTACT WITH CHILD,CONTACT WITH PARENTS/CARERS and other family members,"
    "INTER/INTRA-AGENCY COMMUNICATION,SOURCE OF RECORD,STAFF INVOLVED,COMMENT"
)
TASKS_TABLE = "django_tasks_database_dbtaskresult"


def chronology_csv(rows: list[str]) -> bytes:
    lines = [CSV_HEADER]
    for n, text in enumerate(rows):
        day = dt_text(n)
        lines.append(f'{day},"{text}",,,Case notes,AB,')
    return ("\n".join(lines) + "\n").encode()


def dt_text(n: int) -> str:
    # Distinct past dates, day by day from 1 January 2020.
    import datetime as dt

    return (dt.date(2020, 1, 1) + dt.timedelta(days=n)).strftime("%d/%m/%Y")


# -- inside Django: run through manage.py shell -c -------------------------------------------


def setup(cycles: int, stagger: float) -> None:
    """The board, its people, a review with a sent chronology, and emails due over the drill."""
    import datetime as dt

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from casereview.boards.models import Agency, Membership
    from casereview.chronologies import services as chronology
    from casereview.conftest import DEATH_FACTS, PASSWORD, make_board, make_person, referral_data
    from casereview.core.roles import Role
    from casereview.referrals import services
    from casereview.referrals.lifecycle import Outcome
    from casereview.referrals.tasks import email_agency_request

    board = make_board("northbrook")
    police = Agency.objects.create(board=board, name="Northbrook Police", kind="police")
    health = Agency.objects.create(board=board, name="Northbrook Health", kind="health")

    def member(email, role, agency=None):
        person = make_person(email, email.split("@")[0].title() + " Drill")
        Membership.objects.create(person=person, board=board, role=role, agency=agency)
        return person

    chair = member("chair@drill.test", Role.CHAIR)
    manager = member("manager@drill.test", Role.BUSINESS_MANAGER)
    subgroup = [member(f"sub{i}@drill.test", Role.SUBGROUP_MEMBER) for i in range(1, 5)]
    for agency in (police, health):
        agency.named_officer = member(f"{agency.kind}@drill.test", Role.NAMED_OFFICER, agency)
        agency.save()
    author = member("author@drill.test", Role.AGENCY_AUTHOR, police)

    referral = services.referral_log(board=board, by=manager, **referral_data())
    services.referral_ask_agencies(referral=referral, by=manager)
    services.referral_record_facts(
        referral=referral, by=manager, facts=DEATH_FACTS, other_children_note="None."
    )
    services.referral_begin_screening(referral=referral, by=manager)
    services.referral_recommend(
        referral=referral,
        by=manager,
        outcome=Outcome.SCR,
        reasons="Criteria met.",
        participants=subgroup,
        consulted_by="meeting",
        methodology="Systems",
        imr_agencies=[police],
        panel_agencies=[police, health],
    )
    services.referral_decide(referral=referral, by=chair, outcome=Outcome.SCR, reasons="")
    review = referral.review
    commission = review.commissions.get(agency=police)
    rows = [f"Drill contact {n} with Child A at home." for n in range(ROWS_TO_EXPORT)]
    submission = chronology.chronology_upload(
        commission=commission, name="police.csv", content=chronology_csv(rows), by=author
    )
    chronology.chronology_submit(submission=submission, staff_ids="AB", by=author)

    # Emails due through the drill, each task queued twice (a re-queue must not send twice).
    now = timezone.now()
    for k in range(cycles):
        asked = services.referral_log(board=board, by=manager, **referral_data())
        services.referral_ask_agencies(referral=asked, by=manager)
        due = now + dt.timedelta(seconds=stagger * (k + 0.5))
        for request in asked.agency_requests.all():
            email_agency_request.using(run_after=due).enqueue(request.pk)
        DBTaskResult.objects.filter(
            task_path=email_agency_request.module_path,
            args_kwargs__args__0__in=list(asked.agency_requests.values_list("pk", flat=True)),
        ).update(run_after=due)

    def who(person):
        return {"email": person.email, "key": person.totpdevice_set.get().key}

    print(
        "DRILL "
        + json.dumps(
            {
                "password": PASSWORD,
                "author": who(author),
                "manager": who(manager),
                "review": review.pk,
                "commission": commission.pk,
            }
        )
    )


def report(acked_path: str) -> None:
    """Check the drill's promises against the database and the file store; prints JSON."""
    from django.conf import settings
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from casereview.chronologies.models import ChronologySubmission, ExportJob
    from casereview.core.models import Document, SideEffect, verify_chain
    from casereview.core.storage import PENDING_GRACE, files_sweep, stored_names

    acked = json.loads(Path(acked_path).read_text())
    # After the grace a pending file is an orphan (or a move to finish): sweep as then.
    swept = files_sweep(now=time.time() + PENDING_GRACE.total_seconds() + 1)

    lost = []
    for sha in acked["uploads"]:
        document = Document.objects.filter(sha256=sha, kind="chronology-source").first()
        if document is None or not ChronologySubmission.objects.filter(source=document).exists():
            lost.append(sha)
            continue
        try:
            with document.file.open("rb") as handle:
                same = hashlib.sha256(handle.read()).hexdigest() == sha
        except FileNotFoundError:
            same = False
        if not same:
            lost.append(sha)

    root = Path(settings.MEDIA_ROOT)
    on_disk = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    names = stored_names()

    unfinished_jobs = [
        {"job": job.pk, "status": job.status, "error": job.error}
        for job in ExportJob.objects.all()
        if job.status not in ("done", "failed") or (job.status == "failed" and not job.error)
    ]
    jobs = {
        status: ExportJob.objects.filter(status=status).count()
        for status in ("queued", "running", "done", "failed")
    }
    mail = Path(settings.EMAIL_FILE_PATH)
    messages = sum(
        1
        for path in (mail.iterdir() if mail.exists() else ())
        for line in path.read_text(errors="replace").splitlines()
        if line.startswith("Subject: ")
    )
    emails = SideEffect.objects.filter(detail__has_key="to")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA integrity_check")
        integrity = cursor.fetchone()[0]
    print(
        "DRILL "
        + json.dumps(
            {
                "acknowledged_uploads": len(acked["uploads"]),
                "acknowledged_exports": len(acked["exports"]),
                "missing_exports": sorted(
                    set(acked["exports"]) - set(ExportJob.objects.values_list("pk", flat=True))
                ),
                "lost": lost,
                "sweep": {k: len(v) for k, v in swept.items()},
                "orphan_files": sorted(on_disk - names),
                "rows_without_files": sorted(names - on_disk),
                "jobs": jobs,
                "unfinished_jobs": unfinished_jobs,
                "tasks_left": DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).count(),
                "emails_sent": messages,
                "emails_done": emails.filter(done_at__isnull=False).count(),
                "emails_in_doubt": emails.filter(done_at__isnull=True).count(),
                "integrity": integrity,
                "chain_breaks": verify_chain(),
            }
        )
    )


# -- outside: the processes and the HTTP client ------------------------------------------------


class Client:
    """A signed-in browser, as far as the drill needs one: cookies, forms, files."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, fields=None, files=None):
        headers = {}
        body = None
        if files:
            boundary = uuid.uuid4().hex
            parts = [
                f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n'
                f"{v}\r\n".encode()
                for k, v in (fields or {}).items()
            ]
            for name, (filename, content, kind) in files.items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                    f'filename="{filename}"\r\nContent-Type: {kind}\r\n\r\n'.encode()
                    + content
                    + b"\r\n"
                )
            parts.append(f"--{boundary}--\r\n".encode())
            body = b"".join(parts)
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif fields is not None:
            body = urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";")[0]
        return response.status, response.getheader("Location") or "", data

    def token(self, path: str) -> str:
        status, _, body = self.request("GET", path)
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if status != 200 or not found:
            raise AssertionError(f"no form at {path} ({status})")
        return found.group(1).decode()

    def sign_in(self, email: str, password: str, key_hex: str) -> None:
        import pyotp

        fields = {"email": email, "password": password}
        fields["csrfmiddlewaretoken"] = self.token("/accounts/sign-in/")
        status, location, _ = self.request("POST", "/accounts/sign-in/", fields)
        if status != 302 or "code" not in location:
            raise AssertionError(f"sign-in refused ({status})")
        secret = base64.b32encode(bytes.fromhex(key_hex)).decode()
        fields = {"code": pyotp.TOTP(secret).now(), "csrfmiddlewaretoken": self.token(location)}
        status, _, _ = self.request("POST", location, fields)
        if status != 302:
            raise AssertionError(f"two-factor refused ({status})")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Drill:
    def __init__(self, folder: Path, *, cycles: int, seed: int = 7) -> None:
        self.folder = folder
        self.cycles = cycles
        self.random = random.Random(seed)
        self.port = free_port()
        self.acked: dict[str, list] = {"uploads": [], "exports": []}
        self.stats = {"refused": 0, "web_kills": 0, "worker_kills": 0, "exports_killed": 0}
        self.env = {
            **os.environ,
            "CASEREVIEW_ENV": "test",
            "CASEREVIEW_DATA_DIR": str(folder),
            "CASEREVIEW_TASK_BACKEND": "django_tasks_db.DatabaseBackend",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(folder / "mail"),
            "PYTHONPATH": str(ROOT / "src"),
            "DEBUG": "false",
        }
        self.env.pop("DATABASE_URL", None)
        self.log = open(folder / "drill.log", "ab")  # noqa: SIM115 (kept for the processes)

    def mark(self, phase: str) -> None:
        self.stats.setdefault("phases", []).append((phase, round(time.monotonic() - self.t0, 1)))

    # processes

    def manage(self, *args: str, timeout: float = 120) -> str:
        done = subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            raise AssertionError(f"manage.py {args[0]} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def shell(self, code: str) -> dict:
        out = self.manage("shell", "-c", code)
        line = next(line for line in out.splitlines() if line.startswith("DRILL "))
        return json.loads(line.removeprefix("DRILL "))

    def start(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=self.log,
            start_new_session=True,  # a kill reaches this process only
        )

    def start_web(self) -> subprocess.Popen:
        web = self.start("runserver", f"127.0.0.1:{self.port}", "--noreload", "--skip-checks")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError, http.client.HTTPException):
                if Client(self.port).request("GET", "/accounts/sign-in/")[0] == 200:
                    return web
            if web.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError("the web process did not start (see drill.log)")

    def start_worker(self) -> subprocess.Popen:
        return self.start("db_worker", "--no-reload", "--interval", "0.1", "--no-startup-delay")

    @staticmethod
    def kill(process: subprocess.Popen) -> None:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def tasks(self, where: str) -> int:
        database = self.folder / "casereview.sqlite3"
        with contextlib.closing(sqlite3.connect(database, timeout=5)) as db:
            return db.execute(f"SELECT count(*) FROM {TASKS_TABLE} WHERE {where}").fetchone()[0]  # noqa: S608

    # the drill

    def run(self) -> dict:
        started = self.t0 = time.monotonic()
        self.manage("migrate", "--no-input")
        self.mark("migrated")
        people = self.shell(
            "from tests.crash_drill import setup; "
            f"setup(cycles={self.cycles}, stagger={self.cycle_seconds})"
        )
        author, manager = Client(self.port), Client(self.port)
        self.mark("set up")
        review, commission = people["review"], people["commission"]
        upload_path = f"/reviews/{review}/chronologies/{commission}/upload/"
        merged_path = f"/reviews/{review}/chronology/"
        for cycle in range(self.cycles):
            web, worker = self.start_web(), self.start_worker()
            if cycle == 0:
                author.sign_in(
                    people["author"]["email"], people["password"], people["author"]["key"]
                )
                manager.sign_in(
                    people["manager"]["email"], people["password"], people["manager"]["key"]
                )
            self.export(manager, merged_path, "docx")
            self.export(manager, merged_path, "xlsx")
            uploading = threading.Event()
            uploading.set()
            token = author.token(upload_path)
            threads = [
                threading.Thread(
                    target=self.upload, args=(author, upload_path, token, cycle, n, uploading)
                )
                for n in range(UPLOAD_THREADS)
            ]
            for thread in threads:
                thread.start()
            # kill -9 the worker while an export runs (or after a bounded wait for one).
            deadline = time.monotonic() + 8
            while time.monotonic() < deadline:
                if self.tasks("status = 'RUNNING' AND task_path LIKE '%export_merged'"):
                    self.stats["exports_killed"] += 1
                    break
                time.sleep(0.05)
            time.sleep(self.random.uniform(0.0, 0.1))
            self.kill(worker)
            self.stats["worker_kills"] += 1
            # ... and the web process in the middle of uploads.
            time.sleep(UPLOAD_SECONDS + self.random.uniform(0.3, 1.0))
            self.kill(web)
            self.stats["web_kills"] += 1
            uploading.clear()
            for thread in threads:
                thread.join(timeout=30)
            self.mark(f"cycle {cycle}")
        self.finish()
        self.mark("finished")
        acked = self.folder / "acked.json"
        acked.write_text(json.dumps(self.acked))
        result = self.shell(f"from tests.crash_drill import report; report({str(acked)!r})")
        self.mark("reported")
        result.update(self.stats, cycles=self.cycles, seconds=round(time.monotonic() - started, 1))
        self.log.close()
        return result

    cycle_seconds = 6.0

    def export(self, client: Client, merged_path: str, fmt: str) -> None:
        fields = {"format": fmt, "csrfmiddlewaretoken": client.token(merged_path)}
        status, location, _ = client.request("POST", merged_path + "exports/", fields)
        found = re.search(r"/exports/(\d+)/", location)
        if status == 302 and found:
            self.acked["exports"].append(int(found.group(1)))

    def upload(self, client, path, token, cycle, thread, uploading) -> None:
        n = 0
        while uploading.is_set() and n < 500:
            n += 1
            tag = f"cycle {cycle} thread {thread} upload {n}"
            content = chronology_csv([f"Drill upload ({tag}): officer visited Child A."] * 3)
            sha = hashlib.sha256(content).hexdigest()
            fields = {"csrfmiddlewaretoken": token}
            files = {"file": (f"drill-{cycle}-{thread}-{n}.csv", content, "text/csv")}
            try:
                status, location, _ = client.request("POST", path, fields, files)
            except (OSError, http.client.HTTPException):
                return  # the web process was killed: this upload was never acknowledged
            if status == 302 and "/draft/" in location:
                self.acked["uploads"].append(sha)
            else:
                self.stats["refused"] += 1

    def finish(self) -> None:
        """A last worker: what the dead left is queued again or failed; then it stops cleanly."""
        worker = self.start_worker()
        deadline = time.monotonic() + 90
        try:
            while time.monotonic() < deadline:
                if not self.tasks("status IN ('READY', 'RUNNING')"):
                    break
                time.sleep(0.2)
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill(worker)


def run(folder: Path, *, cycles: int) -> dict:
    return Drill(folder, cycles=cycles).run()


if __name__ == "__main__":
    import tempfile

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    with tempfile.TemporaryDirectory(prefix="casereview-drill-") as tmp:
        print(json.dumps(run(Path(tmp), cycles=count), indent=2))
