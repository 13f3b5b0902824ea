"""The lifecycle of a review after the chair's decision, as data (DOMAIN.md 2, 2.5-2.9, 7, 8).

Pure: no database. A review walks the stages of its *path*: a serious case review the whole
of DOMAIN.md section 2 (scoping and terms of reference, panel and commissioning, information,
analysis, overview report, quality assurance, board approval, submission, publication, closed);
an alternative review a lighter path its profile gives it (004 §12: an inter-agency
management review has terms of reference, local managers and a brief report; a near-miss
review a facilitator and a brief report, no commissioned chronologies and no review clock).
Paths are data (``DEFAULT_PATHS``, overridable per board in ``ProcedureProfile.review_paths``),
so today's English process (a rapid review, then a local child safeguarding practice review)
is a further preset, not a branch in the code.

Each stage lists the guards for leaving it. Most stand on *checklist items*: human judgements
the system records with who and when (DOMAIN.md 2: "checklist" rules), each with the
permission the gate asks for and the guards that must hold before it may be recorded (the
publication gates guard "published"). Others are automatic facts (panel size, chronologies
received, merged chronology approved). The monitoring of actions is a track of its own that
starts at board approval and runs beside submission and publication (publication may wait
months for criminal proceedings; 004 wants action updates within six months): a review closes
when it is published (where its path publishes) and its action plan is signed off.

The work of later issues (terms of reference, QA records, agency report returns, actions)
replaces a checklist item by a richer fact in the gatherer (``reviews.services.review_facts``):
one row here changes, not the mechanism.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache

from casereview.core import lifecycle as machine
from casereview.core.lifecycle import Machine, Transition, rule


class Stage(machine.Stage):
    RAPID_REVIEW = "rapid-review"
    SCOPING = "scoping"
    PANEL = "panel"
    INFORMATION = "information"
    ANALYSIS = "analysis"
    OVERVIEW_REPORT = "overview-report"
    QUALITY_ASSURANCE = "quality-assurance"
    BOARD_APPROVAL = "board-approval"
    SUBMISSION = "submission"
    PUBLICATION = "publication"
    CLOSED = "closed"


Stage.LABELS = {
    Stage.RAPID_REVIEW: "Rapid review",
    Stage.SCOPING: "Scoping and terms of reference",
    Stage.PANEL: "Panel and commissioning",
    Stage.INFORMATION: "Chronologies and agency reports",
    Stage.ANALYSIS: "Analysis by the panel",
    Stage.OVERVIEW_REPORT: "Overview report",
    Stage.QUALITY_ASSURANCE: "Quality assurance",
    Stage.BOARD_APPROVAL: "Board approval",
    Stage.SUBMISSION: "Submission to the inspectorate",
    Stage.PUBLICATION: "Publication",
    Stage.CLOSED: "Closed",
}


class Track(machine.Stage):
    """The monitoring of a review's action plan, beside its stages."""

    NOT_STARTED = "not-started"
    MONITORING = "monitoring"
    SIGNED_OFF = "signed-off"


Track.LABELS = {
    Track.NOT_STARTED: "Not started",
    Track.MONITORING: "Actions being monitored",
    Track.SIGNED_OFF: "Final master document signed off",
}


class Item(machine.Stage):
    """A checklist item: a judgement recorded by a person, with who, when and a note."""

    RAPID_REVIEW_SENT = "rapid-review-sent"
    TERMS_CONFIRMED = "terms-confirmed"
    REPORTS_ACCEPTED = "reports-accepted"
    OVERVIEW_AGREED = "overview-agreed"
    QA_DONE = "qa-done"
    AGENCIES_CONFIRMED = "agencies-confirmed"
    BOARD_APPROVED = "board-approved"
    SUBMITTED = "submitted"
    FAMILY_SEEN = "family-seen"
    EVALUATION_RECEIVED = "evaluation-received"
    PROCEEDINGS_CONCLUDED = "proceedings-concluded"
    DATA_PROTECTION_CHECKED = "data-protection-checked"
    ANONYMISATION_PASSED = "anonymisation-passed"
    PUBLISHED = "published"


