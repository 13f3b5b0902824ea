"""Merge: order, gaps and discrepancies exactly as CONTRACTS says."""

from __future__ import annotations

from datetime import date

import pytest

from casereview.chronologies.merge import agency_type, merge, merged_as_json, stem
from casereview.chronologies.proforma import read_chronology
from casereview.chronologies.tests.builders import (
    LONG,
    TODAY,
    _test_settings,  # noqa: F401 -- see it
    write_csv,
)


def _chron(tmp_path, agency, rows):
    path = write_csv(tmp_path / f"{agency}.csv", [[*r, *[""] * (7 - len(r))] for r in rows])
    return read_chronology(path, agency)


def test_samples_discrepancy_is_found_and_the_gp_letter_is_not_paired(samples):
    merged = merge([read_chronology(p) for p in samples], today=TODAY)
    assert len(merged.discrepancies) == 1
    pair = merged.discrepancies[0]
    assert (pair.a.agency, pair.a.number, pair.a.date) == (
        "Southvale Primary School",
        2,
        date(2023, 11, 17),
    )
    assert (pair.b.agency, pair.b.number, pair.b.date) == (
        "Southvale Children's Social Care",
        1,
        date(2023, 11, 24),
    )
    assert pair.days_apart == 7
    for words in ("front door", "school", "friend", "7 days apart"):
        assert words in pair.reason
    paired = {(d.a.agency, d.a.number) for d in merged.discrepancies} | {
        (d.b.agency, d.b.number) for d in merged.discrepancies
    }
    assert ("Riverside GP Practice", 2) not in paired


def test_order_by_date_then_file_then_row_then_undated_in_file_order(tmp_path):
    first = _chron(
        tmp_path,
        "Northshire Police",
        [["10/03/2024", LONG], ["tbc", LONG], ["09/03/2024", LONG], ["05/03/2024 14:30", LONG]],
    )
    second = _chron(
        tmp_path,
        "Westbrook School",
        [["March 2024", LONG], ["10/03/2024", LONG], ["01/03/2024 - 20/03/2024", LONG]],
    )
    merged = merge([first, second], today=TODAY)
    order = [(r.agency[0], r.number) for r in merged.rows]
    assert order == [("W", 3), ("N", 4), ("N", 3), ("N", 1), ("W", 2), ("N", 2), ("W", 1)]
    assert merged.rows[-1].codes == ["date-partial"]


def test_gaps_are_between_consecutive_dated_rows_of_any_agency(tmp_path):
    a = _chron(tmp_path, "Northshire Police", [["01/01/2024", LONG], ["01/06/2024", LONG]])
    b = _chron(tmp_path, "Westbrook School", [["15/02/2024", LONG]])
    merged = merge([a, b], gap_days=90, today=TODAY)
    assert [(g.start, g.end, g.days) for g in merged.gaps] == [
        (date(2024, 2, 15), date(2024, 6, 1), 107)
    ]
    assert merge([a, b], gap_days=120, today=TODAY).gaps == ()


def test_exactly_the_gap_is_not_a_gap(tmp_path):
    a = _chron(tmp_path, "Northshire Police", [["01/01/2024", LONG], ["31/03/2024", LONG]])
    assert merge([a], gap_days=90, today=TODAY).gaps == ()


POLICE = (
    "Officers attended the home after a neighbour reported shouting; Mother B had a cut lip and"
    " Child B was crying. Referral sent to social care."
)
SOCIAL = (
    "Referral from police: officers attended after neighbour reported shouting, Mother B had a"
    " cut lip and Child B was crying."
)


def test_discrepancy_needs_mutual_mentions(tmp_path):
    police = _chron(tmp_path, "Northshire Police", [["01/05/2024", POLICE]])
    silent = SOCIAL.replace("Referral from police: officers", "They")
    social = _chron(tmp_path, "Northshire Children's Social Care", [["06/05/2024", silent]])
    assert merge([police, social], today=TODAY).discrepancies == ()


