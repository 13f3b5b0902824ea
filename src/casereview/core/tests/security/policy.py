"""The AZ-1 policy as data: the oracle the permission matrix checks the app against.

PyYAML is not a dependency, so the policy is a Python literal rather than policy.yaml
(SECURITY.md 3.2 step 1). Change the app's rules and this file together; the matrix fails on
any URL pattern missing here, and on any response that disagrees with it.

Each URL name (``namespace:name``) maps to:

- ``methods``: method -> rule. A rule is ``public``, ``signed_in`` or a gate action;
- ``object``: the fixture object that fills the path (``referral:<stage>``, ``request``,
  ``deadline``, ``approved-deadline``, ``notification``, ``document``, ``board``,
  ``letter-template`` (a board and a letter kind), ``review``, ``review-member``,
  ``commission``, ``exclusion`` (a conflict of interest declared on a case), ``reset-link``,
  and the review's ``draft-row``, ``merged-row``,
  ``export-job``, ``key-entry``, ``glossary-term``, ``relation``, ``review-document``,
  ``run`` and ``flag``);
- ``also``: further objects (workflow states) a GET is tried on: the agencies asked can find
  a case once they are asked, so a rule that let them read it would show there;
- ``shows``: what an allowed GET must show of that object (``child_name``, ``reference``,
  ``board_name``, ``document_bytes``): the canary a denial must never show;
- ``audited``: an allowed GET writes exactly one audit event (SECURITY.md LG-1);
- ``owner``: the one role, among those the action allows, whose own object it is (an
  export is its requester's); the others are refused;
- ``changes``: ``False`` where an allowed POST of the fixtures' state rightly changes nothing;
- ``post``: form data for a POST, valid where it matters, so a missing gate would show up
  as a change in the database (``@person:<role>`` stands for that person's primary key,
  ``@today:day``, ``@today:month`` and ``@today:year`` for a part of today's date).

Files have tables of their own below URLS: ``SERVES`` (routes that send a file, stored or
made), ``ACCEPTS_FILES`` (routes that take one, with the file the matrix posts) and
``MAY_HAVE`` (DL-1: who may have each kind of stored file, in each state, by any route).
"""

from __future__ import annotations

PUBLIC = "public"
SIGNED_IN = "signed_in"

# The roles of the matrix: the cast of casereview/conftest.py, by what they hold.
BOARD_ROLES = {
    "chair": "Chair of the first board",
    "manager": "Business manager of the first board",
    "admin": "Administrator of the first board",
    "subgroup": "Sub group member of the first board",
    "police_officer": "Named officer of the first board's police",
    "health_officer": "Named officer of the first board's health agency",
    "police_author": "Agency report author of the first board's police",
}
OUT_OF_SCOPE_ROLES = {
    "outsider": "Business manager of the other board, nothing on the first",
    "former_manager": "Business manager of the first board whose membership has ended",
}
ROLES = ["anonymous", *BOARD_ROLES, *OUT_OF_SCOPE_ROLES]

CASE_STAFF = frozenset({"chair", "manager", "admin", "subgroup"})
PROCESS_STAFF = frozenset({"manager", "admin"})
SCREENING = frozenset({"subgroup", "manager", "admin"})
AGENCY_PEOPLE = frozenset({"police_officer", "health_officer", "police_author"})

