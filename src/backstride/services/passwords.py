"""Passwords: the rules a new password must meet, argon2id hashing, and constant-work checks.

Rules (docs/decisions/0022-passwords-and-second-factor.md):

- 10 to 128 characters, at least 4 different ones, not the e-mail address (NIST SP 800-63B-4
  §3.1.1.2: length, no composition rules);
- not on the list of common and breached passwords shipped with the package: the 30,000 most
  frequent passwords of Mark Burnett's 10-million-password corpus (Xato, 2015), as packaged in
  ``zxcvbn`` (MIT licence) — OWASP ASVS 5.0 6.2.4 and 6.2.12 (ASVS 4.0 2.1.7); compared after
  lower-casing, so ``Password12`` is refused with ``password12``;
- not guessable in fewer than 10^8 tries by zxcvbn's estimate (its score 3: "safely
  unguessable, moderate protection from an offline slow-hash attack"), with the e-mail and the
  name as words the attacker knows — catches the list's entries with a digit added, keyboard
  walks, dates and repeats.

Verifying a password always costs one argon2 verification: an unknown e-mail is checked against
:data:`DUMMY_HASH`, so that a wrong password on a real account and an unknown address take the
same work (issue 18: 160-600 ms against 3-10 ms gave away which addresses exist).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from backstride.errors import InvalidInput

HASHER = PasswordHasher()
"""argon2id with argon2-cffi's RFC 9106 low-memory defaults (t=3, m=64 MiB, p=4)."""

MIN_PASSWORD_LENGTH = 10  # [default] NIST SP 800-63B-4 asks for at least 8 (15 without MFA)
MAX_PASSWORD_LENGTH = 128
MIN_ZXCVBN_SCORE = 3  # [default] zxcvbn: >= 10^8 guesses
_ZXCVBN_MAX_LENGTH = MAX_PASSWORD_LENGTH


@functools.cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common/breached passwords (lower case), loaded once on first use."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"])


def password_problems(
    password: str, *, email: str, user_inputs: Sequence[str] = ()
) -> list[dict[str, str]]:
    """Every rule the password breaks (empty list: acceptable)."""
    problems: list[dict[str, str]] = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append({"path": "password", "msg": f"at least {MIN_PASSWORD_LENGTH} characters"})
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append({"path": "password", "msg": f"at most {MAX_PASSWORD_LENGTH} characters"})
    if password and len(set(password)) < 4:
        problems.append({"path": "password", "msg": "use at least 4 different characters"})
    if email and password.strip().lower() == email.strip().lower():
        problems.append({"path": "password", "msg": "must differ from the e-mail address"})
    if password.lower() in common_passwords():
        problems.append(
            {"path": "password", "msg": "this password is on a list of common, breached passwords"}
        )
    elif problems == [] and _guessable(password, [email, *user_inputs]):
        problems.append(
            {
                "path": "password",
                "msg": "too easy to guess (a common word or pattern); try a few unrelated words",
            }
        )
    return problems


def _guessable(password: str, user_inputs: list[str]) -> bool:
    import zxcvbn

    words = [w for value in user_inputs if value for w in (value, *value.replace("@", " ").split())]
    result = zxcvbn.zxcvbn(password, user_inputs=words, max_length=_ZXCVBN_MAX_LENGTH)
    return int(result["score"]) < MIN_ZXCVBN_SCORE


def hash_password(password: str, *, email: str, user_inputs: Sequence[str] = ()) -> str:
    """An argon2id hash, after checking the password rules (``account.weak_password``)."""
    problems = password_problems(password, email=email, user_inputs=user_inputs)
    if problems:
        raise InvalidInput(
            "the password does not meet the rules", code="account.weak_password", problems=problems
        )
    return HASHER.hash(password)


@functools.cache
def _dummy_hash(params: tuple[int, int, int]) -> str:
    del params  # the cache key: one dummy per hasher configuration
    return HASHER.hash("backstride dummy password for unknown accounts")


def dummy_hash() -> str:
    """A hash made with the current hasher's costs, for accounts that do not exist."""
    return _dummy_hash((HASHER.time_cost, HASHER.memory_cost, HASHER.parallelism))


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; with no hash, the same argon2 work and ``False``."""
    if stored_hash is None:
        _verify(dummy_hash(), password)
        return False
    return _verify(stored_hash, password)


def _verify(stored_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


__all__ = [
    "HASHER",
    "MAX_PASSWORD_LENGTH",
    "MIN_PASSWORD_LENGTH",
    "common_passwords",
    "dummy_hash",
    "hash_password",
    "password_problems",
    "verify_password",
]
