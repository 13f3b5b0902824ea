"""Ending a board role or an account ends the roles resting on it, by a hook apps fill."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from casereview.accounts import hooks


def test_the_reviews_app_registers_how_its_roles_end():
    from casereview.reviews.services import review_roles_end_unsupported

    assert hooks._enders["reviews"] is review_roles_end_unsupported


def test_every_registered_ender_is_called_and_their_counts_added(monkeypatch):
    calls = []

    def ender(count):
        def end(*, person, by, because):
            calls.append((person, by, because))
            return count

        return end

    monkeypatch.setattr(hooks, "_enders", {"one": ender(2), "two": ender(1)})
    assert hooks.roles_end_unsupported(person="p", by="b", because="board role ended") == 3
    assert calls == [("p", "b", "board role ended")] * 2


def test_ending_roles_with_nothing_registered_fails_loudly(monkeypatch):
    monkeypatch.setattr(hooks, "_enders", {})
    with pytest.raises(ImproperlyConfigured):
        hooks.roles_end_unsupported(person="p", because="account deactivated")
