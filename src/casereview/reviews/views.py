"""The review's page, its members and its agencies' due dates."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from casereview.boards.models import name_on, shown_name
from casereview.core.forms import add_refusals
from casereview.core.lifecycle import NotAllowedNow
from casereview.core.permissions import can, gate
from casereview.core.timescales import DeadlineState
from casereview.referrals.models import deadline_state

from . import services
from .forms import CommissionDatesForm, MemberForm
from .models import AgencyCommission, Review, ReviewMember
from .sections import sections_context


def review_lookup(request: HttpRequest, kwargs: dict) -> Review:
    """A review within the person's scope, or 404 (another board's, or excluded)."""
    return get_object_or_404(
        Review.objects.visible_to(request.user).select_related("referral__board__profile"),
        pk=kwargs.pop("pk"),
    )


def commission_lookup(request: HttpRequest, kwargs: dict) -> AgencyCommission:
    review = review_lookup(request, kwargs)
    return get_object_or_404(
        AgencyCommission.objects.select_related("agency", "review__referral__board"),
        review=review,
        pk=kwargs.pop("commission_pk"),
    )


@gate("review.view", lookup=review_lookup, reads="REVIEW_VIEWED")
@require_http_methods(["GET"])
def review_detail(request: HttpRequest, obj: Review) -> HttpResponse:
    review = obj
    request.casereview_board = review.referral.board
    profile, now = review.referral.board.profile, timezone.now()
    commissions = [
        c
        for c in review.commissions.select_related(
            "agency", "chronology_deadline", "report_deadline"
        )
        if can(request.user, "commission.view", c) or can(request.user, "review.manage", review)
    ]
    for c in commissions:
        # "Due soon" in the working days of the board's nation, as every deadline is shown.
        for d in (c.chronology_deadline, c.report_deadline):
            d.state_now = deadline_state(
                d.effective_due_at, d.all_day, now, d.met_at, profile=profile
            )
        c.chronology_overdue = c.chronology_deadline.state_now is DeadlineState.OVERDUE
    context = {
        "review": review,
        "referral": review.referral,
        "profile": review.referral.board.profile,
        "commissions": commissions,
        "members": _members(review),
        "exclusions": _exclusions(request, review),
        "can_manage": can(request.user, "review.manage", review),
        "can_extend": can(request.user, "deadline.extend", review.referral),
        "can_see_merged": can(request.user, "chronology.view_merged", review),
        "can_keep_key": can(request.user, "key_reference.manage", review),
        "can_read_for_overview": can(request.user, "document.read_anonymised", review),
    }
    context.update(sections_context(request, review, context))
    return render(request, "reviews/detail.html", context)


def _exclusions(request: HttpRequest, review: Review) -> list:
    """Who is excluded from the case, named only to process staff (never to the agencies)."""
    if not can(request.user, "case_exclusion.manage", review.referral):
        return []
    return list(
        review.referral.exclusions.in_force()
        .select_related("person")
        .annotate(name_on_board=name_on(review.referral.board_id))
    )


def _members(review: Review):
    """The review's people, named as its board named them (never by another board's record)."""
    return (
        review.members.filter(is_active=True)
        .select_related("person", "agency")
        .annotate(name_on_board=name_on(review.referral.board_id))
    )


@gate("review.manage", lookup=review_lookup, reads="REVIEW_PEOPLE_VIEWED")
@require_http_methods(["GET", "POST"])
def review_members(request: HttpRequest, obj: Review) -> HttpResponse:
    review = obj
    request.casereview_board = review.referral.board
    form = MemberForm(request.POST or None, board=review.referral.board)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.review_member_add(
                review=review,
                person=data["person"],
                role=data["role"],
                by=request.user,
                agency=data["agency"],
            )
        except NotAllowedNow as refused:
            add_refusals(form, refused)
        else:
            board = review.referral.board
            messages.success(request, f"{shown_name(board, data['person'])} added to the review.")
            return redirect("reviews:members", pk=review.pk)
    members = _members(review)
    return render(
        request,
        "reviews/members.html",
        {
            "review": review,
            "form": form,
            "members": members,
            "exclusions": _exclusions(request, review),
        },
    )


@gate("review.manage", lookup=review_lookup)
@require_http_methods(["GET", "POST"])
def review_member_remove(request: HttpRequest, obj: Review, member_pk: int) -> HttpResponse:
    """Check, then take the person off the review (GET asks; POST does it)."""
    member = get_object_or_404(ReviewMember, review=obj, pk=member_pk)
    if request.method == "GET":
        request.casereview_board = obj.referral.board
        name = shown_name(obj.referral.board_id, member.person)
        return render(
            request,
            "govuk/confirm_page.html",
            {
                "title": f"Remove {name} from the review?",
                "caption": f"Review of case {obj.referral.reference}",
                "rows": [("Person", name), ("Role on the review", member.get_role_display())]
                + ([("For", member.agency.name)] if member.agency_id else []),
                "consequences": [
                    f"{name} can no longer open the review or its documents.",
                    "To give the role back, add them again on the review's people page.",
                ],
                "button": "Remove from the review",
                "warning": "They lose access at once.",
                "back": reverse("reviews:members", args=[obj.pk]),
            },
        )
    services.review_member_remove(member=member, by=request.user)
    name = shown_name(obj.referral.board_id, member.person)
    messages.success(request, f"{name} removed from the review.")
    return redirect("reviews:members", pk=obj.pk)


@gate("review.manage", lookup=commission_lookup)
@require_http_methods(["GET", "POST"])
def commission_dates(request: HttpRequest, obj: AgencyCommission) -> HttpResponse:
    commission = obj
    request.casereview_board = commission.review.referral.board
    form = CommissionDatesForm(
        request.POST or None,
        initial={
            "chronology_due_on": commission.chronology_due_on,
            "report_due_on": commission.report_due_on,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.commission_set_dates(commission=commission, by=request.user, **form.cleaned_data)
        messages.success(request, f"Dates saved for {commission.agency.name}.")
        return redirect("reviews:detail", pk=commission.review_id)
    return render(
        request, "reviews/commission_dates.html", {"commission": commission, "form": form}
    )
