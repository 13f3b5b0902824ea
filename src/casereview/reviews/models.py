"""The review a decision opens. Scoping, panel and the rest build on it in later work."""

from __future__ import annotations

from django.db import models

from casereview.referrals.lifecycle import Outcome
from casereview.referrals.models import Referral


class Review(models.Model):
    """The review opened by a decision; later stages build on it."""

    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="review")
    kind = models.CharField(max_length=40, choices=[(o.value, o.label) for o in Outcome])
    opened_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{Outcome(self.kind).label} {self.referral.reference}"

    @property
    def kind_label(self) -> str:
        return Outcome(self.kind).label
