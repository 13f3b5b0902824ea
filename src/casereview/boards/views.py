"""A board's procedure profile: read by its members, adjusted by its administrators."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from casereview.core import models as audit
from casereview.core.permissions import can, gate
from casereview.referrals.views import board_lookup

from .forms import ProfileForm


@gate("board.view", lookup=board_lookup)
@require_GET
def profile(request: HttpRequest, obj) -> HttpResponse:
    request.casereview_board = obj
    form = ProfileForm(instance=obj.profile)
    rows = [(form[name].label, _display(obj.profile, name)) for name in form.fields]
    return render(
        request,
        "boards/profile.html",
        {
            "board": obj,
            "profile": obj.profile,
            "rows": rows,
            "can_edit": can(request.user, "profile.edit", obj),
        },
    )


def _display(profile, name: str) -> str:
    value = getattr(profile, name)
    display = getattr(profile, f"get_{name}_display", None)
    if display is not None:
        return display()
    if isinstance(value, list):
        from casereview.referrals.lifecycle import Outcome
        from casereview.referrals.models import NotificationKind

        labels = {o.value: o.label for o in Outcome} | dict(NotificationKind.choices)
        return ", ".join(labels.get(v, v) for v in value) or "None"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return "" if value is None else str(value)


@gate("profile.edit", lookup=board_lookup)
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest, obj) -> HttpResponse:
    request.casereview_board = obj
    form = ProfileForm(request.POST or None, instance=obj.profile)
    if request.method == "POST" and form.is_valid():
        changed = form.changed_data
        form.save()
        audit.record(
            "PROFILE_CHANGED",
            actor=request.user,
            board_id=obj.pk,
            obj=obj.profile,
            detail={"fields": changed},
        )
        messages.success(request, "Procedure profile saved. New deadlines use these settings.")
        return redirect("boards:profile", slug=obj.slug)
    return render(request, "boards/profile_edit.html", {"board": obj, "form": form})
