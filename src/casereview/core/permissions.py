"""The one permission gate: every page, download and API call asks here.

Two different refusals, kept apart (STYLE.md): an object outside a person's scope is
*not found* (404, so its existence does not leak); a function their role does not allow on
an object they can see is *forbidden* (403). "Not allowed now" (a stage guard) is neither:
the service refuses with a message and the page says why.

Rules are plain functions over a person's memberships, loaded once per request.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from .roles import CASE_STAFF_ROLES, READ_ONLY_ROLES, Role

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Grant:
    board_id: int
    role: Role
    agency_id: int | None


# Who is excluded from which cases: the app that keeps the cases provides it (referrals, in
# its AppConfig.ready), so core imports nothing above it.
_exclusions: Callable[[int], Iterable[int]] | None = None


def provide_exclusions(provider: Callable[[int], Iterable[int]]) -> None:
    """Register the function giving the cases a person (by primary key) is excluded from."""
    global _exclusions
    _exclusions = provider


@dataclass
class Access:
    """What one person holds: their active memberships, read once per request."""

    person_id: int | None
    grants: list[Grant] = field(default_factory=list)
    _excluded: frozenset[int] | None = field(default=None, repr=False)

    def excluded_cases(self) -> frozenset[int]:
        """The cases this person is excluded from for a conflict of interest (read once).

        The cases' app provides them (``provide_exclusions``); with no provider this raises,
        and every caller denies (fail closed, SECURITY.md HD-3)."""
        if self._excluded is None:
            if not self.person_id:
                self._excluded = frozenset()
            elif _exclusions is None:
                raise RuntimeError("no provider of case exclusions is registered")
            else:
                self._excluded = frozenset(_exclusions(self.person_id))
        return self._excluded

    def is_excluded_from(self, obj) -> bool:
        """Whether the object belongs to a case this person is excluded from (AZ-5)."""
        case = case_of(obj)
        return case is not None and case in self.excluded_cases()

    def grants_on(self, board_id: int) -> list[tuple[Role, int | None]]:
        return [(g.role, g.agency_id) for g in self.grants if g.board_id == board_id]

    def roles_on(self, board_id: int) -> set[Role]:
        return {g.role for g in self.grants if g.board_id == board_id}

    def agencies_on(self, board_id: int) -> set[int]:
        return {g.agency_id for g in self.grants if g.board_id == board_id and g.agency_id}

    def boards(self) -> set[int]:
        return {g.board_id for g in self.grants}

    def has(self, board_id: int, *roles: Role) -> bool:
        return bool(self.roles_on(board_id) & set(roles))

    def is_case_staff(self, board_id: int) -> bool:
        return bool(self.roles_on(board_id) & CASE_STAFF_ROLES)


def access_for(person) -> Access:
    """Load a person's grants (cached on the person object for the request)."""
    if not getattr(person, "is_authenticated", False) or not person.is_active:
        return Access(person_id=None)
    cached = getattr(person, "_casereview_access", None)
    if cached is not None:
        return cached
    grants = [
        Grant(board_id=m.board_id, role=Role(m.role), agency_id=m.agency_id)
        for m in person.memberships.filter(is_active=True).only("board_id", "role", "agency_id")
    ]
    access = Access(person_id=person.pk, grants=grants)
    person._casereview_access = access
    return access


# The steps from an object of a case towards the case itself: a chronology row to its
# submission, to its commission, to its review; an anonymisation run to its document, to its
# review; a panel's mark to its row; a stored file to the review document it is the original of.
CASE_STEPS = ("review", "commission", "submission", "document", "review_document", "entry")


def case_of(obj) -> int | None:
    """The case (referral) an object belongs to, or None for a board's own objects."""
    for _ in range(len(CASE_STEPS) + 1):
        if obj is None:
            return None
        if obj._meta.label == "referrals.Referral":
            return obj.pk
        if getattr(obj, "referral_id", None) is not None:
            return obj.referral_id
        obj = next((getattr(obj, s) for s in CASE_STEPS if hasattr(obj, s)), None)
    return None


