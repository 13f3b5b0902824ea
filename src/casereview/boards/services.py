"""Changes to a board's people and agencies; each one audited."""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from casereview.accounts.hooks import roles_end_unsupported
from casereview.accounts.models import Person
from casereview.core import models as audit
from casereview.core.permissions import require

from .models import Agency, Membership


@transaction.atomic
def membership_grant(*, board, by, email: str, role: str, full_name: str = "", agency=None):
    """Give a person a role on the board, creating their account (no password) if needed.

    The board names the person as its manager typed (``Membership.name``): an account that
    already exists, perhaps on another board, keeps its own name, which is not shown here.
    """
    require(by, "board.manage_people", board)
    email = email.lower()
    person = Person.objects.filter(email=email).first()
    created = person is None
    if created:
        person = Person.objects.create_user(email, None, full_name=full_name.strip())
    name = full_name.strip()
    membership, _ = Membership.objects.get_or_create(
        person=person, board=board, role=role, agency=agency, defaults={"name": name}
    )
    if not membership.is_active or (name and membership.name != name):
        Membership.objects.filter(pk=membership.pk).update(
            is_active=True, name=name or membership.name
        )
        membership.refresh_from_db()
    audit.record(
        "MEMBERSHIP_GRANTED",
        actor=by,
        obj=membership,
        detail={"person": person.pk, "role": role, "new_account": created},
    )
    if created:
        transaction.on_commit(lambda: _invite(person))
    return membership


@transaction.atomic
def membership_end(*, membership: Membership, by) -> None:
    """End a role: the person's next request no longer has it (SECURITY.md AZ-4).

    The roles they hold on the board's reviews that rested on it end with it.
    """
    require(by, "board.manage_people", membership.board)
    Membership.objects.filter(pk=membership.pk).update(is_active=False)
    audit.record(
        "MEMBERSHIP_ENDED",
        actor=by,
        obj=membership,
        detail={"person": membership.person_id, "role": membership.role},
    )
    roles_end_unsupported(person=membership.person, by=by, because="board role ended")


@transaction.atomic
def agency_add(*, board, by, name: str, kind: str, named_officer=None) -> Agency:
    require(by, "board.manage_people", board)
    agency = Agency.objects.create(board=board, name=name, kind=kind, named_officer=named_officer)
    audit.record("AGENCY_ADDED", actor=by, obj=agency, detail={"kind": kind})
    return agency


def _invite(person: Person) -> None:
    """Email a link to choose a password; the email holds no case details (ML-1)."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.urls import reverse

    link = settings.SITE_URL + reverse(
        "accounts:password-reset-confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(person.pk)),
            "token": default_token_generator.make_token(person),
        },
    )
    send_mail(
        "Your Casereview account",
        "An account has been made for you in Casereview.\n\n"
        f"Choose a password here (the link works once): {link}\n\n"
        "You will then set up two-factor authentication with an authenticator app.",
        settings.DEFAULT_FROM_EMAIL,
        [person.email],
    )


@transaction.atomic
def agency_change(*, agency: Agency, by, named_officer, kind: str, is_active: bool) -> None:
    require(by, "board.manage_people", agency.board)
    Agency.objects.filter(pk=agency.pk).update(
        named_officer=named_officer, kind=kind, is_active=is_active
    )
    audit.record(
        "AGENCY_CHANGED",
        actor=by,
        obj=agency,
        detail={
            "named_officer": named_officer.pk if named_officer else None,
            "kind": kind,
            "is_active": is_active,
        },
    )


# --- The procedure profile and the letter templates (each saved with its audit event)
# Imports are local to keep this section apart from the people and agencies above.


@transaction.atomic
def profile_change(*, profile, by, changes: dict) -> None:
    """Save the changed settings of a board's procedure profile, with its audit event."""
    require(by, "profile.edit", profile.board)
    for name, value in changes.items():
        setattr(profile, name, value)
    if changes:
        profile.save(update_fields=list(changes))
    audit.record(
        "PROFILE_CHANGED",
        actor=by,
        obj=profile,
        detail={"fields": list(changes)},
    )