# Who may do each gated action on an object of the first board (the relation "own board").
# The object for agency_request.answer is the police's request, so health is "another agency".
# On the other board's objects every first-board role is refused with 404 ("other board").
ALLOWED = {
    "referral.view": CASE_STAFF,
    "referral.create": PROCESS_STAFF,
    "referral.ask_agencies": PROCESS_STAFF,
    "referral.record_facts": SCREENING,
    "referral.begin_screening": SCREENING,
    "referral.recommend": SCREENING,
    "referral.decide": frozenset({"chair"}),
    "referral.record_chair_consultation": PROCESS_STAFF | {"chair"},
    "referral.notify": PROCESS_STAFF,
    "referral.close": PROCESS_STAFF,
    "deadline.extend": PROCESS_STAFF,
    "deadline.approve_extension": frozenset({"chair"}),
    "agency_request.answer": PROCESS_STAFF | {"police_officer", "police_author"},
    "document.download": CASE_STAFF,
    "board.view": CASE_STAFF | AGENCY_PEOPLE,
    # With the board members and observers (none in the matrix's cast: see referrals' tests).
    "board.decisions": CASE_STAFF,
    "profile.edit": PROCESS_STAFF,
    "letter_template.edit": PROCESS_STAFF,
    "board.manage_people": PROCESS_STAFF,
    # Conflicts of interest: the reasons are read by the chair and process staff (AZ-5).
    "case_exclusion.view": PROCESS_STAFF | {"chair"},
    "case_exclusion.manage": PROCESS_STAFF,
    # Reviews: the police are the commissioned agency of the first board's review.
    "review.view": CASE_STAFF | {"police_officer", "police_author"},
    "review.manage": PROCESS_STAFF,
    # The review's stages: process staff move it; the panel chair (or the board chair) records
    # the panel's decisions; sub group members quality-assure; the board chair converts a
    # review and signs off its action plan.
    "review.advance": PROCESS_STAFF,
    "review.panel_decide": PROCESS_STAFF | {"chair"},
    "review.quality_assure": SCREENING,
    "review.convert": frozenset({"chair"}),
    "review.sign_off": frozenset({"chair"}),
    "commission.submit": PROCESS_STAFF | {"police_officer", "police_author"},
    "commission.view": PROCESS_STAFF | {"police_officer", "police_author"},
    # Once the merged chronology is shared with the panel (the fixtures' state); before, only
    # process staff see it, and nobody may approve it.
    "chronology.view_merged": CASE_STAFF,
    "chronology.annotate": CASE_STAFF,
    "chronology.approve": frozenset({"chair"}),
    "chronology.export": CASE_STAFF,
    "chronology.export_csv": CASE_STAFF,
    "chronology.export_xlsx": CASE_STAFF,
    "chronology.export_docx": CASE_STAFF,
    "chronology.export_pdf": CASE_STAFF,
    "key_reference.manage": PROCESS_STAFF,
    # What the overview author reads from (none in the matrix's cast; see reviews' tests).
    "key_reference.view": PROCESS_STAFF,
    "document.read_anonymised": PROCESS_STAFF,
    "document.anonymise": PROCESS_STAFF,
    "document.read_original": PROCESS_STAFF,
}

# Patterns that are not views of the app: static files and media, by the view's module.
# None are routed today (whitenoise serves static files; media is only served by the gate).
EXEMPT_VIEW_MODULES = ("django.views.static", "django.contrib.staticfiles.views")

