"""The error root carries stable dotted codes and a wire form."""

from __future__ import annotations

import pytest

from backstride.errors import BackstrideError, Conflict, InvalidInput, NotFound


def test_an_error_has_its_code_detail_and_problems_on_the_wire() -> None:
    err = InvalidInput(
        "two answers are wrong", code="intake.invalid", problems=[{"path": "a", "msg": "x"}]
    )
    assert err.to_dict() == {
        "code": "intake.invalid",
        "detail": "two answers are wrong",
        "problems": [{"path": "a", "msg": "x"}],
    }
    assert err.status == 422


@pytest.mark.parametrize(
    ("cls", "code", "status"),
    [
        (InvalidInput, "input.invalid", 422),
        (NotFound, "resource.not_found", 404),
        (Conflict, "resource.conflict", 409),
    ],
)
def test_each_family_has_a_default_code_and_status(
    cls: type[BackstrideError], code: str, status: int
) -> None:
    err = cls("nope")
    assert (err.code, err.status) == (code, status)
    assert isinstance(err, BackstrideError)


@pytest.mark.parametrize("bad", ["nodot", "Upper.case", "a..b", "1a.b"])
def test_codes_must_be_dotted_lower_case_words(bad: str) -> None:
    with pytest.raises(ValueError, match="dotted"):
        BackstrideError("x", code=bad)
