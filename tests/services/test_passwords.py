"""Password rules: the shipped breached list, guessability, and constant work for unknowns."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from argon2 import PasswordHasher

from backstride.errors import InvalidInput
from backstride.services import passwords


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        passwords, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


def _messages(password: str, **kwargs: Sequence[str]) -> list[str]:
    return [
        p["msg"] for p in passwords.password_problems(password, email="ann@example.org", **kwargs)
    ]


def test_the_shipped_list_is_the_30000_most_common_passwords() -> None:
    common = passwords.common_passwords()
    assert len(common) > 29_000
    assert {"password", "123456", "password12", "iloveyou"} <= common


@pytest.mark.parametrize("password", ["password12", "PASSWORD12", "1234567890", "qwertyuiop"])
def test_a_listed_password_is_refused_whatever_its_case(password: str) -> None:
    assert any("breached" in m for m in _messages(password))


@pytest.mark.parametrize(
    "password", ["ann@example.org2026", "annannann2026", "abcdefghij12", "Liverpool2026"]
)
def test_an_easily_guessed_password_is_refused(password: str) -> None:
    assert any("too easy to guess" in m for m in _messages(password, user_inputs=["Ann"]))


@pytest.mark.parametrize(
    "password", ["correct horse battery", "quiet lantern orchard", "backstride-demo"]
)
def test_long_unrelated_words_are_accepted(password: str) -> None:
    assert _messages(password) == []


def test_every_broken_rule_is_listed_at_once() -> None:
    with pytest.raises(InvalidInput) as caught:
        passwords.hash_password("aaa", email="ann@example.org")
    assert caught.value.code == "account.weak_password"
    assert len(caught.value.problems) >= 2


def test_checking_against_no_account_costs_one_verification_and_fails() -> None:
    calls: list[str] = []
    real = passwords.HASHER

    class Spy:
        def verify(self, stored: str, password: str) -> bool:
            calls.append(stored)
            return bool(real.verify(stored, password))

        def __getattr__(self, name: str) -> object:
            return getattr(real, name)

    passwords.HASHER = Spy()  # type: ignore[assignment]
    try:
        assert passwords.verify_password(None, "anything at all") is False
        stored = real.hash("the real one!")
        assert passwords.verify_password(stored, "the real one!") is True
    finally:
        passwords.HASHER = real
    assert len(calls) == 2
    assert calls[0].startswith("$argon2id$")
