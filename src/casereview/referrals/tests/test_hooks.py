"""Referrals never imports the reviews built on it: the decision opens a review by a hook."""

import ast
from pathlib import Path

import pytest

import casereview.referrals
from casereview.referrals import hooks

REFERRALS = Path(casereview.referrals.__file__).parent


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_no_module_of_referrals_imports_the_reviews_app_even_lazily():
    offenders = [
        str(path.relative_to(REFERRALS))
        for path in REFERRALS.rglob("*.py")
        if "tests" not in path.parts
        and any(name.startswith("casereview.reviews") for name in _imports(path))
    ]
    assert not offenders


def test_the_reviews_app_registers_how_a_review_is_opened():
    from casereview.reviews.services import review_open

    assert hooks._openers == [review_open]


def test_a_second_way_of_opening_reviews_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        hooks.register_review_opener(lambda **kwargs: None)
