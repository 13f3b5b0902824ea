"""The glossary: acronyms, then professionals and places by label only."""

from __future__ import annotations

from casereview.anonymisation.glossary import STARTER_ACRONYMS, build_glossary
from casereview.anonymisation.keyref import parse_key_csv
from casereview.anonymisation.tests.fixtures import KEY_CSV

KEY = parse_key_csv(KEY_CSV)


def test_the_starter_list_covers_safeguarding_acronyms():
    for acronym in ("MASH", "CP", "CIN", "LAC", "MARAC", "IMR", "SCR", "CDOP", "S47", "CAMHS"):
        assert STARTER_ACRONYMS[acronym]


def test_the_glossary_lists_acronyms_then_professionals_and_places_by_label():
    glossary = build_glossary(
        KEY, {"MASH": "Multi-Agency Safeguarding Hub", "GP": "General Practitioner"}
    )
    assert [(e.term, e.kind) for e in glossary] == [
        ("GP", "acronym"),
        ("MASH", "acronym"),
        ("Social Worker 1", "professional"),
        ("Health Visitor 1", "professional"),
        ("Centre 1", "place"),
    ]
    assert glossary[2].meaning == "Social worker, Children's Social Care"
    words = " ".join(f"{e.term} {e.meaning}" for e in glossary)
    for name in ("Ruth", "Stone", "Priya", "Larkfield", "Tobias", "Quenby"):
        assert name not in words
