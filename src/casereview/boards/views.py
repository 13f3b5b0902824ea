"""A board's procedure profile: read by its members, adjusted by its administrators."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from casereview.core.documents import attachment
from casereview.core.permissions import can, gate
from casereview.core.uploads import CONTENT_TYPES

from .forms import ProfileForm
from .models import Board


def board_lookup(request: HttpRequest, kwargs: dict) -> Board:
    """The board a page's ``slug`` names, among the boards the person holds a role on."""
    from casereview.core.permissions import access_for

    boards = access_for(request.user).boards()
    return get_object_or_404(
        Board.objects.select_related("profile"), slug=kwargs.pop("slug"), pk__in=boards
    )


@gate("board.view", lookup=board_lookup)
@require_GET
def profile(request: HttpRequest, obj) -> HttpResponse:
    from .profile_page import LATER_STAGE_NOTE, rows

    request.casereview_board = obj
    form = ProfileForm(instance=obj.profile)
    return render(
        request,
        "boards/profile.html",
        {
            "board": obj,
            "profile": obj.profile,
            "rows": rows(obj.profile, form),
            "later_stage_note": LATER_STAGE_NOTE,
            "can_edit": can(request.user, "profile.edit", obj),
        },
    )


@gate("profile.edit", lookup=board_lookup)
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest, obj) -> HttpResponse:
    request.casereview_board = obj
    form = ProfileForm(request.POST or None, instance=obj.profile)
    if request.method == "POST" and form.is_valid():
        from . import services

        services.profile_change(
            profile=obj.profile,
            by=request.user,
            changes={name: form.cleaned_data[name] for name in form.changed_data},
        )
        messages.success(request, "Procedure profile saved. New deadlines use these settings.")
        return redirect("boards:profile", slug=obj.slug)
    return render(request, "boards/profile_edit.html", {"board": obj, "form": form})


@gate("letter_template.edit", lookup=board_lookup)
@require_http_methods(["GET", "POST"])
def letter_templates(request: HttpRequest, obj) -> HttpResponse:
    """The board's letter templates: download the one in use, upload a replacement."""
    from casereview.core import templating

    from . import services
    from .forms import LetterTemplateForm
    from .models import LetterKind, LetterTemplate, LetterTemplateStatus

    request.casereview_board = obj
    form = LetterTemplateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        services.letter_template_replace(
            board=obj, kind=kind, content=form.cleaned_data["file"], by=request.user
        )
        messages.success(request, f"Template saved: {LetterKind(kind).label}.")
        return redirect("boards:letter-templates", slug=obj.slug)
    stored = {t.kind: t for t in LetterTemplate.objects.filter(board=obj)}
    kinds = [(k, label, stored.get(k)) for k, label in LetterKind.choices]
    withdrawn = [t for t in stored.values() if t.status == LetterTemplateStatus.WITHDRAWN]
    letter_kinds = [templating.KINDS[k] for k in LetterKind.values]
    return render(
        request,
        "boards/letter_templates.html",
        {
            "board": obj,
            "form": form,
            "kinds": kinds,
            "withdrawn": sorted(withdrawn, key=lambda t: t.kind),
            "fields": _fields_help(letter_kinds),
            "tags": [(tag, templating.TAGS[tag]) for tag in letter_kinds[0].tags],
        },
    )


def _fields_help(kinds) -> list[tuple[str, str, str]]:
    """Each field any of these kinds may use, what it holds, and which of them may use it."""
    rows: dict[str, tuple[str, list[str]]] = {}
    for kind in kinds:
        for name, meaning in kind.fields.items():
            rows.setdefault(name, (meaning, []))[1].append(kind.label)
    return [
        (name, meaning, "All letters" if len(users) == len(kinds) else "Only: " + "; ".join(users))
        for name, (meaning, users) in rows.items()
    ]


@gate("letter_template.edit", lookup=board_lookup)
@require_GET
def letter_template_download(request: HttpRequest, obj, kind: str) -> HttpResponse:
    from django.http import Http404

    from casereview.core import letters
    from casereview.core.serving import serve_stored

    from .models import LetterKind, LetterTemplate

    if kind not in LetterKind.values:
        raise Http404
    filename = f"{obj.slug}-{kind}.docx"
    stored = LetterTemplate.objects.filter(board=obj, kind=kind).first()
    if stored is not None:
        # The board's own file: its kind's rule is asked, the download audited (DL-1).
        return serve_stored(request, stored, filename=filename, letter=kind)
    return attachment(
        letters.default_template(kind),
        filename=filename,
        content_type=CONTENT_TYPES[".docx"],
    )


