import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DataError
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation

from .validation import text_problem

# No body of the contract nests deeper than a few levels; a deeper one is an attack on the
# parser (Python's json recurses) or on whoever walks the result.
MAX_JSON_DEPTH = 32
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


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


class TooDeep(ValueError):
    pass


def bad_json_field(value: object) -> tuple[str, str] | None:
    """The dotted path ("guardians.0.phone") of the first string (key or value) that
    `core.validation.text_problem` refuses, with the problem; None when every one is text.
    Walks without recursion and refuses (TooDeep) a body nested beyond MAX_JSON_DEPTH."""
    stack: list[tuple[object, str, int]] = [(value, "", 0)]
    while stack:
        item, path, depth = stack.pop()
        if isinstance(item, str):
            problem = text_problem(item)
            if problem:
                return path or "body", problem
            continue
        if isinstance(item, dict):
            children = list(item.items())
        elif isinstance(item, list):
            children = list(enumerate(item))
        else:
            continue
        if depth >= MAX_JSON_DEPTH:
            raise TooDeep(path)
        for key, child in reversed(children):  # reversed: the first bad field in reading order
            here = f"{path}.{key}" if path else str(key)
            problem = text_problem(key) if isinstance(key, str) else None
            if problem:
                return here, problem
            stack.append((child, here, depth + 1))
    return None


def bad_form_field(data: QueryDict) -> tuple[str, str] | None:
    """The name of the first parameter of a query or a form whose name or value
    `core.validation.text_problem` refuses, with the problem."""
    for key, values in data.lists():
        for text in (key, *values):
            problem = text_problem(text)
            if problem:
                return key, problem
    return None


class BadInputMiddleware:
    """Input no database can hold is the caller's mistake, not a fault of the server:
    text `core.validation.text_problem` refuses (a NUL, which PostgreSQL text refuses; a
    lone UTF-16 surrogate, which no encoding holds; a control character), a JSON body
    nested too deep to parse, a body of the API that is not JSON, a number or date beyond
    what the database or the calendar holds (an id of 30 digits, the year 1 minus a day:
    OverflowError), or a value the database rejects as data (DataError). Answer with the
    API's envelope (400, 415 or 422), or a 400 page; the transaction of the request has
    been rolled back by then. The same on SQLite and PostgreSQL, before any work."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self._refusal(request) or self.get_response(request)

    def _refusal(self, request: HttpRequest) -> HttpResponse | None:
        if text_problem(request.path):
            return self._refuse(request, "请求地址中含有无效字符")
        found = bad_form_field(request.GET)
        if found:
            return self._bad_field(request, *found)
        if request.method not in ("POST", "PUT", "PATCH"):
            return None
        if request.content_type == "application/json":
            return self._json_refusal(request)
        if self._is_api(request) and self._has_body(request):
            return self._refuse(
                request, "请求内容须为 JSON（Content-Type: application/json）", status=415,
                code="unsupported_media_type",
            )
        found = bad_form_field(request.POST) if request.content_type in FORM_TYPES else None
        return self._bad_field(request, *found) if found else None

    def _json_refusal(self, request: HttpRequest) -> HttpResponse | None:
        try:
            body = request.body
        except RequestDataTooBig:
            return None  # the API answers that one itself
        if not body:
            return None
        try:
            found = bad_json_field(json.loads(body))
        except (RecursionError, TooDeep):
            return self._refuse(request, "请求内容嵌套过深", status=400, code="bad_request")
        except ValueError:
            return None  # not JSON: the API says so itself
        return self._bad_field(request, *found) if found else None

    @staticmethod
    def _is_api(request: HttpRequest) -> bool:
        return request.path.startswith("/api/")

    @staticmethod
    def _has_body(request: HttpRequest) -> bool:
        try:
            if int(request.META.get("CONTENT_LENGTH") or 0) <= 0:
                return False
        except ValueError:
            return True
        if request.method == "POST" and request.content_type in FORM_TYPES:  # a form with no field is no body
            return bool(request.POST) or bool(request.FILES)
        return True

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OverflowError):
            return self._refuse(request, "请求中的数字或日期超出范围")
        if isinstance(exception, DataError):
            return self._refuse(request, "输入的内容无法保存：含有无效字符或超出长度")
        return None

    def _bad_field(self, request: HttpRequest, field: str, problem: str) -> HttpResponse:
        # the field's own name may be what is bad: never echo what cannot be encoded
        field = "".join(c if c.isprintable() else "?" for c in field)
        return self._refuse(request, f"请求中的“{field}”{problem}", {field: problem})

    def _refuse(
        self,
        request: HttpRequest,
        message: str,
        fields: dict[str, str] | None = None,
        status: int = 422,
        code: str = "invalid",
    ) -> HttpResponse:
        if self._is_api(request):
            envelope = {"error": {"code": code, "message": message, "fields": fields or {}}}
            return JsonResponse(envelope, status=status, json_dumps_params={"ensure_ascii": False})
        return render(request, "400.html", {"message": message}, status=400)


class ContentSecurityPolicyMiddleware:
    """The Content-Security-Policy of every HTML page (settings.CONTENT_SECURITY_POLICY;
    empty: none). django-csp would do the same with a dependency more; a page needs no
    nonce because no template holds inline script or style."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if policy and response.get("Content-Type", "").startswith("text/html"):
            response.headers.setdefault("Content-Security-Policy", policy)
        return response
