"""Password rules beyond Django's: no words from the service's own context (SECURITY.md AU-3)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

CONTEXT_WORDS = ("safeguarding", "casereview", "serious case", "partnership", "children")


class ContextWordsValidator:
    def validate(self, password: str, user=None) -> None:
        lowered = password.lower().replace(" ", "")
        words = [w.replace(" ", "") for w in CONTEXT_WORDS]
        words += _board_and_agency_words()
        for word in words:
            if len(word) >= 5 and word in lowered and len(lowered) < len(word) + 8:
                raise ValidationError(
                    "Your password is too close to the name of this service, a board or an "
                    "agency. Choose something else.",
                    code="password_context",
                )

    def get_help_text(self) -> str:
        return "Do not base your password on the name of this service, a board or an agency."


def _board_and_agency_words() -> list[str]:
    from casereview.boards.models import Agency, Board

    names = list(Board.objects.values_list("name", flat=True))
    names += list(Board.objects.values_list("short_name", flat=True))
    names += list(Agency.objects.values_list("name", flat=True))
    return [n.lower().replace(" ", "") for n in names if n]
