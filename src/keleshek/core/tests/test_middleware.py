from __future__ import annotations

import pytest
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.test import RequestFactory

from keleshek.core.middleware import DatabaseUnavailableMiddleware


def _mw() -> DatabaseUnavailableMiddleware:
    return DatabaseUnavailableMiddleware(lambda r: HttpResponse("ok"))


@pytest.mark.django_db  # the middleware closes the broken connections it finds
@pytest.mark.parametrize(
    ("path", "heading", "other"),
    [
        ("/ru/", "База данных временно недоступна", "Дерекқор уақытша қолжетімсіз"),
        ("/kk/", "Дерекқор уақытша қолжетімсіз", "База данных временно недоступна"),
    ],
)
def test_database_errors_become_a_clear_503_in_the_visitors_language(
    path: str, heading: str, other: str
) -> None:
    request = RequestFactory().get(path)
    for exc in (OperationalError("server closed the connection"), InterfaceError("closed")):
        response = _mw().process_exception(request, exc)
        assert response is not None
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        text = response.content.decode()
        assert f"<h1>{heading}</h1>" in text
        assert other not in text


def test_other_errors_are_left_to_django() -> None:
    request = RequestFactory().get("/ru/")
    assert _mw().process_exception(request, ValueError("bug")) is None