URLS: dict[str, dict] = {
    # --- home
    "home:home": {"methods": {"GET": PUBLIC, "POST": PUBLIC}},
    "home:dashboard": {"methods": {"GET": SIGNED_IN}},
    # --- core
    "core:health": {"methods": {"GET": PUBLIC}},
    "core:document-download": {
        "methods": {"GET": "document.download"},
        "object": "document",
        "shows": "document_bytes",
        "audited": True,
    },
    # --- accounts
    "accounts:sign-in": {"methods": {"GET": PUBLIC, "POST": PUBLIC}},
    "accounts:sign-in-code": {"methods": {"GET": PUBLIC, "POST": PUBLIC}},
    "accounts:sign-out": {"methods": {"POST": SIGNED_IN}},
    "accounts:two-factor-setup": {"methods": {"GET": SIGNED_IN, "POST": SIGNED_IN}},
    "accounts:account": {"methods": {"GET": SIGNED_IN}},
    "accounts:keep-alive": {"methods": {"POST": SIGNED_IN}},
    "accounts:password-change": {"methods": {"GET": SIGNED_IN, "POST": SIGNED_IN}},
    "accounts:sign-out-elsewhere": {"methods": {"POST": SIGNED_IN}},
    "accounts:password-reset": {"methods": {"GET": PUBLIC, "POST": PUBLIC}},
    "accounts:password-reset-sent": {"methods": {"GET": PUBLIC}},
    "accounts:password-reset-confirm": {
        "methods": {"GET": PUBLIC, "POST": PUBLIC},
        "object": "reset-link",
    },
    "accounts:password-reset-complete": {"methods": {"GET": PUBLIC}},
    # --- boards
    "boards:profile": {
        "methods": {"GET": "board.view"},
        "object": "board",
        "shows": "board_name",
    },
    "boards:profile-edit": {
        "methods": {"GET": "profile.edit", "POST": "profile.edit"},
        "object": "board",
        "shows": "board_name",
    },
    "boards:letter-templates": {
        "methods": {"GET": "letter_template.edit", "POST": "letter_template.edit"},
        "object": "board",
        "shows": "board_name",
    },
    "boards:people": {
        "methods": {"GET": "board.manage_people", "POST": "board.manage_people"},
        "object": "board",
        "shows": "board_name",
        "audited": True,
    },
    "boards:membership-end": {
        "methods": {"GET": "board.manage_people", "POST": "board.manage_people"},
        "object": "membership",
    },
    "boards:agencies": {
        "methods": {"GET": "board.manage_people", "POST": "board.manage_people"},
        "object": "board",
        "shows": "board_name",
    },
    "boards:agency-change": {
        "methods": {"GET": "board.manage_people", "POST": "board.manage_people"},
        "object": "agency",
        "shows": "board_name",
        "post": {"kind": "police", "is_active": "on"},
    },
    "boards:letter-template-download": {
        "methods": {"GET": "letter_template.edit"},
        "object": "letter-template",
    },
    # --- referrals
    "referrals:new": {
        "methods": {"GET": "referral.create", "POST": "referral.create"},
        "object": "board",
        "shows": "board_name",
        "post": {
            "received_at_0_0": "5",
            "received_at_0_1": "1",
            "received_at_0_2": "2026",
            "received_at_1": "10:00",
            "referrer_kind": "agency",
            "referrer_name": "Posted Referrer",
            "child_name": "CanaryPostedChildXq7",
            "harm_type": "death",
            "incident_summary": "Synthetic.",
            "incident_on_0": "4",
            "incident_on_1": "1",
            "incident_on_2": "2026",
        },
    },
    "referrals:board-decisions": {
        "methods": {"GET": "board.decisions"},
        "object": "board",
        "shows": "board_name",
        "audited": True,
    },
    "referrals:detail": {
        "methods": {"GET": "referral.view"},
        "object": "referral:received",
        "also": [
            "referral:information-gathering",
            "referral:awaiting-decision",
            "referral:review-open",
        ],
        "shows": "child_name",
        "audited": True,
    },
    "referrals:ask-agencies": {
        "methods": {"GET": "referral.ask_agencies", "POST": "referral.ask_agencies"},
        "shows": "reference",
        "object": "referral:received",
    },
    "referrals:facts": {
        "methods": {"GET": "referral.record_facts", "POST": "referral.record_facts"},
        "object": "referral:information-gathering",
        "audited": True,
        "shows": "reference",
        "post": {
            "abuse_or_neglect": "known",
            "child_died": "on",
            "abuse_or_neglect_factor_in_death": "on",
            "interagency_concern": "on",
            "other_children_note": "Posted note.",
        },
    },
    "referrals:begin-screening": {
        "methods": {"POST": "referral.begin_screening"},
        "object": "referral:ready-to-screen",
    },
    "referrals:recommend": {
        "methods": {"GET": "referral.recommend", "POST": "referral.recommend"},
        "object": "referral:screening",
        "audited": True,
        "shows": "reference",
    },
    "referrals:decide": {
        "methods": {"GET": "referral.decide", "POST": "referral.decide"},
        "object": "referral:awaiting-decision",
        "audited": True,
        "shows": "reference",
        "post": {"decision": "scr", "reasons": "Posted reasons.", "confirmed": "yes"},
    },
    "referrals:chair-consultation": {
        "methods": {
            "GET": "referral.record_chair_consultation",
            "POST": "referral.record_chair_consultation",
        },
        "object": "referral:screening",
        "shows": "reference",
        "post": {
            "consulted": "Posted panel members.",
            "how": "call",
            "consulted_at_0_0": "@today:day",
            "consulted_at_0_1": "@today:month",
            "consulted_at_0_2": "@today:year",
            "consulted_at_1": "00:00",
        },
    },
    "referrals:deadline-extend": {
        "methods": {"GET": "deadline.extend", "POST": "deadline.extend"},
        "object": "deadline",
        "shows": "reference",
        "post": {
            "new_due_0": "1",
            "new_due_1": "12",
            "new_due_2": "2027",
            "reasons": "Posted reasons.",
        },
    },
    "referrals:deadline-approve": {
        "methods": {"POST": "deadline.approve_extension"},
        "object": "deadline",
    },
    "referrals:deadline-inspectorate-agreed": {
        "methods": {"POST": "deadline.extend"},
        "object": "approved-deadline",
    },
    "referrals:exclusions": {
        "methods": {"GET": "case_exclusion.view"},
        "object": "referral:review-open",
        "shows": "reference",
        "audited": True,
    },
    "referrals:exclusion-new": {
        "methods": {"GET": "case_exclusion.manage", "POST": "case_exclusion.manage"},
        "object": "referral:received",
        "shows": "reference",
        "post": {"person": "@person:health_officer", "reasons": "Posted reasons."},
    },
    "referrals:exclusion-end": {
        "methods": {"POST": "case_exclusion.manage"},
        "object": "exclusion",
    },
    "referrals:notification-sent": {
        "methods": {"POST": "referral.notify"},
        "object": "notification",
    },
    # Every letter of the decision as one zip, each asked of its serving rule (core.serving).
    "referrals:letters-download": {
        "methods": {"GET": "referral.notify"},
        "object": "referral:review-open",
        "audited": True,
    },
    # Several letters recorded as sent, through a check-your-answers step.
    "referrals:notifications-sent": {
        "methods": {"GET": "referral.notify", "POST": "referral.notify"},
        "object": "referral:review-open",
        "shows": "reference",
        "audited": True,
    },
    # --- reviews
    "reviews:detail": {
        "methods": {"GET": "review.view"},
        "object": "review",
        "shows": "reference",
        "audited": True,
    },
    "reviews:members": {
        "methods": {"GET": "review.manage", "POST": "review.manage"},
        "object": "review",
        "shows": "reference",
        "audited": True,
        "post": {"person": "@person:health_officer", "role": "panel-member"},
    },
    "reviews:stage": {
        "methods": {"GET": "review.view"},
        "object": "review",
        "shows": "reference",
        "audited": True,
    },
    # The review is at scoping with nothing recorded: moving it on is refused (nothing moves).
    "reviews:advance": {
        "methods": {"GET": "review.advance", "POST": "review.advance"},
        "object": "review",
        "shows": "reference",
        "changes": False,
    },
    "reviews:record": {
        "methods": {"GET": "review.advance", "POST": "review.advance"},
        "object": "review-item:terms-confirmed",
        "shows": "reference",
        "post": {
            "happened_on_0": "5",
            "happened_on_1": "1",
            "happened_on_2": "2026",
            "note": "Posted.",
            "confirmed": "yes",
        },
    },
    # Items of later stages: recording them at scoping is refused by the lifecycle.
    "reviews:panel-record": {
        "methods": {"GET": "review.panel_decide", "POST": "review.panel_decide"},
        "object": "review-item:reports-accepted",
        "shows": "reference",
        "changes": False,
    },
    "reviews:qa-record": {
        "methods": {"GET": "review.quality_assure", "POST": "review.quality_assure"},
        "object": "review-item:qa-done",
        "shows": "reference",
        "changes": False,
    },
    # The review is a serious case review: only an inter-agency management review converts.
    "reviews:convert": {
        "methods": {"GET": "review.convert", "POST": "review.convert"},
        "object": "review",
        "shows": "reference",
        "changes": False,
        "post": {"reasons": "Posted reasons.", "confirmed": "yes"},
    },
    # Monitoring has not started: sign-off is refused.
    "reviews:sign-off": {
        "methods": {"GET": "review.sign_off", "POST": "review.sign_off"},
        "object": "review",
        "shows": "reference",
        "changes": False,
    },
    "reviews:member-remove": {
        "methods": {"GET": "review.manage", "POST": "review.manage"},
        "object": "review-member",
    },
    "reviews:commission-dates": {
        "methods": {"GET": "review.manage", "POST": "review.manage"},
        "object": "commission",
        "shows": "reference",
        "post": {
            "chronology_due_on_0": "1",
            "chronology_due_on_1": "6",
            "chronology_due_on_2": "2027",
            "report_due_on_0": "1",
            "report_due_on_1": "7",
            "report_due_on_2": "2027",
        },
    },
    # --- chronologies (the police are commissioned; their chronology is sent and shared)
    "chronologies:commission": {
        "methods": {"GET": "commission.view"},
        "object": "commission",
        "shows": "reference",
        "audited": True,
    },
    "chronologies:upload": {
        "methods": {"GET": "commission.submit", "POST": "commission.submit"},
        "object": "commission",
        "shows": "reference",
    },
    "chronologies:draft": {
        "methods": {"GET": "commission.submit", "POST": "commission.submit"},
        "object": "commission",
        "shows": "reference",
        "audited": True,
    },
    "chronologies:draft-start": {
        "methods": {"POST": "commission.submit"},
        "object": "commission",
        "changes": False,  # a draft is already open
    },
    "chronologies:row-edit": {
        "methods": {"GET": "commission.submit", "POST": "commission.submit"},
        "object": "draft-row",
        "audited": True,
    },
    "chronologies:row-delete": {
        "methods": {"POST": "commission.submit"},
        "object": "draft-row",
    },
    "chronologies:submit": {
        "methods": {"POST": "commission.submit"},
        "object": "commission",
        "changes": False,  # without the staff list the draft is kept, unsent
    },
    "chronologies:merged": {
        "methods": {"GET": "chronology.view_merged"},
        "object": "review",
        "shows": "reference",
        "audited": True,
    },
    "chronologies:share": {
        "methods": {"POST": "review.manage"},
        "object": "review",
        "changes": False,  # already shared
    },
    "chronologies:mark": {
        "methods": {"GET": "chronology.annotate", "POST": "chronology.annotate"},
        "object": "merged-row",
        "audited": True,
    },
    "chronologies:approve": {
        "methods": {"GET": "chronology.approve", "POST": "chronology.approve"},
        "object": "review",
        "shows": "reference",
    },
    "chronologies:export": {
        "methods": {"POST": "chronology.export"},
        "object": "review",
        "post": {"format": "csv"},
    },
    "chronologies:export-job": {
        "methods": {"GET": "chronology.export"},
        "object": "export-job",
        "owner": "manager",
        "shows": "reference",
    },
    "chronologies:export-download": {
        "methods": {"GET": "chronology.export"},
        "object": "export-job",
        "owner": "manager",
        "audited": True,
    },
    # --- anonymisation (process staff only; the key names are the canaries)
    "anonymisation:key-reference": {
        "methods": {"GET": "key_reference.manage", "POST": "key_reference.manage"},
        "object": "review",
        "shows": "key_name",
        "audited": True,
    },
    "anonymisation:key-reference-read": {
        "methods": {"GET": "key_reference.view"},
        "object": "review",
        "shows": "key_name",
        "audited": True,
    },
    "anonymisation:copies": {
        "methods": {"GET": "document.read_anonymised"},
        "object": "review",
        "shows": "reference",
        "audited": True,
    },
    "anonymisation:key-import": {
        "methods": {"GET": "key_reference.manage", "POST": "key_reference.manage"},
        "object": "review",
        "shows": "reference",
    },
    "anonymisation:key-export-csv": {
        "methods": {"GET": "key_reference.manage"},
        "object": "review",
        "shows": "key_name",
        "audited": True,
    },
    "anonymisation:key-export-docx": {
        "methods": {"GET": "key_reference.manage"},
        "object": "review",
        "audited": True,
    },
    "anonymisation:key-entry": {
        "methods": {"GET": "key_reference.manage", "POST": "key_reference.manage"},
        "object": "key-entry",
        "shows": "key_name",
        "audited": True,
    },
    "anonymisation:key-entry-remove": {
        "methods": {"POST": "key_reference.manage"},
        "object": "key-entry",
    },
    "anonymisation:glossary": {
        "methods": {"GET": "key_reference.manage", "POST": "key_reference.manage"},
        "object": "review",
        "shows": "reference",
        "audited": True,
    },
    "anonymisation:glossary-starter": {
        "methods": {"POST": "key_reference.manage"},
        "object": "review",
    },
    "anonymisation:glossary-export": {
        "methods": {"GET": "key_reference.manage"},
        "object": "review",
        "audited": True,
    },
    "anonymisation:glossary-remove": {
        "methods": {"POST": "key_reference.manage"},
        "object": "glossary-term",
    },
    "anonymisation:genogram": {
        "methods": {"GET": "key_reference.manage", "POST": "key_reference.manage"},
        "object": "review",
        "shows": "reference",
        "audited": True,
    },
    "anonymisation:relation-remove": {
        "methods": {"POST": "key_reference.manage"},
        "object": "relation",
    },
    "anonymisation:documents": {
        "methods": {"GET": "document.anonymise", "POST": "document.anonymise"},
        "object": "review",
        "shows": "reference",
        "audited": True,
    },
    "anonymisation:document-original": {
        "methods": {"GET": "document.read_original"},
        "object": "review-document",
        "shows": "key_name",
        "audited": True,
    },
    "anonymisation:document-anonymise": {
        "methods": {"POST": "document.anonymise"},
        "object": "review-document",
    },
    "anonymisation:run": {
        "methods": {"GET": "document.anonymise"},
        "object": "run",
        "shows": "reference",
        "audited": True,
    },
    "anonymisation:run-download": {
        "methods": {"GET": "document.anonymise"},
        "object": "run",
        "audited": True,
    },
    "anonymisation:flag-add": {
        "methods": {"GET": "key_reference.manage", "POST": "key_reference.manage"},
        "object": "flag",
        "audited": True,
    },
    "anonymisation:flag-dismiss": {
        "methods": {"GET": "document.anonymise", "POST": "document.anonymise"},
        "object": "flag",
        "audited": True,
    },
    "referrals:answer": {
        "methods": {"GET": "agency_request.answer", "POST": "agency_request.answer"},
        "object": "request",
        "shows": "child_name",
        "audited": True,
        "post": {"answer": "known", "information": "Posted information."},
    },
}


