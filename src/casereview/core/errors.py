"""Error pages that say what happened and nothing more (SECURITY.md HD-3)."""

from __future__ import annotations

from django.shortcuts import render


def forbidden(request, exception=None):
    return render(
        request,
        "core/error.html",
        {
            "title": "You cannot do this",
            "message": "Your role does not allow this. Ask your business manager if you need it.",
        },
        status=403,
    )


def not_found(request, exception=None):
    return render(
        request,
        "core/error.html",
        {
            "title": "Page not found",
            "message": "If you typed the web address, check it is correct.",
        },
        status=404,
    )


def server_error(request):
    request.casereview_board = None  # an error page shows nothing of the case or board
    # ... and asks nothing of the database, which may be what failed (the header's links).
    request.casereview_error_page = True
    from casereview.core.middleware import current_request

    req = current_request()
    ref = getattr(req, "request_id", "") if req else ""
    return render(
        request,
        "core/error.html",
        {
            "title": "Sorry, there is a problem with the service",
            # The page cannot know what the failed request wrote: it says only what is true.
            "message": "What you typed on this page may not have been saved.",
            "advice": [
                "Go back to the page you were on and try again. Anything you saved on an "
                "earlier page is kept; what you typed on this page may need to be entered again.",
                "If it happens again, tell your business manager and give them the reference "
                "below.",
            ],
            "reference": ref,
        },
        status=500,
    )