def letter_template_replace(*, board, kind: str, content: bytes, by):
    """Store a board's own template for a letter; the file it replaces goes once this commits.

    Raises ``TemplateRefused`` for a template that uses anything a letter cannot (TP-1), however
    it got here; the page checks first so that it can say what to change.
    """
    from django.core.files.base import ContentFile

    from casereview.core import templating

    from .models import LetterTemplate, LetterTemplateStatus

    require(by, "letter_template.edit", board)
    templating.check(kind, content)
    with transaction.atomic():
        template = LetterTemplate.objects.select_for_update().filter(
            board=board, kind=kind
        ).first() or LetterTemplate(board=board, kind=kind)
        storage = template.file.storage
        replaced = template.file.name if template.pk else ""
        template.file.save("template.docx", ContentFile(content), save=False)
        try:
            template.status = LetterTemplateStatus.IN_USE
            template.withdrawn_at = None
            template.withdrawn_reasons = []
            template.updated_by = by
            template.save()
            audit.record(
                "LETTER_TEMPLATE_CHANGED",
                actor=by,
                obj=template,
                detail={"kind": kind},
            )
        except BaseException:
            storage.delete(template.file.name)  # nothing refers to it now
            raise
        if replaced:
            transaction.on_commit(lambda: storage.delete(replaced))
    return template


@transaction.atomic
def letter_template_withdraw(*, template, reasons: list[str], by=None) -> bool:
    """Stop using a board's template (letters use the default) and tell its administrators.

    For a template that fails the checks of ``core.templating``: the audit event keeps the
    reasons; the business managers and administrators get an email with no case content, and
    the letter templates page shows the reasons until a corrected template is uploaded.
    Returns whether it was in use (a second call changes nothing).
    """
    from django.utils import timezone

    from .models import LetterTemplate, LetterTemplateStatus

    withdrawn = LetterTemplate.objects.filter(
        pk=template.pk, status=LetterTemplateStatus.IN_USE
    ).update(
        status=LetterTemplateStatus.WITHDRAWN,
        withdrawn_at=timezone.now(),
        withdrawn_reasons=reasons,
    )
    if not withdrawn:
        return False
    audit.record(
        "LETTER_TEMPLATE_WITHDRAWN",
        actor=by,
        obj=template,
        detail={"kind": template.kind, "reasons": reasons},
    )
    board, label = template.board, template.get_kind_display()
    transaction.on_commit(lambda: _tell_template_withdrawn(board, label))
    return True


def letter_templates_recheck() -> list:
    """Check every template in use by today's rules again (the upload gate for the file, then
    core.templating for its tags); withdraw those that fail."""
    from casereview.core import templating
    from casereview.core.uploads import UploadRefused, check_upload

    from .models import LetterTemplate, LetterTemplateStatus

    withdrawn = []
    in_use = LetterTemplate.objects.filter(status=LetterTemplateStatus.IN_USE)
    for template in in_use.select_related("board"):
        try:
            with template.file.open("rb") as fh:
                content = fh.read()
            check_upload("template.docx", content, "letter-template")
            templating.check(template.kind, content)
        except UploadRefused as exc:
            reasons = [str(exc)]
        except templating.TemplateRefused as exc:
            reasons = exc.messages
        except OSError:
            reasons = ["The template's file could not be read. Upload the template again."]
        else:
            continue
        if letter_template_withdraw(template=template, reasons=reasons):
            withdrawn.append(template)
    return withdrawn


def _tell_template_withdrawn(board, label: str) -> None:
    """Email the board's business managers and administrators; no case content (ML-1)."""
    import logging

    from django.conf import settings
    from django.core.mail import send_mail
    from django.urls import reverse

    from casereview.core.roles import Role

    recipients = sorted(
        set(
            Membership.objects.filter(
                board=board,
                is_active=True,
                person__is_active=True,
                role__in=[Role.BUSINESS_MANAGER, Role.ADMINISTRATOR],
            ).values_list("person__email", flat=True)
        )
    )
    if not recipients:
        return
    link = settings.SITE_URL + reverse("boards:letter-templates", args=[board.slug])
    try:
        send_mail(
            "A letter template has been withdrawn",
            f"The board's own template for “{label}” uses something a letter template cannot "
            "use, so it has been withdrawn. These letters now use Casereview's default "
            "template until a corrected one is uploaded.\n\n"
            f"Sign in to see what to change: {link}\n\n"
            "This email does not contain any case details.",
            settings.DEFAULT_FROM_EMAIL,
            recipients,
        )
    except Exception:  # the audit event and the page still tell them
        logging.getLogger(__name__).exception(
            "Could not email that a letter template of board %s was withdrawn", board.pk
        )