# --- Files: which routes send them and which accept them (SECURITY.md DL-1, UP-1, UP-3) -------
# Kept as tables of their own beside URLS so a route's row there stays as it was. The matrix
# fails on a route that sends a file (FileResponse or Content-Disposition: attachment) and is
# not in SERVES, on a page with a file field that is not in ACCEPTS_FILES, and on a row here
# that the app never shows.

STORED = "stored"  # sends a stored file, through core.serving.serve_stored: walked by DL-1
MADE = "made"  # sends a file made for the request from data the page may show (never stored)

SERVES = {
    "core:document-download": STORED,
    "boards:letter-template-download": STORED,  # the board's own file; the default is MADE
    # A zip made for the request of stored letters, each through its kind's rule.
    "referrals:letters-download": MADE,
    "chronologies:export-download": STORED,
    "anonymisation:document-original": STORED,
    "anonymisation:run-download": STORED,
    "anonymisation:key-export-csv": MADE,
    "anonymisation:key-export-docx": MADE,
    "anonymisation:glossary-export": MADE,
}

# Route -> its file field, the fixture file (conftest.FILES) the matrix posts there, and the
# form data that goes with it, so an allowed POST stores the file (and a refused one, nothing).
# Every other POST route is sent a stray file too, and must store nothing of it.
ACCEPTS_FILES = {
    "boards:letter-templates": {
        "field": "file",
        "file": "letter-template.docx",
        "post": {"kind": "decision-notice"},
    },
    "chronologies:upload": {"field": "file", "file": "chronology.csv", "post": {}},
    "anonymisation:key-import": {"field": "file", "file": "key-reference.csv", "post": {}},
    "anonymisation:documents": {"field": "file", "file": "imr.txt", "post": {"title": "Posted"}},
}

