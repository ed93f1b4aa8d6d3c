import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DataError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation


class CenterLocaleMiddleware(LocaleMiddleware):
    """Chinese unless the person chose English with the switch (a cookie).

    The browser's Accept-Language is ignored on purpose: a front-desk PC set up in
    English must still show the center's Chinese screens.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


def _nul_field(value: object, path: str = "") -> str | None:
    """The dotted path ("guardians.0.phone") of the first string holding a NUL, or None."""
    if isinstance(value, str):
        return (path or "body") if "\x00" in value else None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        here = f"{path}.{key}" if path else str(key)
        if isinstance(key, str) and "\x00" in key:
            return here
        found = _nul_field(item, here)
        if found:
            return found
    return None


class BadInputMiddleware:
    """Input no database can hold is the caller's mistake, not a fault of the server:
    a NUL character (PostgreSQL text refuses it), a number or date beyond what the database
    or the calendar holds (an id of 30 digits, the year 1 minus a day: OverflowError), or a
    value the database rejects as data (DataError). Answer 422 with the API's envelope, or
    400 on a page; the transaction of the request has been rolled back by then."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # SQLite would store a NUL that PostgreSQL refuses: refuse it on both, before any work
        field = self._nul_field(request)
        if field is not None:
            return self._refuse(request, "请求中含有无效字符（NUL）", {field: "含有无效字符"} if field else {})
        return self.get_response(request)

    @staticmethod
    def _nul_field(request: HttpRequest) -> str | None:
        """Where the request holds a NUL character: a parameter's or body field's name,
        "" for the address itself, None when it holds none."""
        if "\x00" in request.path:
            return ""
        for key, value in request.GET.items():
            if "\x00" in key + value:
                return key
        if request.method in ("POST", "PUT", "PATCH") and request.content_type == "application/json":
            try:
                body = request.body
            except RequestDataTooBig:
                return None  # the API answers that one itself
            if b"\\u0000" not in body and b"\x00" not in body:
                return None
            try:
                return _nul_field(json.loads(body))
            except ValueError:
                return None  # not JSON: the API says so itself
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OverflowError):
            return self._refuse(request, "请求中的数字或日期超出范围")
        if isinstance(exception, DataError):
            return self._refuse(request, "输入的内容无法保存：含有无效字符或超出长度")
        return None

    @staticmethod
    def _refuse(request: HttpRequest, message: str, fields: dict[str, str] | None = None) -> HttpResponse:
        if request.path.startswith("/api/"):
            envelope = {"error": {"code": "invalid", "message": message, "fields": fields or {}}}
            return JsonResponse(envelope, status=422, json_dumps_params={"ensure_ascii": False})
        return render(request, "400.html", {"message": message}, status=400)
