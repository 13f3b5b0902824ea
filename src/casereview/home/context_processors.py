"""The header's links to the board's administration pages, for those who may use them."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from casereview.boards.models import Board
from casereview.core.permissions import access_for, can

# (label, URL name, the gate's rule for that page): the same rule the page's gate asks.
BOARD_PAGES = [
    ("People", "boards:people", "board.manage_people"),
    ("Agencies", "boards:agencies", "board.manage_people"),
    ("Procedure profile", "boards:profile", "profile.edit"),
    ("Letter templates", "boards:letter-templates", "letter_template.edit"),
]


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    current: bool = False


def board_links(request) -> list[NavLink]:
    """The board pages the person may use: of the board in view, else of each board they run.

    The procedure profile is every board member's to read; the others are their rule's.
    One query (the boards), made only when a page draws its header.
    """
    user = getattr(request, "user", None)
    if (
        user is None
        or not user.is_authenticated
        or getattr(request, "casereview_error_page", False)
    ):
        return []
    in_view = getattr(request, "casereview_board", None)
    boards = [in_view] if in_view is not None else _boards_of(user)
    links = []
    for board in boards:
        suffix = f" ({board.short_name})" if len(boards) > 1 else ""
        for label, name, rule in BOARD_PAGES:
            allowed = can(user, rule, board) or (
                name == "boards:profile" and in_view is not None and can(user, "board.view", board)
            )
            if allowed:
                url = reverse(name, kwargs={"slug": board.slug})
                links.append(NavLink(label + suffix, url, request.path == url))
    return links


def _boards_of(user) -> list[Board]:
    ids = access_for(user).boards()
    if not ids:
        return []
    boards = list(Board.objects.filter(pk__in=ids).only("slug", "short_name", "name"))
    return [b for b in boards if any(can(user, rule, b) for _, _, rule in BOARD_PAGES)]


def navigation(request):
    return {"casereview_board_links": SimpleLazyObject(lambda: board_links(request))}