# DL-1: who may have each kind of stored file, in each state the fixtures hold it, through
# whichever route sends it: kind -> state -> roles. Every kind in core.serving needs a row
# (a kind without one fails the walk), and a route can only narrow this (its own gate).
_AGENCY = frozenset({"police_officer", "police_author"})  # the commissioned agency's people
_LETTER_KINDS = (
    "agency-request",
    "decision-notice",
    "safeguarding-action",
    "information-notice",
    "inspectorate-notice",
    "coroner-cps-notice",
    "referrer-outcome",
    "family-invitation",
)
MAY_HAVE: dict[str, dict[str, frozenset]] = {
    **{f"letter:{kind}": {"issued": CASE_STAFF} for kind in _LETTER_KINDS},
    "letter:decision-notice": {
        "issued": CASE_STAFF,
        "withdrawn": frozenset(),  # a status other than issued is served to no one
        "quarantined": frozenset(),  # (the upload gate's status for a file that fails it)
        "other-board": frozenset({"outsider"}),  # a letter of the other board's case
    },
    "chronology-source": {
        "draft": _AGENCY,  # until sent, only the agency's own people
        "set-aside": _AGENCY,  # a draft replaced before it was sent
        "sent": _AGENCY | PROCESS_STAFF,  # as the agency's commission page
    },
    "chronology-export": {
        "fresh": frozenset({"manager"}),  # its requester's, for a day
        "admins": frozenset({"admin"}),  # another person's export: theirs alone
        "expired": frozenset(),
    },
    "review-original": {"issued": PROCESS_STAFF},
    "review-anonymised": {"issued": PROCESS_STAFF},
    "boards.lettertemplate": {"issued": PROCESS_STAFF},
}
# Actions whose rule is the stored file's own kind rule (the generic download): ALLOWED above
# says what it gives on the matrix's fixture (a letter); the DL-1 walk narrows nothing by it.
KIND_GATED = frozenset({"document.download"})