Item.LABELS = {
    Item.RAPID_REVIEW_SENT: "Rapid review sent to the national panel",
    Item.TERMS_CONFIRMED: "Terms of reference confirmed",
    Item.REPORTS_ACCEPTED: "Agency reports accepted by the panel",
    Item.OVERVIEW_AGREED: "Report agreed by the panel",
    Item.QA_DONE: "Quality assured by two sub group members",
    Item.AGENCIES_CONFIRMED: "Agencies confirmed their information is fairly represented",
    Item.BOARD_APPROVED: "Approved by the board",
    Item.SUBMITTED: "Sent to the inspectorate and national bodies",
    Item.FAMILY_SEEN: "The family has seen the executive summary",
    Item.EVALUATION_RECEIVED: "The inspectorate's evaluation received",
    Item.PROCEEDINGS_CONCLUDED: "Criminal or coroner proceedings concluded, or publication cleared",
    Item.DATA_PROTECTION_CHECKED: "Data protection check done",
    Item.ANONYMISATION_PASSED: "Anonymisation check passes",
    Item.PUBLISHED: "Executive summary published",
}

# Gates a board may ask for before publication (DOMAIN.md 7); which it asks for is a setting.
PUBLICATION_GATES = (
    Item.FAMILY_SEEN,
    Item.EVALUATION_RECEIVED,
    Item.PROCEEDINGS_CONCLUDED,
    Item.DATA_PROTECTION_CHECKED,
    Item.ANONYMISATION_PASSED,
)


@dataclass(frozen=True)
class Path:
    """The stages one kind of review walks, and what its lighter versions leave out."""

    stages: tuple[Stage, ...]
    panel_minimum: int | None = None  # None: the profile's; a near-miss review has a facilitator
    clock: bool = True  # whether the profile's "complete the review" deadline applies
    brief_report: bool = False  # 004 §12: no more than 12 sides of A4

    @property
    def commissions(self) -> bool:
        return Stage.INFORMATION in self.stages

    @property
    def publishes(self) -> bool:
        return Stage.PUBLICATION in self.stages

    @property
    def monitors(self) -> bool:
        return Stage.BOARD_APPROVAL in self.stages

    def after(self, stage: Stage) -> Stage | None:
        i = self.stages.index(stage)
        return self.stages[i + 1] if i + 1 < len(self.stages) else None

    @classmethod
    def from_setting(cls, value: Mapping | Iterable[str]) -> Path:
        """A path from a profile setting: a list of stage names, or a dict with options."""
        if isinstance(value, Mapping):
            options = dict(value)
            stages = options.pop("stages")
        else:
            stages, options = value, {}
        path = cls(stages=tuple(Stage(s) for s in stages), **options)
        if not path.stages or path.stages[-1] is not Stage.CLOSED:
            raise ValueError("a review's path ends at 'closed'")
        if len(set(path.stages)) != len(path.stages):
            raise ValueError("a review's path visits each stage once")
        return path


_S = Stage
SCR_PATH = Path(
    (
        _S.SCOPING,
        _S.PANEL,
        _S.INFORMATION,
        _S.ANALYSIS,
        _S.OVERVIEW_REPORT,
        _S.QUALITY_ASSURANCE,
        _S.BOARD_APPROVAL,
        _S.SUBMISSION,
        _S.PUBLICATION,
        _S.CLOSED,
    )
)
_MANAGED = Path(
    (
        _S.SCOPING,
        _S.PANEL,
        _S.INFORMATION,
        _S.ANALYSIS,
        _S.OVERVIEW_REPORT,
        _S.BOARD_APPROVAL,
        _S.CLOSED,
    ),
    brief_report=True,
)
_FACILITATED = Path(
    (_S.SCOPING, _S.PANEL, _S.ANALYSIS, _S.OVERVIEW_REPORT, _S.BOARD_APPROVAL, _S.CLOSED),
    panel_minimum=1,
    clock=False,
    brief_report=True,
)
# Keyed by the decision's outcome (referrals.lifecycle.Outcome values).
DEFAULT_PATHS: dict[str, Path] = {
    "scr": SCR_PATH,
    "wholly-independent-review": SCR_PATH,  # 004 §5.3: it then becomes the SCR
    "interagency-management-review": _MANAGED,
    "critical-incident-review": _MANAGED,
    "near-miss-review": _FACILITATED,
    "other-learning-review": _FACILITATED,
    # Working Together 2018/2023: the rapid review, then the practice review.
    "lcspr": Path(
        (
            _S.RAPID_REVIEW,
            _S.SCOPING,
            _S.PANEL,
            _S.INFORMATION,
            _S.ANALYSIS,
            _S.OVERVIEW_REPORT,
            _S.QUALITY_ASSURANCE,
            _S.BOARD_APPROVAL,
            _S.PUBLICATION,
            _S.CLOSED,
        )
    ),
}


