"""Pages for the journey from referral to the chair's decision."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casereview.boards.models import Board, name_on, quorum_people, shown_name
from casereview.boards.views import board_lookup
from casereview.core import models as audit
from casereview.core.forms import add_refusals
from casereview.core.permissions import can, gate, reading
from casereview.referrals import criteria

from . import lifecycle, services
from .forms import (
    AgencyAnswerForm,
    ChairConsultationForm,
    CriteriaFactsForm,
    DecisionForm,
    ExclusionForm,
    ExtensionForm,
    NotificationsSentForm,
    RecommendationForm,
    ReferralForm,
)
from .lifecycle import NotAllowedNow, Outcome, Stage
from .models import (
    AgencyRequest,
    CaseExclusion,
    Deadline,
    DeadlineKind,
    Notification,
    Referral,
    deadline_state,
    elapsed_percent,
)


def referral_lookup(request: HttpRequest, kwargs: dict) -> Referral:
    return get_object_or_404(
        Referral.objects.visible_to(request.user).select_related("board__profile"),
        pk=kwargs.pop("pk"),
    )


def request_lookup(request: HttpRequest, kwargs: dict) -> AgencyRequest:
    candidate = (
        AgencyRequest.objects.select_related("referral__board__profile", "agency")
        .filter(pk=kwargs.pop("pk"))
        .first()
    )
    # Another agency's request is out of scope (404), not a forbidden function (403).
    if candidate is None or not can(request.user, "agency_request.answer", candidate):
        raise Http404
    return candidate


def _refused(request: HttpRequest, exc: NotAllowedNow) -> None:
    for reason in exc.reasons:
        messages.error(request, reason)


@gate("referral.create", lookup=board_lookup)
@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest, obj: Board) -> HttpResponse:
    board = obj
    request.casereview_board = board
    form = ReferralForm(request.POST or None, board=board)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        agencies = data.pop("agencies_involved")
        data["received_at"] = timezone.make_aware(data["received_at"])
        referral = services.referral_log(
            board=board, by=request.user, agencies_involved=agencies, **data
        )
        messages.success(request, f"Referral {referral.reference} logged.")
        return redirect("referrals:detail", pk=referral.pk)
    return render(request, "referrals/new.html", {"form": form, "board": board})


@gate("referral.view", lookup=referral_lookup, reads="CASE_VIEWED")
@require_http_methods(["GET"])
def referral_detail(request: HttpRequest, obj: Referral) -> HttpResponse:
    referral = obj
    request.casereview_board = referral.board
    profile = referral.board.profile
    now = timezone.now()
    deadlines = list(referral.deadlines.all())
    for d in deadlines:
        d.state_now = d.state(now)
        d.elapsed_percent = elapsed_percent(d.starts_at, d.effective_due_at, d.met_at or now)
    requests = list(referral.agency_requests.select_related("agency", "answered_by"))
    for r in requests:
        r.state_now = deadline_state(r.due_at, True, now, r.answered_at, profile=profile)
    recommendation = referral.recommendations.prefetch_related(
        "participants", "imr_agencies", "panel_agencies"
    ).first()
    from .history import lines, titles_for

    events = lines(
        [
            _for_history(e)
            for e in audit.AuditEvent.objects.filter(referral_id=referral.pk).exclude(
                kind__in=READ_EVENTS
            )
        ],
        titles_for(referral),
    )
    context = {
        **_agencies_context(request, referral),
        "referral": referral,
        "profile": profile,
        "result": services.criteria_result(referral),
        "deadlines": deadlines,
        "requests": requests,
        "not_answered": [r for r in requests if not r.answered],
        "recommendation": recommendation,
        "decision": referral.decisions.select_related("decided_by").first(),
        "notifications": _notifications(referral, now),
        "documents": referral.documents.all(),
        "events": events,
        "transitions": _transitions_for(request.user, referral),
        "can_record_facts": can(request.user, "referral.record_facts", referral)
        and referral.stage_enum in (Stage.RECEIVED, Stage.INFORMATION_GATHERING, Stage.SCREENING),
        "can_notify": can(request.user, "referral.notify", referral),
        "can_extend": can(request.user, "deadline.extend", referral),
        "can_approve": can(request.user, "deadline.approve_extension", referral),
        "can_see_exclusions": can(request.user, "case_exclusion.view", referral),
        "can_record_consultation": can(request.user, "referral.record_chair_consultation", referral)
        and referral.stage_enum not in (Stage.REVIEW_OPEN, Stage.CLOSED),
        "consultations": referral.chair_consultations.select_related("recorded_by"),
        "review": getattr(referral, "review", None)
        if referral.stage == Stage.REVIEW_OPEN
        else None,
    }
    return render(request, "referrals/detail.html", context)


# Reads are audited, but the history says what was done to the case, not who looked at it.
READ_EVENTS = (
    "CASE_VIEWED",
    "AGENCY_REQUEST_VIEWED",
    "ORIGINAL_DOCUMENT_READ",
    "KEY_REFERENCE_VIEWED",
)


def _for_history(event):
    """An event as the case history shows it to every case staff member.

    The reasons for a conflict of interest stay out of it: they often concern someone's
    family or colleagues, and only the chair and process staff, who decide on them, read them
    (on the case's exclusions page). Exclusions are now declared without reasons in the event;
    those recorded as a review role before carry them, so they are blanked here.
    """
    if event.detail.get("role") == "excluded" or event.kind.startswith("CASE_EXCLUSION"):
        event.reasons = ""
    return event


def _transitions_for(user, referral: Referral) -> list[lifecycle.Transition]:
    return [
        t
        for t in lifecycle.available(referral.stage_enum)
        if can(user, t.action, referral) and t.name not in ("close_no_further_action", "refer_back")
    ]


@gate("referral.ask_agencies", lookup=referral_lookup)
@require_http_methods(["GET", "POST"])
def referral_ask_agencies(request: HttpRequest, obj: Referral) -> HttpResponse:
    """Check who will be asked (and who cannot be, for want of a named officer), then ask."""
    if request.method == "GET":
        request.casereview_board = obj.board
        context = _agencies_context(request, obj)
        context["cancel_url"] = reverse("referrals:detail", args=[obj.pk])
        return render(request, "referrals/ask_agencies_check.html", context)
    try:
        created = services.referral_ask_agencies(referral=obj, by=request.user)
        messages.success(request, f"{len(created)} agencies asked whether they know the child.")
    except NotAllowedNow as exc:
        _refused(request, exc)
    return redirect("referrals:detail", pk=obj.pk)


def _agencies_context(request: HttpRequest, referral: Referral) -> dict:
    """The board's member agencies: those with a named officer are asked and told of the
    decision; those without are neither, and the page says so with a link to name one."""
    agencies = list(referral.board.agencies.filter(is_active=True).select_related("named_officer"))
    return {
        "referral": referral,
        "to_ask": [a for a in agencies if a.named_officer_id],
        "without_officer": [a for a in agencies if not a.named_officer_id],
        "can_fix_agencies": can(request.user, "board.manage_people", referral.board),
    }


@gate("referral.begin_screening", lookup=referral_lookup)
@require_POST
def referral_begin_screening(request: HttpRequest, obj: Referral) -> HttpResponse:
    try:
        services.referral_begin_screening(referral=obj, by=request.user)
        messages.success(request, "The case is with the sub group for screening.")
    except NotAllowedNow as exc:
        _refused(request, exc)
    return redirect("referrals:detail", pk=obj.pk)


@gate(
    "referral.record_facts",
    lookup=referral_lookup,
    reads="CASE_VIEWED",
    read_detail={"page": "facts"},
)
@require_http_methods(["GET", "POST"])
def referral_facts(request: HttpRequest, obj: Referral) -> HttpResponse:
    referral = obj
    request.casereview_board = referral.board
    test = criteria.CriteriaTest(referral.board.profile.criteria_test)
    # Facts recorded before, else what the referral already says (the child died, or was
    # seriously harmed).
    initial = dict(referral.criteria_facts or criteria.starting_facts(referral.harm_type, test))
    initial["other_children_note"] = referral.other_children_note
    form = CriteriaFactsForm(request.POST or None, initial=initial, test=test)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.referral_record_facts(
                referral=referral,
                by=request.user,
                facts=form.facts(),
                other_children_note=form.cleaned_data.get("other_children_note", ""),
            )
            messages.success(request, f"Facts recorded. {test.label}: {result.outcome.label}.")
            return redirect("referrals:detail", pk=referral.pk)
        except NotAllowedNow as exc:
            add_refusals(form, exc)
    return render(
        request, "referrals/facts.html", {"form": form, "referral": referral, "test": test}
    )


@gate(
    "referral.recommend",
    lookup=referral_lookup,
    reads="CASE_VIEWED",
    read_detail={"page": "recommend"},
)
@require_http_methods(["GET", "POST"])
def referral_recommend(request: HttpRequest, obj: Referral) -> HttpResponse:
    referral = obj
    request.casereview_board = referral.board
    board = referral.board
    members = quorum_people(board)
    form = RecommendationForm(
        request.POST or None,
        board=board,
        members=members,
        term=board.profile.agency_report_term,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.referral_recommend(
                referral=referral,
                by=request.user,
                outcome=Outcome(data["outcome"]),
                reasons=data["reasons"],
                participants=data["participants"],
                consulted_by=data["consulted_by"],
                methodology=data["methodology"],
                imr_agencies=list(data["imr_agencies"]),
                panel_agencies=list(data["panel_agencies"]),
                specialist_advice=data["specialist_advice"],
                draft_terms_of_reference=data["draft_terms_of_reference"],
                extended_timescales=data["extended_timescales"],
            )
            messages.success(request, "Recommendation recorded and sent to the chair.")
            return redirect("referrals:detail", pk=referral.pk)
        except NotAllowedNow as exc:
            add_refusals(form, exc)
    context = {
        "form": form,
        "referral": referral,
        "result": services.criteria_result(referral),
        "not_answered": services.agencies_not_answered(referral),
    }
    return render(request, "referrals/recommend.html", context)


@gate(
    "referral.decide",
    lookup=referral_lookup,
    reads="CASE_VIEWED",
    read_detail={"page": "decide"},
)
@require_http_methods(["GET", "POST"])
def referral_decide(request: HttpRequest, obj: Referral) -> HttpResponse:
    referral = obj
    request.casereview_board = referral.board
    recommendation = referral.recommendations.first()
    if recommendation is None or referral.stage != Stage.AWAITING_DECISION:
        messages.error(request, "There is no recommendation waiting for a decision.")
        return redirect("referrals:detail", pk=referral.pk)
    # Nothing is chosen for the chair (GOV.UK: no radio pre-selected); the choice is checked
    # on a "check your answers" page before anything happens, as it cannot be undone.
    form = DecisionForm(
        request.POST or None,
        board=referral.board,
        counts_from_meeting=services.counts_from_meeting(referral.board.profile),
    )
    context = {
        "form": form,
        "referral": referral,
        "recommendation": recommendation,
        "result": services.criteria_result(referral),
    }
    if request.method == "POST" and "change" not in request.POST and form.is_valid():
        choice = form.cleaned_data["decision"]
        refer_back = choice == DecisionForm.REFER_BACK
        decision = {
            "referral": referral,
            "outcome": None if refer_back else Outcome(choice),
            "reasons": form.cleaned_data["reasons"],
            "refer_back": refer_back,
        }
        refusals = services.referral_decide_refusals(
            panel_met_on=form.cleaned_data.get("panel_met_on"), **decision
        )
        if refusals:
            add_refusals(form, NotAllowedNow(refusals))
        elif request.POST.get("confirmed") != "yes":
            context["consequences"] = _consequences(referral, decision["outcome"], refer_back)
            context["check_rows"] = [
                ("Your decision", dict(form.fields["decision"].choices)[choice]),
                ("Reasons", decision["reasons"] or "The sub group's reasons, which you agree with"),
            ]
            if form.cleaned_data.get("panel_met_on"):
                met_on = form.cleaned_data["panel_met_on"]
                context["check_rows"].append(("Panel meeting that decided", f"{met_on:%-d %B %Y}"))
            return render(request, "referrals/decide_check.html", context)
        else:
            try:
                services.referral_decide(
                    by=request.user, panel_met_on=form.cleaned_data.get("panel_met_on"), **decision
                )
                messages.success(request, "Decision recorded.")
                return redirect("referrals:detail", pk=referral.pk)
            except NotAllowedNow as exc:
                add_refusals(form, exc)
    return render(request, "referrals/decide.html", context)


def _consequences(referral: Referral, outcome: Outcome | None, refer_back: bool) -> list[str]:
    """What recording the decision will do, said before it is done."""
    if refer_back:
        return ["The case goes back to the sub group, who reconvene with you."]
    from .models import NotificationKind
    from .notifications import notification_kinds

    kinds = dict(NotificationKind.choices)
    said = []
    if outcome.opens_review:
        said.append(f"A {outcome.label.lower()} opens and its clocks start.")
    else:
        said.append("The case closes with no further action.")
    names = [str(kinds[k]) for k in notification_kinds(referral, outcome.value)]
    if names:
        said.append("Letters are prepared and due to: " + "; ".join(names) + ".")
    return said


def _deadline(referral: Referral, pk: int) -> Deadline:
    return get_object_or_404(Deadline, referral=referral, pk=pk)


@gate("deadline.extend", lookup=referral_lookup)
@require_http_methods(["GET", "POST"])
def deadline_extend(request: HttpRequest, obj: Referral, deadline_pk: int) -> HttpResponse:
    deadline = _deadline(obj, deadline_pk)
    request.casereview_board = obj.board
    form = ExtensionForm(request.POST or None, nation=obj.nation)
    if request.method == "POST" and form.is_valid():
        try:
            services.deadline_request_extension(
                deadline=deadline,
                by=request.user,
                new_due=form.cleaned_data["new_due"],
                reasons=form.cleaned_data["reasons"],
            )
            messages.success(
                request, "Extension requested. The board chair will be asked to approve it."
            )
            return redirect("referrals:detail", pk=obj.pk)
        except NotAllowedNow as exc:
            add_refusals(form, exc)
    return render(
        request, "referrals/extend.html", {"form": form, "referral": obj, "deadline": deadline}
    )


@gate("referral.record_chair_consultation", lookup=referral_lookup)
@require_http_methods(["GET", "POST"])
def chair_consultation_new(request: HttpRequest, obj: Referral) -> HttpResponse:
    """Record the chair's consultation of panel members on its own (004 §5.3)."""
    referral = obj
    request.casereview_board = referral.board
    form = ChairConsultationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["consulted_at"] = timezone.make_aware(data["consulted_at"])
        try:
            services.chair_consultation_record(referral=referral, by=request.user, **data)
            messages.success(request, "The chair's consultation is recorded.")
            return redirect("referrals:detail", pk=referral.pk)
        except NotAllowedNow as exc:
            add_refusals(form, exc)
    deadline = referral.deadlines.filter(kind=DeadlineKind.CHAIR_CONSULTS, key="").first()
    return render(
        request,
        "referrals/chair_consultation.html",
        {"form": form, "referral": referral, "deadline": deadline},
    )


@gate("deadline.approve_extension", lookup=referral_lookup)
@require_POST
def deadline_approve(request: HttpRequest, obj: Referral, deadline_pk: int) -> HttpResponse:
    try:
        services.deadline_approve_extension(deadline=_deadline(obj, deadline_pk), by=request.user)
        messages.success(request, "Extension approved. The original date is kept on record.")
    except NotAllowedNow as exc:
        _refused(request, exc)
    return redirect("referrals:detail", pk=obj.pk)


@gate("deadline.extend", lookup=referral_lookup)
@require_POST
def deadline_inspectorate_agreed(
    request: HttpRequest, obj: Referral, deadline_pk: int
) -> HttpResponse:
    try:
        services.deadline_record_inspectorate_agreement(
            deadline=_deadline(obj, deadline_pk), by=request.user
        )
        messages.success(request, "The inspectorate's agreement is recorded; the new date applies.")
    except NotAllowedNow as exc:
        _refused(request, exc)
    return redirect("referrals:detail", pk=obj.pk)


@gate("referral.notify", lookup=referral_lookup)
@require_POST
def notification_sent(request: HttpRequest, obj: Referral, notification_pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification, referral=obj, pk=notification_pk)
    services.notification_mark_sent(notification=notification, by=request.user)
    messages.success(request, f"Recorded as sent: {notification.recipient}.")
    return redirect("referrals:detail", pk=obj.pk)


def _notifications(referral: Referral, now) -> list[Notification]:
    """A case's notifications, each with its state: due, due soon, overdue or sent."""
    profile = referral.board.profile
    notifications = list(referral.notifications.select_related("letter", "sent_by"))
    for n in notifications:
        n.state_now = (
            deadline_state(n.due_at, False, now, n.sent_at, profile=profile) if n.due_at else None
        )
    return notifications


@gate("referral.notify", lookup=referral_lookup, reads="LETTERS_DOWNLOADED")
@require_GET
def letters_download(request: HttpRequest, obj: Referral) -> HttpResponse:
    """Every letter of the case's decision, as one zip, each through its serving rule."""
    from casereview.core.serving import serve_bundle

    letters = [
        n.letter
        for n in obj.notifications.select_related("letter").exclude(letter=None)
        if n.letter.status == "issued"
    ]
    if not letters:
        messages.error(request, "The letters are still being prepared. Try again in a minute.")
        return redirect(reverse("referrals:detail", kwargs={"pk": obj.pk}) + "#decision")
    return serve_bundle(request, letters, filename=f"{obj.reference}-letters.zip")


@gate(
    "referral.notify",
    lookup=referral_lookup,
    reads="CASE_VIEWED",
    read_detail={"page": "notifications-sent"},
)
@require_http_methods(["GET", "POST"])
def notifications_sent(request: HttpRequest, obj: Referral) -> HttpResponse:
    """Record several letters as sent: choose them, check your answers, then confirm."""
    referral = obj
    request.casereview_board = referral.board
    # "Change" on the check page comes back here with the letters chosen already ticked.
    form = NotificationsSentForm(
        request.POST if request.method == "POST" else None,
        referral=referral,
        initial={"notifications": request.GET.getlist("notifications")},
    )
    context = {"form": form, "referral": referral}
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["notifications"])
        if "confirm" not in request.POST:
            return render(
                request, "referrals/notifications_check.html", {**context, "chosen": chosen}
            )
        recorded = services.notifications_mark_sent(
            referral=referral, notifications=chosen, by=request.user
        )
        count = len(recorded)
        messages.success(request, f"Recorded as sent: {count} letter{'s' if count != 1 else ''}.")
        return redirect(reverse("referrals:detail", kwargs={"pk": referral.pk}) + "#decision")
    return render(request, "referrals/notifications_sent.html", context)


