"""Every operation has a short, stable ``operationId``: its route function's name."""

from __future__ import annotations

import re

import pytest
from fastapi import APIRouter

from backstride.api.app import create_app
from backstride.api.openapi import check_operation_ids
from backstride.config import Settings

SNAKE = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")


@pytest.fixture(scope="module")
def operations(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], str]:
    """``(method, path) -> operationId`` of the served document."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("openapi"))
    spec = create_app(settings, run_worker=False).openapi()
    return {
        (method, path): operation["operationId"]
        for path, item in spec["paths"].items()
        for method, operation in item.items()
    }


def test_operation_ids_are_unique_snake_case_names(
    operations: dict[tuple[str, str], str],
) -> None:
    ids = list(operations.values())
    assert len(set(ids)) == len(ids)
    assert [i for i in ids if not SNAKE.fullmatch(i)] == []


def test_operation_ids_are_the_route_function_names_without_path_or_method(
    operations: dict[tuple[str, str], str],
) -> None:
    assert operations[("get", "/api/v1/me/dashboard")] == "get_dashboard"
    assert operations[("post", "/api/v1/me/appointments")] == "book_appointment"
    assert operations[("get", "/api/v1/admin/clinics")] == "list_all_clinics"
    assert not [i for i in operations.values() if "api_v1" in i]


def test_a_generated_client_gets_short_function_names(
    operations: dict[tuple[str, str], str],
) -> None:
    """openapi-python-client names a module and function after the operationId in snake_case
    (FastAPI's default gave ``dashboard_api_v1_me_dashboard_get``)."""
    assert max(len(i) for i in operations.values()) <= 30


def test_start_up_refuses_two_operations_with_one_id() -> None:
    first, second = APIRouter(), APIRouter()

    @first.get("/a")
    def list_things() -> None: ...

    @second.get("/b", name="list_things")
    def other() -> None: ...

    with pytest.raises(RuntimeError, match="list_things"):
        check_operation_ids([first, second])


def test_start_up_refuses_an_id_that_is_not_snake_case() -> None:
    router = APIRouter()

    @router.get("/a")
    def listThings() -> None: ...  # noqa: N802

    with pytest.raises(RuntimeError, match="listThings"):
        check_operation_ids([router])