def path_for(kind: str, overrides: Mapping | None = None) -> Path:
    """The path of a kind of review: the board's setting where it has one, else the default."""
    if overrides and kind in overrides:
        return Path.from_setting(overrides[kind])
    return DEFAULT_PATHS[kind]


@dataclass(frozen=True)
class Facts:
    """What the guards may look at: gathered by the service, never queried by a guard."""

    path: Path = SCR_PATH
    recorded: frozenset[Item] = frozenset()
    panel_size: int = 0
    panel_minimum: int = 6
    has_panel_chair: bool = False
    commissions: int = 0
    chronologies_outstanding: int = 0
    reports_outstanding: int = 0
    reports_returned: int = 0
    merged_approved: bool = False
    monitoring: Track = Track.NOT_STARTED
    actions_open: int = 0
    publication_gates: frozenset[Item] = field(default_factory=frozenset)
    kind: str = "scr"
    reasons: str = ""


# --- guards: the first paragraph of each docstring is the rule a person reads ----------------


@rule(field=Item.RAPID_REVIEW_SENT)
def rapid_review_sent(f: Facts) -> bool:
    """Send the rapid review to the national panel before the practice review is scoped."""
    return Item.RAPID_REVIEW_SENT in f.recorded


@rule(field=Item.TERMS_CONFIRMED)
def terms_confirmed(f: Facts) -> bool:
    """Confirm the terms of reference before the panel is set up."""
    return Item.TERMS_CONFIRMED in f.recorded


@rule(field="panel")
def panel_large_enough(f: Facts) -> bool:
    """The panel has fewer members than this board's procedure asks for."""
    minimum = f.path.panel_minimum if f.path.panel_minimum is not None else f.panel_minimum
    return f.panel_size >= minimum


@rule(field="panel")
def panel_has_chair(f: Facts) -> bool:
    """Name the panel's chair (for a near-miss review, its facilitator)."""
    return f.has_panel_chair


@rule(field="commissions")
def agencies_commissioned(f: Facts) -> bool:
    """Commission at least one agency for its chronology and report."""
    return not f.path.commissions or f.commissions > 0


@rule(field="commissions")
def chronologies_received(f: Facts) -> bool:
    """Every commissioned agency's chronology must be received first."""
    return f.chronologies_outstanding == 0


@rule(field="commissions")
def reports_received(f: Facts) -> bool:
    """Every commissioned agency's report must be received."""
    return f.reports_outstanding == 0


@rule(field="merged")
def merged_chronology_approved(f: Facts) -> bool:
    """The panel must approve the merged chronology."""
    return not f.path.commissions or f.merged_approved


@rule(field=Item.REPORTS_ACCEPTED)
def reports_accepted(f: Facts) -> bool:
    """The panel must accept the agency reports."""
    return not f.path.commissions or Item.REPORTS_ACCEPTED in f.recorded


@rule(field="commissions")
def no_report_returned(f: Facts) -> bool:
    """An agency report is returned for revision: it must come back and be accepted first."""
    return f.reports_returned == 0


@rule(field=Item.OVERVIEW_AGREED)
def overview_agreed(f: Facts) -> bool:
    """The panel must agree the report."""
    return Item.OVERVIEW_AGREED in f.recorded


@rule(field=Item.QA_DONE)
def quality_assured(f: Facts) -> bool:
    """Two sub group members must quality-assure the report (003 §3.3)."""
    return Item.QA_DONE in f.recorded


@rule(field=Item.AGENCIES_CONFIRMED)
def agencies_confirmed(f: Facts) -> bool:
    """The contributing agencies must confirm their information is fairly represented (004 §9)."""
    return not f.path.commissions or Item.AGENCIES_CONFIRMED in f.recorded


@rule(field=Item.BOARD_APPROVED)
def board_approved(f: Facts) -> bool:
    """Record the board's approval, with its meeting."""
    return Item.BOARD_APPROVED in f.recorded


