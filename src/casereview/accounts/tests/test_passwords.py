"""Password rules (SECURITY.md AU-3): length, common passwords, the service's own words."""

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from casereview.accounts.models import Person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "password",
    [
        "short-pass1",  # 11 characters
        "password1234",  # a common password
        "safeguarding2026",  # the service's own word
        "Northbrook!2026",  # the board's name
        "northbrookpolice1",  # an agency's name
    ],
)
def test_weak_passwords_are_refused(cast, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=Person(email="x@test.test", full_name="X"))


@pytest.mark.parametrize(
    "password",
    ["correct horse battery staple", "ü" * 12 + "ß", "x" * 64 + " any characters at all !"],
)
def test_long_passphrases_of_any_characters_are_accepted(cast, password):
    validate_password(password, user=Person(email="x@test.test", full_name="X"))


@pytest.mark.parametrize(
    "password",
    [
        "Northbrook Safeguarding",  # the probe's: the board's words with a space
        "northbrook safeguarding",
        "NorthBrook-Safeguarding",
        "northbrook.safeguarding.children",
        "N0rthbr00k $afeguard1ng",  # look-alike characters
        "S-A-F-E-G-U-A-R-D-I-N-G-2026",
        "Northbrook Police Health",  # agency names
        "Southvale Board 2026!",  # another board's short name
        "Safeguarding Children Partnership",
        "case review casereview",
        "safeguarding-12345678",  # mostly the word: fewer letters of one's own than of it
    ],
)
def test_passwords_made_mostly_of_context_words_are_refused(cast, password):
    with pytest.raises(ValidationError, match="too close to the name of this service"):
        validate_password(password, user=Person(email="x@test.test", full_name="X"))


@pytest.mark.parametrize(
    "password",
    [
        "my walk to northbrook station is long and rainy",  # a context word, not mostly
        "purple giraffes dance on the moon at midnight",
        "the health of old oak trees in winter",
        "Tr0mbone-Quasar-Lantern-Pebble",
    ],
)
def test_long_passphrases_with_a_context_word_among_others_are_accepted(cast, password):
    validate_password(password, user=Person(email="x@test.test", full_name="X"))


def test_passwords_are_stored_with_argon2(settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    person = Person.objects.create_user(
        "argon@test.test", "a long enough passphrase", full_name="A"
    )
    assert identify_hasher(person.password).algorithm == "argon2"


def test_the_boards_app_provides_the_names_a_password_may_not_be_made_of():
    from casereview.accounts import validators
    from casereview.boards.models import context_names

    assert validators._name_providers["boards"] is context_names


def test_a_password_is_not_checked_without_the_boards_names(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from casereview.accounts import validators

    monkeypatch.setattr(validators, "_name_providers", {})
    with pytest.raises(ImproperlyConfigured):
        validators.ContextWordsValidator().validate("a long passphrase of plain words")
