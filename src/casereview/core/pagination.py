"""Pages over large data shown a page at a time, with GOV.UK pagination links.

ISSUE 7: the merged chronology was 14.9 MB at 20,000 rows. A page over a list that grows with
the case shows PER_PAGE items: a chronology row weighs about 1 KB of HTML with its problems,
so a page stays near 100 KB (under 1 MB whatever the case), and its database queries are the
same number for ten rows or a thousand (a count and one slice of the queryset).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PER_PAGE = 100
PARAM = "page"


@dataclass(frozen=True)
class Pagination:
    """One page of a list and what templates/govuk/pagination.html needs to draw its links."""

    page: Page
    previous: str = ""
    next: str = ""
    links: list[dict] = field(default_factory=list)

    @property
    def items(self) -> Sequence:
        return self.page.object_list

    @property
    def shown(self) -> bool:
        """Whether there is more than one page (one page draws no links)."""
        return self.page.paginator.num_pages > 1

    @property
    def summary(self) -> str:
        """ "Showing 101 to 200 of 1,234" for a caption."""
        page = self.page
        count = page.paginator.count
        if not count:
            return ""
        return f"Showing {page.start_index():,} to {page.end_index():,} of {count:,}"

    def page_of(self, position: int) -> int:
        """The page number holding the item at ``position`` (0-based) of the whole list."""
        return position // self.page.paginator.per_page + 1


def paginate(
    request: HttpRequest,
    items: Sequence,
    *,
    per_page: int = PER_PAGE,
    param: str = PARAM,
    fragment: str = "",
) -> Pagination:
    """The page of ``items`` asked for by ``?page=`` (a bad or too high number gives the
    nearest page, never an error), with links that keep the page's other query parameters."""
    paginator = Paginator(items, per_page, allow_empty_first_page=True)
    page = paginator.get_page(request.GET.get(param))

    def href(number: int) -> str:
        return page_href(request, number, param=param, fragment=fragment)

    links: list[dict] = []
    last = paginator.num_pages
    near = {1, last, page.number - 1, page.number, page.number + 1}
    shown = sorted(number for number in near if 1 <= number <= last)
    for index, number in enumerate(shown):
        if index and number - shown[index - 1] > 1:
            links.append({"ellipsis": True})
        links.append({"number": number, "href": href(number), "current": number == page.number})
    return Pagination(
        page,
        previous=href(page.previous_page_number()) if page.has_previous() else "",
        next=href(page.next_page_number()) if page.has_next() else "",
        links=links,
    )


def page_href(request: HttpRequest, number: int, *, param: str = PARAM, fragment: str = "") -> str:
    """This page's address at page ``number``, keeping its other query parameters."""
    query = request.GET.copy()
    if number > 1:
        query[param] = str(number)
    else:
        query.pop(param, None)
    encoded = query.urlencode()
    return (f"?{encoded}" if encoded else request.path) + (f"#{fragment}" if fragment else "")