# Objects inside a review: on the "other" relation the other board's review is put in the
# path with the first board's object (a swapped parent), so everyone is refused with 404.
SWAPPED_KINDS = frozenset(
    {
        "draft-row",
        "merged-row",
        "export-job",
        "key-entry",
        "glossary-term",
        "relation",
        "review-document",
        "run",
        "flag",
    }
)


def expected(rule: str, role: str, relation: str, kind: str = "", owner: str = "") -> bool:
    """Whether the policy allows a role to use a rule on an object of a relation."""
    if rule == PUBLIC:
        return True
    if role == "anonymous":
        return False
    if rule == SIGNED_IN:
        return True  # a signed-in person with no role may still see an empty dashboard
    if relation == "other" and kind in SWAPPED_KINDS:
        return False
    if owner and role != owner:
        return False
    if relation == "other":
        # The other board's objects: only its own business manager, as a manager there.
        return role == "outsider" and "manager" in ALLOWED[rule]
    if role in OUT_OF_SCOPE_ROLES:
        return False
    return role in ALLOWED[rule]


def denial_statuses(role: str, relation: str, kind: str = "") -> set[int]:
    """The uniform refusal: 404 where the object is out of the person's scope, else 403."""
    if relation == "other" and kind in SWAPPED_KINDS:
        return {404}
    if relation == "other" and role == "outsider":
        return {403}  # the other board's own manager, refused a function
    if relation == "other" or role in OUT_OF_SCOPE_ROLES:
        return {404}
    # A board role that cannot see the object (an agency not asked) gets 404; one that can
    # see it but lacks the function gets 403.
    return {403, 404}
