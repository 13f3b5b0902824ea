"""A review's key reference, glossary and genogram, and its documents' anonymisation runs.

The documents themselves belong to the review (``reviews.ReviewDocument``); this app keeps
what anonymising them made.

The key lives here, per review; each run turns it into the pure module's ``KeyReference``
(``keyref``), so labels stay the same from one run, and one IMR version, to the next.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from casereview.reviews.models import Review

from . import keyref


class Category(models.TextChoices):
    """What an entry of the key reference is (DOMAIN.md 2.8: people and places in one table)."""

    FAMILY = "family", "Family member or significant person"
    PROFESSIONAL = "professional", "Professional"
    PLACE = "place", "Place"
    OTHER = "other", "Other person"


class Sex(models.TextChoices):
    FEMALE = "f", "Female"
    MALE = "m", "Male"
    UNKNOWN = "u", "Not known"


class KeyEntry(models.Model):
    """One person or place of a review and the label that stands for it everywhere."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="key_entries")
    category = models.CharField(max_length=20, choices=Category.choices)
    name = models.CharField(max_length=200)
    label = models.CharField(max_length=100)
    aliases = models.TextField(blank=True, help_text="Other names and nicknames, separated by ;")
    dob = models.CharField("date of birth", max_length=20, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    deceased = models.BooleanField(default=False)
    subject = models.BooleanField(default=False)
    household = models.BooleanField(default=False)
    relationship = models.CharField(max_length=100, blank=True)
    agency = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint("review", Lower("label"), name="key_label_unique_per_review"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def alias_list(self) -> list[str]:
        return [a for a in (" ".join(p.split()) for p in self.aliases.split(";")) if a]

    def as_key_entry(self) -> keyref.KeyEntry:
        """The entry for the pure modules (the CSV's role column holds a relationship too)."""
        return keyref.KeyEntry(
            name=self.name,
            label=self.label,
            category=self.category,
            aliases=tuple(self.alias_list),
            dob=self.dob,
            sex=self.sex,
            deceased=self.deceased,
            subject=self.subject,
            household=self.household,
            agency=self.agency,
            role=self.role or self.relationship,
        )


def key_reference_of(entries) -> keyref.KeyReference:
    """The pure KeyReference for a review's entries, in key order."""
    return keyref.KeyReference(tuple(e.as_key_entry() for e in entries))


class RelationKind(models.TextChoices):
    PARENT_OF = "parent-of", "is a parent of"
    PARTNER_OF = "partner-of", "is the partner of"
    SEPARATED_FROM = "separated-from", "is separated from"
    SIBLING_OF = "sibling-of", "is a sibling of"


class Relation(models.Model):
    """An edge of the genogram: ``person`` is ``relation`` of ``other``."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="relations")
    person = models.ForeignKey(KeyEntry, on_delete=models.CASCADE, related_name="+")
    relation = models.CharField(max_length=20, choices=RelationKind.choices)
    other = models.ForeignKey(KeyEntry, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "relation", "other"], name="relation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.get_relation_display()} {self.other}"


class GlossaryEntry(models.Model):
    """An acronym of a review's glossary and what it stands for."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="glossary")
    term = models.CharField(max_length=40)
    meaning = models.CharField(max_length=300)

    class Meta:
        ordering = ["term"]
        constraints = [
            models.UniqueConstraint("review", Lower("term"), name="glossary_term_unique"),
        ]

    def __str__(self) -> str:
        return self.term


class AnonymisationRun(models.Model):
    """One anonymisation of a document against the key as it stood: the result and report.

    ``replacements``: [{"text", "label", "count", "contexts": [{"before", "after"}]}];
    ``redactions``: [{"kind", "count"}]; ``removed``: [{"part", "count", "why"}], ``why``
    saying why a part that cannot be treated was dropped (empty for what was cleaned);
    ``flags``: [{"text", "kind", "context"}] (CONTRACTS.md "anonymise --json").
    """

    document = models.ForeignKey(
        "reviews.ReviewDocument", on_delete=models.CASCADE, related_name="runs"
    )
    output = models.OneToOneField(
        "core.Document", on_delete=models.PROTECT, related_name="anonymisation_run"
    )
    key_size = models.PositiveIntegerField()
    replacements = models.JSONField(default=list)
    redactions = models.JSONField(default=list)
    removed = models.JSONField(default=list)
    flags = models.JSONField(default=list)
    run_at = models.DateTimeField(default=timezone.now)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-run_at", "-pk"]

    def __str__(self) -> str:
        return f"Anonymisation of {self.document} at {self.run_at:%Y-%m-%d %H:%M}"

    @property
    def review(self) -> Review:
        return self.document.review

    @property
    def dropped(self) -> list[dict]:
        """The parts dropped because they cannot be treated (outside links, embedded files)."""
        return [r for r in self.removed if r.get("why")]


class Outcome(models.TextChoices):
    ADDED = "added", "Added to the key"
    DISMISSED = "dismissed", "Dismissed"


def fold(text: str) -> str:
    """A flag's text as resolutions are matched: case- and space-insensitive."""
    return " ".join(text.split()).casefold()


class FlagResolution(models.Model):
    """How a possible identifier was resolved for a review: added to the key, or dismissed."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="flag_resolutions")
    run = models.ForeignKey(
        AnonymisationRun, null=True, on_delete=models.SET_NULL, related_name="resolutions"
    )
    text = models.CharField(max_length=200)
    folded = models.CharField(max_length=200)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reason = models.TextField(blank=True)
    key_entry = models.ForeignKey(
        KeyEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(default=timezone.now)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "folded"], name="one_resolution_per_text")
        ]

    def __str__(self) -> str:
        return f"{self.text}: {self.get_outcome_display()}"
