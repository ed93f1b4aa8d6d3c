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


def _contains_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_contains_nul(k) or _contains_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_contains_nul(v) for v in value)
    return False


class BadInputMiddleware:
    """Input no database can hold is the caller's mistake, not a fault of the server:
    a NUL character (PostgreSQL text refuses it), a number or date beyond what the database
    or the calendar holds (an id of 30 digits, the year 1 minus a day: OverflowError), or a
    value the database rejects as data (DataError). Answer 422 with the API's envelope, or
    400 on a page; the transaction of the request has been rolled back by then."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_nul(request):
            return self._refuse(request, "请求中含有无效字符（NUL）")
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        # SQLite would store a NUL that PostgreSQL refuses: refuse it on both, before any work
        if "\x00" in request.path or any("\x00" in k + v for k, v in request.GET.items()):
            return True
        if request.method in ("POST", "PUT", "PATCH") and request.content_type == "application/json":
            try:
                body = request.body
            except RequestDataTooBig:
                return False  # the API answers that one itself
            if b"\x00" in body:
                return True
            if b"\\u0000" not in body:
                return False
            try:
                return _contains_nul(json.loads(body))
            except ValueError:
                return False  # not JSON: the API says so itself
        return False

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OverflowError):
            return self._refuse(request, "请求中的数字或日期超出范围")
        if isinstance(exception, DataError):
            return self._refuse(request, "输入的内容无法保存：含有无效字符或超出长度")
        return None

    @staticmethod
    def _refuse(request: HttpRequest, message: str) -> HttpResponse:
        if request.path.startswith("/api/"):
            envelope = {"error": {"code": "invalid", "message": message, "fields": {}}}
            return JsonResponse(envelope, status=422, json_dumps_params={"ensure_ascii": False})
        return render(request, "400.html", {"message": message}, status=400)
