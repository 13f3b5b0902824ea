"""The one list of roles (DOMAIN.md section 1). Pure: no database."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A role a person holds on a board; agency roles also name the agency."""

    CHAIR = "chair"
    BUSINESS_MANAGER = "business-manager"
    ADMINISTRATOR = "administrator"
    SUBGROUP_MEMBER = "subgroup-member"
    NAMED_OFFICER = "named-officer"
    AGENCY_AUTHOR = "agency-author"
    OVERVIEW_AUTHOR = "overview-author"
    BOARD_MEMBER = "board-member"
    OBSERVER = "observer"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @property
    def is_agency_role(self) -> bool:
        return self in AGENCY_ROLES


ROLE_LABELS = {
    Role.CHAIR: "Board chair",
    Role.BUSINESS_MANAGER: "Business manager",
    Role.ADMINISTRATOR: "Administrator",
    Role.SUBGROUP_MEMBER: "Sub group member",
    Role.NAMED_OFFICER: "Named officer (designated senior manager)",
    Role.AGENCY_AUTHOR: "Agency report author",
    Role.OVERVIEW_AUTHOR: "Independent reviewer / overview author",
    Role.BOARD_MEMBER: "Board member (read only)",
    Role.OBSERVER: "Inspector or national panel observer (read only)",
}

AGENCY_ROLES = frozenset({Role.NAMED_OFFICER, Role.AGENCY_AUTHOR})

# Roles that see every case of their board: they run or screen the process.
CASE_STAFF_ROLES = frozenset(
    {Role.CHAIR, Role.BUSINESS_MANAGER, Role.ADMINISTRATOR, Role.SUBGROUP_MEMBER}
)

# Roles that read what the board decided and when things are due, and do nothing else.
READ_ONLY_ROLES = frozenset({Role.BOARD_MEMBER, Role.OBSERVER})