@gate("board.manage_people", lookup=board_lookup, reads="BOARD_PEOPLE_VIEWED")
@require_http_methods(["GET", "POST"])
def people(request: HttpRequest, obj) -> HttpResponse:
    """The board's people and their roles; add a role, or end one."""
    from . import services
    from .forms import MemberForm
    from .models import Membership

    request.casereview_board = obj
    form = MemberForm(request.POST or None, board=obj)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        membership = services.membership_grant(
            board=obj,
            by=request.user,
            email=data["email"],
            role=data["role"],
            full_name=data["full_name"],
            agency=data["agency"],
        )
        messages.success(request, f"{membership.shown_name} now holds that role.")
        return redirect("boards:people", slug=obj.slug)
    memberships = (
        Membership.objects.filter(board=obj, is_active=True)
        .select_related("person", "agency")
        .order_by("name", "person__email", "role")
    )
    return render(
        request, "boards/people.html", {"board": obj, "form": form, "memberships": memberships}
    )


@gate("board.manage_people", lookup=board_lookup)
@require_http_methods(["GET", "POST"])
def membership_end(request: HttpRequest, obj, membership_pk: int) -> HttpResponse:
    """Check, then end a role (GET asks; POST does it)."""
    from django.shortcuts import get_object_or_404
    from django.urls import reverse

    from . import services
    from .models import Membership

    membership = get_object_or_404(Membership, board=obj, pk=membership_pk, is_active=True)
    if request.method == "GET" and membership.person_id != request.user.pk:
        request.casereview_board = obj
        name = membership.shown_name
        return render(
            request,
            "govuk/confirm_page.html",
            {
                "title": f"End {name}'s role?",
                "caption": obj.name,
                "rows": [("Person", name), ("Role", membership.get_role_display())]
                + ([("Agency", membership.agency.name)] if membership.agency_id else []),
                "consequences": [
                    f"{name} no longer has this role on their next page.",
                    "Their roles on this board's reviews that rest on it end with it.",
                ],
                "button": "End the role",
                "warning": "To give the role back, add it again on the people page.",
                "back": reverse("boards:people", args=[obj.slug]),
            },
        )
    if membership.person_id == request.user.pk:
        messages.error(request, "You cannot end your own role here: ask another administrator.")
    else:
        services.membership_end(membership=membership, by=request.user)
        messages.success(request, f"{membership.shown_name} no longer holds that role.")
    return redirect("boards:people", slug=obj.slug)


@gate("board.manage_people", lookup=board_lookup)
@require_http_methods(["GET", "POST"])
def agencies(request: HttpRequest, obj) -> HttpResponse:
    from . import services
    from .forms import AgencyForm

    request.casereview_board = obj
    form = AgencyForm(request.POST or None, board=obj)
    if request.method == "POST" and form.is_valid():
        agency = services.agency_add(board=obj, by=request.user, **form.cleaned_data)
        messages.success(request, f"{agency.name} added.")
        return redirect("boards:agencies", slug=obj.slug)
    rows = obj.agencies.select_related("named_officer").order_by("name")
    return render(request, "boards/agencies.html", {"board": obj, "form": form, "agencies": rows})


@gate("board.manage_people", lookup=board_lookup)
@require_http_methods(["GET", "POST"])
def agency_change(request: HttpRequest, obj, agency_pk: int) -> HttpResponse:
    from django.shortcuts import get_object_or_404

    from . import services
    from .forms import AgencyChangeForm

    request.casereview_board = obj
    agency = get_object_or_404(obj.agencies.all(), pk=agency_pk)
    form = AgencyChangeForm(
        request.POST or None,
        board=obj,
        initial={
            "named_officer": agency.named_officer_id,
            "kind": agency.kind,
            "is_active": agency.is_active,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.agency_change(agency=agency, by=request.user, **form.cleaned_data)
        messages.success(request, f"{agency.name} saved.")
        return redirect("boards:agencies", slug=obj.slug)
    return render(
        request, "boards/agency_change.html", {"board": obj, "agency": agency, "form": form}
    )