@gate("agency_request.answer", lookup=request_lookup, reads="AGENCY_REQUEST_VIEWED")
@require_http_methods(["GET", "POST"])
def agency_request_answer(request: HttpRequest, obj: AgencyRequest) -> HttpResponse:
    agency_request = obj
    referral = agency_request.referral
    request.casereview_board = referral.board
    refusal = services.agency_request_refusal(agency_request)
    if refusal is not None:
        # The case moved on: say so, on the page, and ask nothing (a POST changes nothing).
        return render(
            request,
            "referrals/answer.html",
            {"agency_request": agency_request, "referral": referral, "refusal": refusal},
        )
    form = AgencyAnswerForm(
        request.POST or None,
        initial={"answer": agency_request.answer, "information": agency_request.information},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.agency_request_answer(
                request=agency_request, by=request.user, **form.cleaned_data
            )
            messages.success(request, f"Answer recorded for {agency_request.agency.name}.")
            return redirect("home:dashboard")
        except NotAllowedNow as exc:
            add_refusals(form, exc)
    return render(
        request,
        "referrals/answer.html",
        {"form": form, "agency_request": agency_request, "referral": referral},
    )


# --- conflicts of interest (SECURITY.md AZ-5) ------------------------------------------


@gate(
    "case_exclusion.view",
    lookup=referral_lookup,
    reads="CASE_VIEWED",
    read_detail={"page": "exclusions"},
)
@require_http_methods(["GET"])
def case_exclusions(request: HttpRequest, obj: Referral) -> HttpResponse:
    """Who is excluded from the case and why: the chair and process staff only."""
    request.casereview_board = obj.board
    exclusions = obj.exclusions.select_related("person", "declared_by", "ended_by").annotate(
        name_on_board=name_on(obj.board_id)
    )
    return render(
        request,
        "referrals/exclusions.html",
        {
            "referral": obj,
            "exclusions": exclusions,
            "can_manage": can(request.user, "case_exclusion.manage", obj),
        },
    )


@gate("case_exclusion.manage", lookup=referral_lookup)
@require_http_methods(["GET", "POST"])
def case_exclusion_new(request: HttpRequest, obj: Referral) -> HttpResponse:
    request.casereview_board = obj.board
    form = ExclusionForm(request.POST or None, referral=obj)
    if request.method == "POST" and form.is_valid():
        services.case_exclusion_declare(referral=obj, by=request.user, **form.cleaned_data)
        name = shown_name(obj.board_id, form.cleaned_data["person"])
        messages.success(request, f"{name} is excluded: they can no longer open the case.")
        return redirect("referrals:exclusions", pk=obj.pk)
    return render(request, "referrals/exclusion_new.html", {"referral": obj, "form": form})


@gate("case_exclusion.manage", lookup=referral_lookup)
@require_POST
def case_exclusion_end(request: HttpRequest, obj: Referral, exclusion_pk: int) -> HttpResponse:
    exclusion = get_object_or_404(
        CaseExclusion.objects.in_force().select_related("person"), referral=obj, pk=exclusion_pk
    )
    services.case_exclusion_end(exclusion=exclusion, by=request.user)
    name = shown_name(obj.board_id, exclusion.person)
    messages.success(request, f"{name} is no longer excluded from the case.")
    return redirect("referrals:exclusions", pk=obj.pk)


@gate("board.decisions", lookup=board_lookup, reads="BOARD_DECISIONS_VIEWED")
@require_http_methods(["GET"])
def board_decisions(request: HttpRequest, obj: Board) -> HttpResponse:
    """The board's decisions and deadlines: what its read-only roles are for."""
    from .oversight import decisions_and_deadlines

    board = obj
    request.casereview_board = board
    rows = decisions_and_deadlines(board, person=request.user)
    reading(request, board, cases=len(rows))
    return render(
        request,
        "referrals/board_decisions.html",
        {"board": board, "rows": rows, "content": board.profile.read_only_see_case_content},
    )