def board_of(obj) -> int | None:
    """The board an object belongs to, or None for what belongs to no board (a person)."""
    if obj._meta.label == "boards.Board":
        return obj.pk
    try:
        board_id = getattr(obj, "board_id", None)
    except AttributeError:  # a step towards the board is missing
        return None
    if board_id is not None:
        return board_id
    for step in CASE_STEPS:
        parent = getattr(obj, step, None) if hasattr(obj, step) else None
        if parent is not None:
            return board_of(parent)
    return None


# --- Rules: (access, object) -> bool. One line of docstring each: what they allow. ---

Rule = Callable[[Access, object], bool]


def _board_id(obj) -> int:
    return obj.board_id if hasattr(obj, "board_id") else obj.pk


def is_case_staff(access: Access, obj) -> bool:
    """Chair, business manager, administrator and sub group members of the board."""
    return access.is_case_staff(_board_id(obj))


def is_process_staff(access: Access, obj) -> bool:
    """Business manager and administrator: they run the process."""
    return access.has(_board_id(obj), Role.BUSINESS_MANAGER, Role.ADMINISTRATOR)


def is_screening_member(access: Access, obj) -> bool:
    """Sub group members, with the business manager and administrator who record for them."""
    return access.has(
        _board_id(obj), Role.SUBGROUP_MEMBER, Role.BUSINESS_MANAGER, Role.ADMINISTRATOR
    )


def is_chair(access: Access, obj) -> bool:
    """The board chair."""
    return access.has(_board_id(obj), Role.CHAIR)


def is_board_admin(access: Access, obj) -> bool:
    """Business manager and administrator may adjust the board's procedure profile."""
    return access.has(_board_id(obj), Role.BUSINESS_MANAGER, Role.ADMINISTRATOR)


def is_named_officer_of_request(access: Access, request_obj) -> bool:
    """The asked agency's named officer (or its authors), and the board's process staff."""
    board_id = request_obj.referral.board_id
    if access.has(board_id, Role.BUSINESS_MANAGER, Role.ADMINISTRATOR):
        return True
    return request_obj.agency_id in access.agencies_on(board_id)


def may_have_stored(access: Access, stored) -> bool:
    """Whoever the stored file's kind allows, now (one rule per kind: core/serving.py)."""
    from .serving import may_have

    return may_have(access, stored)


def is_chair_or_process_staff(access: Access, obj) -> bool:
    """The board chair, business manager and administrator."""
    return access.has(_board_id(obj), Role.CHAIR, Role.BUSINESS_MANAGER, Role.ADMINISTRATOR)


def reads_decisions(access: Access, obj) -> bool:
    """The board's case staff, and its read-only board members and observers."""
    return access.has(_board_id(obj), *CASE_STAFF_ROLES, *READ_ONLY_ROLES)


def is_board_member(access: Access, obj) -> bool:
    """Anyone holding a role on the board."""
    return _board_id(obj) in access.boards()


RULES: dict[str, Rule] = {
    "referral.view": is_case_staff,
    "referral.create": is_process_staff,
    "referral.ask_agencies": is_process_staff,
    "referral.record_facts": is_screening_member,
    "referral.begin_screening": is_screening_member,
    "referral.recommend": is_screening_member,
    "referral.decide": is_chair,
    "referral.record_chair_consultation": is_chair_or_process_staff,
    "referral.notify": is_process_staff,
    "referral.close": is_process_staff,
    "deadline.extend": is_process_staff,
    "deadline.approve_extension": is_chair,
    "agency_request.answer": is_named_officer_of_request,
    "document.download": may_have_stored,
    "board.view": is_board_member,
    "board.decisions": reads_decisions,
    "profile.edit": is_board_admin,
    "letter_template.edit": is_board_admin,
    "board.manage_people": is_board_admin,
    "case_exclusion.view": is_chair_or_process_staff,
    "case_exclusion.manage": is_process_staff,
}


def can(person, action: str, obj) -> bool:
    """Whether a person may do an action on an object; an error inside a rule denies.

    An exclusion from the object's case beats every role (SECURITY.md AZ-5)."""
    rule = RULES[action]
    try:
        access = access_for(person)
        return not access.is_excluded_from(obj) and bool(rule(access, obj))
    except Exception:  # fail closed (SECURITY.md HD-3)
        log.exception("permission rule %s failed; denying", action)
        return False


