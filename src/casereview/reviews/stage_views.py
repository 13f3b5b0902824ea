"""The review's progress through its stages: the page, the checklist, the next stage.

Every step that cannot be undone (recording an item, moving to the next stage, turning a
review into a serious case review, signing off the action plan) shows a "check your answers"
page first; the refusals of the lifecycle's guards sit beside the item or field they name.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from casereview.core.forms import add_refusals
from casereview.core.lifecycle import NotAllowedNow
from casereview.core.permissions import can, gate

from . import lifecycle, services
from .forms import ConversionForm, MilestoneForm
from .lifecycle import Item, Track
from .models import Review
from .views import review_lookup


def progress(review: Review, facts: lifecycle.Facts, user) -> dict:
    """What the progress page shows: each stage of the path, and what the current one needs."""
    path = review.path
    current = review.stage_enum
    position = path.stages.index(current)
    steps = [
        {
            "stage": stage,
            "status": "done" if i < position else ("current" if i == position else "later"),
        }
        for i, stage in enumerate(path.stages)
    ]
    transition = services.next_transition(review)
    machine = lifecycle.machine_for(path)
    needs = []
    if transition is not None:
        failing = {r.message for r in machine.refusals(transition.name, current, facts)}
        for guard in transition.guards:
            refusal = lifecycle.machine.refusal_of(guard)
            needs.append(
                {
                    "rule": refusal.message,
                    "field": refusal.field,
                    "done": refusal.message not in failing,
                    "checklist": refusal.field in {i.value for i in Item},
                }
            )
    recorded = {m.item: m for m in review.milestones.select_related("recorded_by")}
    items = [
        {
            "item": item,
            "milestone": recorded.get(item.value),
            "may_record": can(user, lifecycle.ITEMS[item].action, review),
            "route": ROUTES[lifecycle.ITEMS[item].action],
        }
        for item in lifecycle.items_at(current, facts)
    ]
    return {
        "steps": steps,
        "transition": transition,
        "needs": needs,
        "ready": transition is not None and all(n["done"] for n in needs),
        "items": items,
        "done_items": [
            m for m in recorded.values() if Item(m.item) not in {i["item"] for i in items}
        ],
    }


@gate("review.view", lookup=review_lookup, reads="REVIEW_VIEWED", read_detail={"page": "stage"})
@require_http_methods(["GET"])
def review_stage(request: HttpRequest, obj: Review) -> HttpResponse:
    review = obj
    request.casereview_board = review.referral.board
    facts = services.review_facts(review)
    context = {
        "review": review,
        "referral": review.referral,
        "path": review.path,
        "facts": facts,
        "can_advance": can(request.user, "review.advance", review),
        "can_convert": review.kind in lifecycle.CONVERTIBLE
        and can(request.user, "review.convert", review),
        "can_sign_off": review.monitoring_enum is Track.MONITORING
        and can(request.user, "review.sign_off", review),
        **progress(review, facts, request.user),
    }
    return render(request, "reviews/stage.html", context)


def _record(action: str):
    """The page recording a checklist item whose permission is ``action`` (one route each)."""

    @gate(action, lookup=review_lookup)
    @require_http_methods(["GET", "POST"])
    def record(request: HttpRequest, obj: Review, item: str) -> HttpResponse:
        review = obj
        request.casereview_board = review.referral.board
        try:
            item_enum = Item(item)
        except ValueError:
            raise Http404 from None
        spec = lifecycle.ITEMS[item_enum]
        if spec.action != action:
            raise Http404
        form = MilestoneForm(request.POST or None, dated=spec.dated)
        checking = False
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            refusals = lifecycle.item_refusals(
                item_enum, review.stage_enum, services.review_facts(review)
            )
            if refusals:
                add_refusals(form, NotAllowedNow(refusals))
            elif data.get("confirmed") != "yes":
                checking = True  # the check-your-answers step: nothing recorded yet
            else:
                try:
                    services.review_record(
                        review=review,
                        item=item_enum,
                        by=request.user,
                        happened_on=data.get("happened_on"),
                        note=data["note"],
                    )
                except NotAllowedNow as exc:
                    add_refusals(form, exc)
                else:
                    messages.success(request, f"Recorded: {item_enum.label}.")
                    return redirect("reviews:stage", pk=review.pk)
        context = {"review": review, "item": item_enum, "form": form, "checking": checking}
        return render(request, "reviews/record.html", context)

    record.__name__ = record.__qualname__ = f"record_{action.split('.')[-1]}"
    return record


ROUTES = {
    "review.advance": "reviews:record",
    "review.panel_decide": "reviews:panel-record",
    "review.quality_assure": "reviews:qa-record",
}
record = _record("review.advance")
panel_record = _record("review.panel_decide")
qa_record = _record("review.quality_assure")


@gate("review.advance", lookup=review_lookup)
@require_http_methods(["GET", "POST"])
def review_advance(request: HttpRequest, obj: Review) -> HttpResponse:
    """Check your answers, then move the review to the next stage of its path."""
    review = obj
    request.casereview_board = review.referral.board
    facts = services.review_facts(review)
    if request.method == "POST":
        try:
            stage = services.review_advance(review=review, by=request.user)
        except NotAllowedNow as exc:
            for message in exc.reasons:
                messages.error(request, message)
            return redirect("reviews:stage", pk=review.pk)
        messages.success(request, f"The review is now at '{stage.label}'.")
        return redirect("reviews:stage", pk=review.pk)
    context = {"review": review, **progress(review, facts, request.user)}
    if context["transition"] is None:
        messages.info(request, "This review is closed.")
        return redirect("reviews:stage", pk=review.pk)
    return render(request, "reviews/advance.html", context)


@gate("review.convert", lookup=review_lookup)
@require_http_methods(["GET", "POST"])
def review_convert(request: HttpRequest, obj: Review) -> HttpResponse:
    """The chair turns an inter-agency management review into a serious case review."""
    review = obj
    request.casereview_board = review.referral.board
    form = ConversionForm(request.POST or None)
    checking = False
    if request.method == "POST" and form.is_valid():
        facts = services.review_facts(review, reasons=form.cleaned_data["reasons"])
        refusals = lifecycle.conversion_refusals(facts)
        if refusals:
            add_refusals(form, NotAllowedNow(refusals))
        elif form.cleaned_data["confirmed"] != "yes":
            checking = True
        else:
            try:
                services.review_convert_to_scr(
                    review=review, by=request.user, reasons=form.cleaned_data["reasons"]
                )
            except NotAllowedNow as exc:
                add_refusals(form, exc)
            else:
                messages.success(request, "The review is now a serious case review.")
                return redirect("reviews:stage", pk=review.pk)
    scr_path = lifecycle.path_for("scr", review.referral.board.profile.review_paths)
    context = {
        "review": review,
        "form": form,
        "checking": checking,
        "new_stage": lifecycle.stage_on(scr_path, review.stage_enum, review.path),
    }
    return render(request, "reviews/convert.html", context)


@gate("review.sign_off", lookup=review_lookup)
@require_http_methods(["GET", "POST"])
def review_sign_off(request: HttpRequest, obj: Review) -> HttpResponse:
    """The board chair signs off the final master document of the action plan (003 App. A)."""
    review = obj
    request.casereview_board = review.referral.board
    facts = services.review_facts(review)
    refusals = lifecycle.MONITORING.refusals("sign_off", review.monitoring_enum, facts)
    if request.method == "POST" and not refusals:
        try:
            services.review_monitoring(review=review, by=request.user, name="sign_off")
        except NotAllowedNow as exc:
            refusals = exc.refusals
        else:
            messages.success(request, "The action plan is signed off.")
            return redirect("reviews:stage", pk=review.pk)
    context = {"review": review, "refusals": refusals}
    return render(request, "reviews/sign_off.html", context)
