"""Who may do what on one review: board roles, the review's own roles, and agency roles.

Rules here are registered with the one gate in ``core.permissions``; each receives the
person's board grants and the object, and reads the review's members once per request.
An exclusion for a conflict of interest is applied by the gate itself, before any rule.
"""

from __future__ import annotations

from casereview.core.permissions import RULES, Access
from casereview.core.roles import CASE_STAFF_ROLES, Role

from .models import PANEL_ROLES, ReviewMember, ReviewRole, rests_on


def review_of(obj):
    return obj if hasattr(obj, "commissions") and hasattr(obj, "referral") else obj.review


def _live_members(access: Access, review) -> list[tuple[str, int | None]]:
    """The person's roles on the review that rest on a board role they hold (AZ-4)."""
    cache = review.__dict__.setdefault("_roles_cache", {})
    if access.person_id not in cache:
        grants = access.grants_on(review.referral.board_id)
        cache[access.person_id] = [
            (role, agency_id)
            for role, agency_id in ReviewMember.objects.filter(
                review=review, person_id=access.person_id, is_active=True
            ).values_list("role", "agency_id")
            if rests_on(role, agency_id, grants)
        ]
    return cache[access.person_id]


def review_roles(access: Access, review) -> set[ReviewRole]:
    return {ReviewRole(role) for role, _ in _live_members(access, review)}


def _agencies(access: Access, review) -> set[int]:
    own = access.agencies_on(review.referral.board_id)
    authored = {
        agency_id
        for role, agency_id in _live_members(access, review)
        if role == ReviewRole.AGENCY_AUTHOR and agency_id
    }
    return own | authored


def is_process_staff(access: Access, obj) -> bool:
    """The board's business manager and administrator."""
    review = review_of(obj)
    return access.has(review.referral.board_id, Role.BUSINESS_MANAGER, Role.ADMINISTRATOR)


def is_panel(access: Access, obj) -> bool:
    """The review's panel chair and members, and the board's case staff."""
    review = review_of(obj)
    return bool(review_roles(access, review) & PANEL_ROLES) or bool(
        access.roles_on(review.referral.board_id) & CASE_STAFF_ROLES
    )


def can_view_review(access: Access, obj) -> bool:
    """Panel, process staff, overview author, and the commissioned agencies' people."""
    review = review_of(obj)
    if is_panel(access, review) or ReviewRole.OVERVIEW_AUTHOR in review_roles(access, review):
        return True
    commissioned = set(review.commissions.values_list("agency_id", flat=True))
    return bool(_agencies(access, review) & commissioned)


def is_commissioned_agency(access: Access, commission) -> bool:
    """The commissioned agency's own officers and authors, and the board's process staff."""
    review = commission.review
    if is_process_staff(access, review):
        return True
    return commission.agency_id in _agencies(access, review)


def is_overview_author(access: Access, obj) -> bool:
    """The review's overview author (the independent reviewer who writes the report)."""
    return ReviewRole.OVERVIEW_AUTHOR in review_roles(access, review_of(obj))


def may_see_merged(access: Access, obj) -> bool:
    """Process staff always; the panel and the overview author once the merged chronology
    is shared with the panel."""
    review = review_of(obj)
    if is_process_staff(access, review):
        return True
    return review.chronology_shared_at is not None and (
        is_panel(access, review) or is_overview_author(access, review)
    )


def reads_for_the_overview(access: Access, obj) -> bool:
    """The overview author, and the process staff who prepare what they read.

    The overview report keeps the family's names (004 §13), so its author reads the key
    reference, but professionals only by their labels, and the reports only as anonymised:
    never the originals (``document.read_original`` stays with process staff)."""
    return is_process_staff(access, obj) or is_overview_author(access, obj)


def is_panel_chair(access: Access, obj) -> bool:
    """The review panel's chair, or the board chair."""
    review = review_of(obj)
    return ReviewRole.PANEL_CHAIR in review_roles(access, review) or access.has(
        review.referral.board_id, Role.CHAIR
    )


RULES.update(
    {
        "review.view": can_view_review,
        "review.manage": is_process_staff,
        "commission.submit": is_commissioned_agency,
        "commission.view": is_commissioned_agency,
        "chronology.view_merged": may_see_merged,
        "chronology.annotate": lambda access, obj: (
            may_see_merged(access, obj) and is_panel(access, review_of(obj))
        ),
        "chronology.approve": lambda access, obj: (
            may_see_merged(access, obj) and is_panel_chair(access, obj)
        ),
        "review.advance": is_process_staff,
        "review.convert": lambda access, obj: access.has(review_of(obj).board_id, Role.CHAIR),
        "review.panel_decide": lambda access, obj: (
            is_process_staff(access, obj) or is_panel_chair(access, obj)
        ),
        "review.quality_assure": lambda access, obj: access.has(
            review_of(obj).board_id, Role.SUBGROUP_MEMBER, Role.BUSINESS_MANAGER, Role.ADMINISTRATOR
        ),
        "review.sign_off": lambda access, obj: access.has(review_of(obj).board_id, Role.CHAIR),
        "key_reference.manage": is_process_staff,
        "key_reference.view": reads_for_the_overview,
        "document.read_anonymised": reads_for_the_overview,
        "document.anonymise": is_process_staff,
        "document.read_original": is_process_staff,
    }
)