def test_discrepancy_within_the_window_not_same_day(tmp_path):
    police = _chron(tmp_path, "Northshire Police", [["01/05/2024", POLICE]])
    for when, expected in (("06/05/2024", 1), ("01/05/2024", 0), ("20/05/2024", 0)):
        social = _chron(tmp_path, "Northshire Children's Social Care", [[when, SOCIAL]])
        assert len(merge([police, social], today=TODAY).discrepancies) == expected, when


def test_window_days_widens_the_search(tmp_path):
    police = _chron(tmp_path, "Northshire Police", [["01/05/2024", POLICE]])
    social = _chron(tmp_path, "Northshire Children's Social Care", [["20/05/2024", SOCIAL]])
    assert len(merge([police, social], window_days=30, today=TODAY).discrepancies) == 1


def test_a_row_is_in_at_most_one_pair_the_closest(tmp_path):
    police = _chron(tmp_path, "Northshire Police", [["01/05/2024", POLICE]])
    social = _chron(
        tmp_path,
        "Northshire Children's Social Care",
        [["10/05/2024", SOCIAL], ["03/05/2024", SOCIAL + " Logged."]],
    )
    merged = merge([police, social], today=TODAY)
    assert len(merged.discrepancies) == 1
    pair = merged.discrepancies[0]
    assert (pair.a.agency, pair.b.number, pair.days_apart) == ("Northshire Police", 2, 2)


def test_a_is_the_earlier_row_whatever_the_file_order(tmp_path):
    social = _chron(tmp_path, "Northshire Children's Social Care", [["06/05/2024", SOCIAL]])
    police = _chron(tmp_path, "Northshire Police", [["01/05/2024", POLICE]])
    pair = merge([social, police], today=TODAY).discrepancies[0]
    assert pair.a.agency == "Northshire Police"


def test_different_contacts_between_agencies_that_mention_each_other_are_not_paired(tmp_path):
    police = _chron(tmp_path, "Northshire Police", [["01/05/2024", POLICE]])
    other = (
        "Strategy discussion with police and health: agreed a section 47 enquiry into"
        " bruising seen at nursery; medical booked."
    )
    social = _chron(tmp_path, "Northshire Children's Social Care", [["06/05/2024", other]])
    assert merge([police, social], today=TODAY).discrepancies == ()


def test_same_agency_in_two_files_is_never_a_discrepancy(tmp_path):
    one = _chron(tmp_path, "Northshire Police", [["01/05/2024", POLICE]])
    two = _chron(tmp_path, "Northshire Police", [["06/05/2024", POLICE]])
    assert merge([one, two], today=TODAY).discrepancies == ()


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Northshire Police", "police"),
        ("Westbrook Constabulary", "police"),
        ("Southvale Children's Social Care", "social care"),
        ("CSC", "social care"),
        ("Southvale Primary School", "education"),
        ("Riverside GP Practice", "health"),
        ("Northshire NHS Foundation Trust", "health"),
        ("Health Visiting Service", "health"),
        ("Northshire CAMHS", "CAMHS"),
        ("National Probation Service", "probation"),
        ("Eastfield Housing", "housing"),
        ("Youth club", None),
    ],
)
def test_agency_type_from_its_name(name, kind):
    assert agency_type(name) == kind


@pytest.mark.parametrize(
    ("word", "root"),
    [("shouted", "shout"), ("shouts", "shout"), ("phoned", "phon"), ("mummy", "mother")],
)
def test_stemming_is_enough_to_match_word_forms(word, root):
    assert stem(word) == root


def test_json_shape_is_the_contract(samples):
    document = merged_as_json(merge([read_chronology(p) for p in samples], today=TODAY))
    assert set(document) == {"rows", "gaps", "discrepancies"}
    assert set(document["rows"][0]) == {
        "date",
        "agency",
        "file",
        "row",
        "date_text",
        "child",
        "family",
        "communication",
        "source",
        "staff",
        "comment",
        "problems",
    }
    pair = document["discrepancies"][0]
    assert set(pair) == {"a", "b", "days_apart", "reason"}
    assert set(pair["a"]) == {"file", "row", "date"}
    assert pair["a"]["date"] == "2023-11-17"