def require(person, action: str, obj) -> None:
    if not can(person, action, obj):
        raise PermissionDenied(f"You may not {action.split('.')[-1].replace('_', ' ')} here.")


def gate(
    action: str | None,
    *,
    lookup: Callable[[HttpRequest, dict], object] | None = None,
    reads: str | None = None,
    read_detail: dict | None = None,
):
    """Decorate a view: load its object within the person's scope (else 404), then check.

    ``lookup(request, kwargs)`` returns the object or raises Http404; it must filter by what
    the person may see. Whatever it returns, an object of a case the person is excluded from
    is not found (SECURITY.md AZ-5): the gate maps each object to its case.
    With ``action=None`` the view only needs a signed-in person with
    two-factor (the middleware) and does its own scoping, e.g. a dashboard.

    ``reads`` names the read event of a page or file that shows case content: after the view
    answers a GET with success, the gate writes exactly that one event (SECURITY.md LG-1),
    about the looked-up object with ``read_detail``, or about what the view named with
    ``reading``. The response is not sent until the event is written: if it cannot be, the
    request fails and serves nothing (LG-3).
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                # Every gated page needs a person: a visitor is sent to sign in (AZ-1).
                return redirect_to_login(request.get_full_path())
            obj = None
            try:
                if lookup is not None:
                    obj = lookup(request, kwargs)
                    if obj is None or _excluded(request.user, obj):
                        raise Http404
                if action is not None:
                    if obj is None:
                        raise RuntimeError("a gated action needs a lookup")
                    require(request.user, action, obj)
            except (Http404, PermissionDenied) as refusal:
                record_refusal(request, action, refusal)
                raise
            response = (
                view(request, *args, obj=obj, **kwargs)
                if lookup
                else view(request, *args, **kwargs)
            )
            if reads and request.method in ("GET", "HEAD") and 200 <= response.status_code < 300:
                try:
                    _record_read(request, reads, obj, read_detail)
                except BaseException:
                    _let_go(response)  # a file opened for the response is let go, unsent
                    raise
            return response

        wrapped.casereview_gate = action or "signed-in"  # the URL walk test looks for this
        wrapped.casereview_reads = reads  # and for this, on pages that show case content
        return wrapped

    return decorator


def _let_go(response) -> None:
    """Close the file a response would have streamed, without ``response.close()``, which
    also signals the end of the request (and so closes the database connection mid-request)."""
    stream = getattr(response, "file_to_stream", None)
    if stream is not None:
        stream.close()
    elif getattr(response, "streaming", False):
        close = getattr(response.streaming_content, "close", None)
        if close is not None:
            close()


def reading(request: HttpRequest, obj=None, **detail) -> None:
    """Say what a page read, for the gate's read event: the object shown (when it is not
    the gate's own) and figures such as the rows or the page. Writes nothing itself."""
    if obj is not None:
        request.casereview_read_obj = obj
    request.casereview_read_detail = {**getattr(request, "casereview_read_detail", {}), **detail}


def _record_read(request: HttpRequest, kind: str, obj, read_detail: dict | None) -> None:
    from casereview.core import models as audit

    audit.record(
        kind,
        actor=request.user,
        obj=getattr(request, "casereview_read_obj", obj),
        request=request,
        detail={**(read_detail or {}), **getattr(request, "casereview_read_detail", {})},
    )


def _excluded(person, obj) -> bool:
    try:
        return access_for(person).is_excluded_from(obj)
    except Exception:  # fail closed (SECURITY.md HD-3)
        log.exception("exclusion check failed; denying")
        return True


def record_refusal(request: HttpRequest, action: str | None, refusal: Exception) -> None:
    """One denied event for each refused request of a signed-in person (SECURITY.md LG-1)."""
    from casereview.core import models as audit

    audit.record(
        "ACCESS_DENIED",
        actor=request.user,
        outcome="denied",
        request=request,
        detail={
            "action": action or "signed-in",
            "status": 404 if isinstance(refusal, Http404) else 403,
            "method": request.method,
            "path": request.path,
        },
    )


def public(view):
    """Mark a view as open to visitors (sign-in, password reset): the walk test checks it."""
    view.casereview_gate = "public"
    return view
