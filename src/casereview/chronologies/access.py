"""Who may export the merged chronology: each format is its own permission (SECURITY.md EX-2).

The view and annotate and approve rules live with the review's others in reviews/access.py.
"""

from __future__ import annotations

from casereview.core.permissions import RULES
from casereview.reviews.access import may_see_merged

EXPORT_FORMATS = ("xlsx", "csv", "docx", "pdf")

RULES.update({f"chronology.export_{fmt}": may_see_merged for fmt in EXPORT_FORMATS})
RULES["chronology.export"] = lambda access, obj: any(
    RULES[f"chronology.export_{fmt}"](access, obj) for fmt in EXPORT_FORMATS
)