@rule(field=Item.SUBMITTED)
def submitted(f: Facts) -> bool:
    """Send the submission to the inspectorate and national bodies first."""
    return Item.SUBMITTED in f.recorded


@rule(field=Item.PUBLISHED)
def published(f: Facts) -> bool:
    """Record the publication of the executive summary first."""
    return not f.path.publishes or Item.PUBLISHED in f.recorded


@rule(field="monitoring")
def action_plan_signed_off(f: Facts) -> bool:
    """The board chair must sign off the final master document of the action plan first."""
    return not f.path.monitors or f.monitoring is Track.SIGNED_OFF


def _gate(item: Item):
    @rule(field=item)
    def gate(f: Facts) -> bool:
        return item not in f.publication_gates or item in f.recorded

    gate.__name__ = f"gate_{item.name.lower()}"
    gate.__doc__ = f"Publication waits for this gate: {item.label.lower()}."
    return gate


PUBLICATION_GUARDS = tuple(_gate(item) for item in PUBLICATION_GATES)

# What must hold to leave each stage (the transition to the next stage of the path).
LEAVE: dict[Stage, tuple] = {
    Stage.RAPID_REVIEW: (rapid_review_sent,),
    Stage.SCOPING: (terms_confirmed,),
    Stage.PANEL: (panel_has_chair, panel_large_enough, agencies_commissioned),
    Stage.INFORMATION: (chronologies_received, reports_received),
    Stage.ANALYSIS: (merged_chronology_approved, reports_accepted, no_report_returned),
    Stage.OVERVIEW_REPORT: (overview_agreed,),
    Stage.QUALITY_ASSURANCE: (quality_assured, agencies_confirmed, no_report_returned),
    Stage.BOARD_APPROVAL: (no_report_returned, board_approved),
    Stage.SUBMISSION: (submitted,),
    Stage.PUBLICATION: (published, action_plan_signed_off),
}
# Where a path ends before publication, closing still waits for the action plan.
CLOSING = (action_plan_signed_off,)


# Checklist items: the stage at which each is recorded, who may (the gate's permission), and
# what must hold first.
@dataclass(frozen=True)
class ItemSpec:
    stage: Stage
    action: str
    requires: tuple = ()
    dated: bool = False  # asks for the date it happened (e.g. the board's meeting)


ITEMS: dict[Item, ItemSpec] = {
    Item.RAPID_REVIEW_SENT: ItemSpec(Stage.RAPID_REVIEW, "review.advance", dated=True),
    Item.TERMS_CONFIRMED: ItemSpec(Stage.SCOPING, "review.advance", dated=True),
    Item.REPORTS_ACCEPTED: ItemSpec(Stage.ANALYSIS, "review.panel_decide"),
    Item.OVERVIEW_AGREED: ItemSpec(Stage.OVERVIEW_REPORT, "review.panel_decide", dated=True),
    Item.QA_DONE: ItemSpec(Stage.QUALITY_ASSURANCE, "review.quality_assure"),
    Item.AGENCIES_CONFIRMED: ItemSpec(Stage.QUALITY_ASSURANCE, "review.advance"),
    Item.BOARD_APPROVED: ItemSpec(
        Stage.BOARD_APPROVAL, "review.advance", requires=(no_report_returned,), dated=True
    ),
    Item.SUBMITTED: ItemSpec(Stage.SUBMISSION, "review.advance", dated=True),
    Item.FAMILY_SEEN: ItemSpec(Stage.PUBLICATION, "review.advance", dated=True),
    Item.EVALUATION_RECEIVED: ItemSpec(Stage.PUBLICATION, "review.advance", dated=True),
    Item.PROCEEDINGS_CONCLUDED: ItemSpec(Stage.PUBLICATION, "review.advance", dated=True),
    Item.DATA_PROTECTION_CHECKED: ItemSpec(Stage.PUBLICATION, "review.advance"),
    Item.ANONYMISATION_PASSED: ItemSpec(Stage.PUBLICATION, "review.advance"),
    Item.PUBLISHED: ItemSpec(Stage.PUBLICATION, "review.advance", PUBLICATION_GUARDS, True),
}


