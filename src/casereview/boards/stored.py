"""A board's own letter templates, with their one rule (core.serving's registry)."""

from __future__ import annotations

from casereview.core.permissions import RULES, Access
from casereview.core.serving import StoredKind, register

from .models import LetterTemplateStatus


def letter_template_rule(access: Access, template) -> bool:
    """A board's own letter template: the business manager and administrator who keep them."""
    return RULES["letter_template.edit"](access, template)


register(
    StoredKind(
        "boards.lettertemplate",
        letter_template_rule,
        "LETTER_TEMPLATE_DOWNLOADED",
        case=lambda template: None,
        # A withdrawn template failed core.templating's checks: nobody is sent it (TP-1).
        statuses=frozenset({LetterTemplateStatus.IN_USE}),
    )
)
