"""Downloads and the health check (the home and dashboard pages are the home app's)."""

from __future__ import annotations

from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from .models import Document
from .permissions import access_for, gate, public
from .serving import may_have, serve_stored


def document_lookup(request: HttpRequest, kwargs: dict) -> Document:
    """A document of the person's boards that its kind's rule lets them have now, else 404.

    The generic download answers exactly as each kind's own page does (SECURITY.md DL-1): no
    draft, original or other person's export, and nothing of a kind without a rule.
    """
    access = access_for(request.user)
    document = get_object_or_404(
        Document.objects.select_related("board", "referral"),
        pk=kwargs.pop("pk"),
        board_id__in=access.boards(),
    )
    if not may_have(access, document):
        raise Http404
    return document


@gate("document.download", lookup=document_lookup)
@require_GET
def document_download(request: HttpRequest, obj: Document) -> HttpResponse:
    """Serve a stored document: its kind's rule asked, audited first (LG-3)."""
    return serve_stored(request, obj)


@public
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """The process answers and its database does: a plain ping, no app's tables."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