def items_at(stage: Stage, f: Facts) -> list[Item]:
    """The checklist items recorded at a stage (publication lists only the board's gates)."""
    items = [i for i, spec in ITEMS.items() if spec.stage is stage]
    if stage is Stage.PUBLICATION:
        items = [i for i in items if i not in PUBLICATION_GATES or i in f.publication_gates]
    if not f.path.commissions:
        items = [i for i in items if i not in (Item.REPORTS_ACCEPTED, Item.AGENCIES_CONFIRMED)]
    return items


def item_refusals(item: Item, stage: Stage, f: Facts) -> list[machine.Refusal]:
    """Every reason the item may not be recorded now; empty when it may."""
    spec = ITEMS[item]
    if item in f.recorded:
        return [machine.Refusal(f"'{item.label}' is already recorded.", item)]
    if stage is not spec.stage:
        return [
            machine.Refusal(
                f"'{item.label}' is recorded at '{spec.stage.label}'; "
                f"this review is at '{stage.label}'.",
                item,
            )
        ]
    return [machine.refusal_of(g) for g in spec.requires if not g(f)]


# --- machines --------------------------------------------------------------------------------

NEXT_LABELS = {
    Stage.SCOPING: "Start scoping",
    Stage.PANEL: "Set up the panel and commission agencies",
    Stage.INFORMATION: "Wait for chronologies and agency reports",
    Stage.ANALYSIS: "Start the panel's analysis",
    Stage.OVERVIEW_REPORT: "Start the report",
    Stage.QUALITY_ASSURANCE: "Send for quality assurance",
    Stage.BOARD_APPROVAL: "Send to the board for approval",
    Stage.SUBMISSION: "Prepare the submission",
    Stage.PUBLICATION: "Prepare publication",
    Stage.CLOSED: "Close the review",
}


def transition_name(source: Stage, target: Stage) -> str:
    return f"{source.name.lower()}_to_{target.name.lower()}"


@cache
def machine_for(path: Path) -> Machine:
    """The review's machine on one path: each stage to the next, with its leaving guards."""
    steps = []
    for source, target in zip(path.stages, path.stages[1:], strict=False):
        guards = LEAVE.get(source, ())
        if target is Stage.CLOSED and source is not Stage.PUBLICATION:
            guards = (*guards, *CLOSING)
        steps.append(
            Transition(
                transition_name(source, target),
                NEXT_LABELS[target],
                source,
                target,
                "review.advance",
                guards,
            )
        )
    return Machine.of("review", steps, noun="review", stages=path.stages)


@rule(field="monitoring")
def actions_complete(f: Facts) -> bool:
    """Every action of the plan must be complete before the final master document is signed off."""
    return f.actions_open == 0


MONITORING = Machine.of(
    "monitoring",
    [
        Transition(
            "start_monitoring",
            "Start monitoring the action plan",
            Track.NOT_STARTED,
            Track.MONITORING,
            "review.advance",
            (board_approved,),
        ),
        Transition(
            "sign_off",
            "Sign off the final master document",
            Track.MONITORING,
            Track.SIGNED_OFF,
            "review.sign_off",
            (actions_complete,),
        ),
    ],
    noun="action plan",
    stages=tuple(Track),
)


# --- turning an inter-agency management review into a serious case review (004 §12.1) ---------

CONVERTIBLE = frozenset({"interagency-management-review"})


@rule(field="kind")
def is_convertible(f: Facts) -> bool:
    """Only an inter-agency management review can be turned into a serious case review."""
    return f.kind in CONVERTIBLE


@rule(field="reasons")
def conversion_reasons_given(f: Facts) -> bool:
    """Give the reasons in writing: significant new learning, or a high public interest."""
    return bool(f.reasons.strip())


@rule(field="kind")
def not_yet_approved(f: Facts) -> bool:
    """A review the board has approved can no longer change its kind."""
    return Item.BOARD_APPROVED not in f.recorded


CONVERSION_GUARDS = (is_convertible, not_yet_approved, conversion_reasons_given)


def conversion_refusals(f: Facts) -> list[machine.Refusal]:
    return [machine.refusal_of(g) for g in CONVERSION_GUARDS if not g(f)]


def stage_on(path: Path, stage: Stage, old: Path) -> Stage:
    """Where a review stands on a new path: its stage, or the last stage of the new path that
    came before it on the old one (nothing done is undone)."""
    if stage in path.stages:
        return stage
    done = old.stages[: old.stages.index(stage)]
    return next((s for s in reversed(done) if s in path.stages), path.stages[0])
