from django.conf import settings
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


class OutOfRangeInputMiddleware:
    """A number or date in a request beyond what the database or the calendar holds (an id
    of 30 digits, the year 1 minus a day) surfaces as OverflowError wherever it is used. It
    is the caller's input, not a fault: answer 422 with the API's envelope, or 400 on a page."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OverflowError):
            return None
        message = "请求中的数字或日期超出范围"
        if request.path.startswith("/api/"):
            envelope = {"error": {"code": "invalid", "message": message, "fields": {}}}
            return JsonResponse(envelope, status=422, json_dumps_params={"ensure_ascii": False})
        return render(request, "400.html", {"message": message}, status=400)
