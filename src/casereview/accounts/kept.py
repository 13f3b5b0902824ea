"""Keep what a person typed when their session ended under them, and give it back once.

A form posted after the idle timeout (SECURITY.md SE-1) cannot be acted on: the person must
sign in again. Rather than lose what they typed, its text fields are kept in the database for
that person and that page for 30 minutes, and put back into the form the first time they open
the page again, signed in. Files are not kept (the person chooses them again), nor passwords,
codes or tokens. Nothing kept is logged; it is deleted once given back or once expired.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.http import HttpRequest, QueryDict
from django.urls import Resolver404, resolve
from django.utils import timezone

from .models import KeptForm, Person

KEPT_FOR = dt.timedelta(minutes=30)

# A form's secrets are never kept: the CSRF token, passwords, two-factor and recovery codes.
_SECRET_NAME = re.compile(r"csrf|password|passwd|secret|token|(^|_)(code|otp|pin)s?($|_)", re.I)

# Pages whose posts are about signing in or the account itself: nothing there to keep.
_NOT_KEPT_NAMESPACES = {"accounts"}

# A kept form is at most this many characters of text, so a post cannot fill the table.
MAX_KEPT_CHARACTERS = 200_000

RESTORED = "We kept what you typed. Check it and submit again."
CHOOSE_FILE_AGAIN = "You need to choose the file again."
KEPT_WHILE_SIGNED_OUT = (
    "What you typed on that page is kept for 30 minutes. Sign in again to get it back."
)


def keepable(post: QueryDict) -> dict[str, list[str]]:
    """The text fields of a posted form that may be kept: everything but its secrets."""
    return {
        name: values
        for name, values in post.lists()
        if not _SECRET_NAME.search(name) and any(v.strip() for v in values)
    }


def is_keepable_page(path: str) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return not (set(match.namespaces) & _NOT_KEPT_NAMESPACES)


def form_keep(*, person: Person, path: str, data: dict[str, list[str]], had_files: bool) -> bool:
    """Keep a form for ``person`` on ``path`` for 30 minutes, replacing an earlier one there."""
    if not data and not had_files:
        return False
    if sum(len(v) for values in data.values() for v in values) > MAX_KEPT_CHARACTERS:
        return False
    now = timezone.now()
    with transaction.atomic():
        forms_expire(now)
        KeptForm.objects.filter(person=person, path=path).delete()
        KeptForm.objects.create(
            person=person,
            path=path,
            data=data,
            had_files=had_files,
            created_at=now,
            expires_at=now + KEPT_FOR,
        )
    return True


def form_offered(request: HttpRequest) -> KeptForm | None:
    """The form the signed-in person kept for this page, if its 30 minutes are not over."""
    now = timezone.now()
    forms_expire(now)
    return KeptForm.objects.filter(
        person=request.user, path=request.path, expires_at__gt=now
    ).first()


def form_take(kept: KeptForm) -> bool:
    """Take a kept form out of the store: true for the one request that gets to take it."""
    deleted, _ = KeptForm.objects.filter(pk=kept.pk).delete()
    return bool(deleted)


def forms_expire(now: dt.datetime | None = None) -> int:
    """Delete every kept form whose 30 minutes are over (also run by the hourly sweep)."""
    deleted, _ = KeptForm.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted


class KeptPost(QueryDict):
    """A kept form as the page's ``request.POST``, noting when the page's form binds to it.

    Pages bind their form with ``Form(request.POST or None)``: the ``or`` asks for its truth.
    A page that does not (its form posts elsewhere) leaves the kept form unused and unsaid.
    """

    _on_use = None

    @classmethod
    def of(cls, kept: KeptForm, *, on_use) -> KeptPost:
        post = cls(mutable=True)
        for name, values in kept.data.items():
            post.setlist(name, [str(v) for v in values])
        post._mutable = False
        post._on_use = on_use
        return post

    def __bool__(self) -> bool:
        if self._on_use is not None:
            on_use, self._on_use = self._on_use, None
            on_use()
        return super().__len__() > 0
