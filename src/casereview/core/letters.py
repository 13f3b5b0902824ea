"""Letters as .docx: default templates built in code, filled through ``core.templating``.

A board can replace any template with its own Word file using the same ``{{ tags }}``; what
each letter may use is its row of ``templating.KINDS``. Document properties carry the board's
name, never a person's (SECURITY.md DOC-1).
"""

from __future__ import annotations

import io
import zipfile

from docx import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.shared import Pt

from . import templating

_BODIES = {
    "agency-request": [
        "Is this child or family known to your agency?",
        "The {{ board_name }} has received a referral ({{ reference }}) about "
        "{{ child_name }}, born {{ child_date_of_birth }}.",
        "Please check your agency's records and say whether the child or any member of the "
        "family is known to you. Where they are known, please summarise your involvement so "
        "the sub group can consider it.",
        "Please answer by {{ due }}, by signing in to Casereview at {{ sign_in_url }}.",
    ],
    "decision-notice": [
        "Decision of the board chair: {{ outcome }}",
        "The chair of the {{ board_name }} has decided the outcome of referral "
        "{{ reference }}: {{ outcome }}.",
        "{% if reasons %}Reasons: {{ reasons }}{% endif %}",
        "Where a review is to be held, please secure your agency's records, appoint an author "
        "for your agency's report, and tell the staff involved that a review is taking place. "
        "Please act by {{ due }}.",
    ],
    "referrer-outcome": [
        "Your referral to the {{ board_name }}",
        "Thank you for your referral ({{ reference }}). The board chair has decided: "
        "{{ outcome }}.",
        "{% if reasons %}The reasons are: {{ reasons }}{% endif %}",
        "The business manager will contact you to discuss the decision.",
    ],
    "family-invitation": [
        "An invitation to contribute to a review",
        "The {{ board_name }} is holding a review to learn how agencies worked together. "
        "We would like to invite you to share your views, in whatever way suits you.",
        "The business manager will contact you to agree how you would like to take part.",
    ],
}


def default_template(kind: str) -> bytes:
    """A plain A4 letter with the marking in the header and docxtpl tags for the case."""
    doc = WordDocument()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.header.paragraphs[0].text = "{{ marking }} — {{ reference }}"
    section.footer.paragraphs[0].text = "{{ board_name }}"
    style = doc.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(11)
    doc.add_paragraph("{{ board_name }}")
    doc.add_paragraph("{{ today }}")
    doc.add_paragraph("To: {{ recipient }}")
    body = _BODIES[kind]
    doc.add_heading(body[0], level=1)
    for line in body[1:]:
        doc.add_paragraph(line)
    doc.add_paragraph("Yours sincerely,")
    doc.add_paragraph("Business manager, {{ board_name }}")
    templating.neutral_properties(doc, "Casereview")
    out = io.BytesIO()
    doc.save(out)
    return _fixed_times(out.getvalue())


def _fixed_times(package: bytes) -> bytes:
    """The same package with every part dated 1 January 2000: the default is the same bytes
    whenever it is made (zip entries otherwise carry the second they were written)."""
    source = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info))
    return out.getvalue()


def render(kind: str, template: bytes, context: dict, *, author: str) -> bytes:
    """Fill a letter template in the sandbox; refuses (``TemplateRefused``) one not allowed."""
    return templating.render_docx(kind, template, context, author=author)
