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

# Each kind of recipient has its own letter (DOMAIN.md 2.4). "{%p if field %}" alone in a
# paragraph keeps or drops the paragraphs up to its "{%p endif %}".
_REASONS = ["{%p if reasons %}", "The reasons are: {{ reasons }}", "{%p endif %}"]
_DECIDED = "The chair of the {{ board_name }} has decided the outcome of referral {{ reference }}"
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
        _DECIDED + ", about {{ child_name }} (born {{ child_date_of_birth }}): {{ outcome }}.",
        "{%p if review_kind %}",
        "Please secure your agency's records of the child and family now, so that nothing is "
        "lost or changed. Appoint a member of staff who was not directly involved with the "
        "child or family, nor the immediate manager of those who were, to write your agency's "
        "{{ agency_report_term }}.",
        "{%p if chronology_within %}",
        "Your agency's chronology will be due within {{ chronology_within }}, and its "
        "{{ agency_report_term }} within {{ agency_report_within }}, of your agency being "
        "commissioned. The timescales and templates for each will follow.",
        "{%p endif %}",
        "Please tell the staff of your agency who were involved that a review is taking place.",
        "{%p endif %}",
        "If your agency has no record of the child or family, please tell the business "
        "manager so in writing.",
        "{% if due %}Please act by {{ due }}.{% endif %}",
    ],
    "safeguarding-action": [
        "Immediate action to safeguard other children",
        _DECIDED + ", about {{ child_name }} (born {{ child_date_of_birth }}): {{ outcome }}.",
        "Before anything else, please confirm to the business manager that any action needed "
        "to safeguard other children in the household has been taken.",
        "{% if due %}Please confirm this by {{ due }}.{% endif %}",
    ],
    "information-notice": [
        "Decision of the board chair: {{ outcome }}",
        "For your information: " + _DECIDED + ": {{ outcome }}.",
        *_REASONS,
        "{% if review_kind %}You will be told how the review progresses.{% else %}No review "
        "will be held.{% endif %} You need not do anything in answer to this letter.",
    ],
    "inspectorate-notice": [
        "{% if review_kind %}A review is to be held: {{ review_kind }}{% else %}A serious case "
        "review considered and not held{% endif %}",
        "{%p if via %}",
        "Sent via {{ via }}.",
        "{%p endif %}",
        "{% if review_kind %}The {{ board_name }} is to hold a review of case {{ reference }}: "
        "{{ review_kind }}.{% else %}The {{ board_name }} considered whether case "
        "{{ reference }} should be the subject of a serious case review, and decided that it "
        "should not: {{ outcome }}.{% endif %}",
        *_REASONS,
        "Please quote the reference {{ reference }} in any reply.",
    ],
    "coroner-cps-notice": [
        "A review of a case that may concern your own inquiries",
        _DECIDED + ", about {{ child_name }} (born {{ child_date_of_birth }}): {{ outcome }}.",
        "We write to you because the case involves criminal proceedings or a death. A review "
        "looks at how agencies worked together; it is not an inquiry into how the child died "
        "or who is to blame, and it is not delayed as a matter of course by criminal "
        "proceedings. We would like to agree with you how the review and your proceedings "
        "keep each other informed, and when its report may be published.",
        "Please quote the reference {{ reference }} in any reply.",
    ],
    "referrer-outcome": [
        "Your referral to the {{ board_name }}",
        "Thank you for your referral ({{ reference }}). The board chair has decided: "
        "{{ outcome }}.",
        *_REASONS,
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
    doc.add_paragraph("Our reference: {{ reference }}")
    body = _BODIES[kind]
    doc.add_heading(body[0], level=1)
    for line in body[1:]:
        doc.add_paragraph(line)
    doc.add_paragraph("Yours sincerely,")
    doc.add_paragraph("{{ signatory }}")
    doc.add_paragraph("{{ signatory_role }}")
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
