"""The glossary sent with a review: acronyms, and anonymised staff and work locations (003 §3.2).

People and places share the key reference; the glossary shows professionals and places by label
only (never by name), with their agency or role, beside the acronyms the reports use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from casereview.anonymisation.keyref import KeyReference

STARTER_ACRONYMS: dict[str, str] = {
    "A&E": "Accident and Emergency department",
    "ASC": "Adult Social Care",
    "CAF": "Common Assessment Framework",
    "CAMHS": "Child and Adolescent Mental Health Services",
    "CDOP": "Child Death Overview Panel",
    "CIN": "Child in Need",
    "CP": "Child Protection",
    "CPP": "Child Protection Plan",
    "CPS": "Crown Prosecution Service",
    "CSC": "Children's Social Care",
    "CSE": "Child Sexual Exploitation",
    "CSPR": "Child Safeguarding Practice Review",
    "DASH": "Domestic Abuse, Stalking and Harassment risk assessment",
    "DSL": "Designated Safeguarding Lead",
    "ED": "Emergency Department",
    "EDT": "Emergency Duty Team",
    "EHA": "Early Help Assessment",
    "EHCP": "Education, Health and Care Plan",
    "GP": "General Practitioner",
    "HV": "Health Visitor",
    "ICPC": "Initial Child Protection Conference",
    "IDVA": "Independent Domestic Violence Adviser",
    "IMR": "Individual Management Review",
    "IRO": "Independent Reviewing Officer",
    "LADO": "Local Authority Designated Officer",
    "LAC": "Looked After Child",
    "LSCB": "Local Safeguarding Children Board",
    "MAPPA": "Multi-Agency Public Protection Arrangements",
    "MARAC": "Multi-Agency Risk Assessment Conference",
    "MASH": "Multi-Agency Safeguarding Hub",
    "NFA": "No Further Action",
    "PLO": "Public Law Outline",
    "PPN": "Public Protection Notice",
    "RCPC": "Review Child Protection Conference",
    "S47": "Section 47 enquiry (Children Act 1989)",
    "SAMR": "Single Agency Management Review",
    "SCB": "Safeguarding Children Board",
    "SCR": "Serious Case Review",
    "SENCO": "Special Educational Needs Coordinator",
    "SGO": "Special Guardianship Order",
    "SUDI": "Sudden Unexpected Death in Infancy",
}

# Glossary kinds, in the order the glossary lists them.
ACRONYM, PROFESSIONAL, PLACE = "acronym", "professional", "place"


@dataclass(frozen=True)
class GlossaryEntry:
    """One line of the glossary: a term (acronym or label) and what it stands for."""

    term: str
    meaning: str
    kind: str


def build_glossary(
    key: KeyReference, acronyms: Mapping[str, str] = STARTER_ACRONYMS
) -> list[GlossaryEntry]:
    """The glossary: acronyms A-Z, then professionals and places by label, never by name."""
    entries = [
        GlossaryEntry(term, meaning, ACRONYM)
        for term, meaning in sorted(acronyms.items(), key=lambda item: item[0].casefold())
    ]
    for kind in (PROFESSIONAL, PLACE):
        for entry in key:
            if entry.category == kind:
                described = ", ".join(part for part in (entry.role, entry.agency) if part)
                entries.append(GlossaryEntry(entry.label, described or kind.title(), kind))
    return entries


def glossary_words(acronyms: Mapping[str, str] = STARTER_ACRONYMS) -> frozenset[str]:
    """Words of acronyms and their meanings: never mistaken for names of people."""
    words: set[str] = set()
    for term, meaning in acronyms.items():
        words.add(term.casefold())
        words.update(word.strip(",.()'").casefold() for word in meaning.split())
    return frozenset(words)
