"""The kit every app's api.py builds its endpoints with: bearer and session auth, the
error envelope of API.md, role checks and list pagination. Campus scoping is
`core.scoping` (re-exported here). The endpoints themselves live in each app's api.py
(core's own in core/api.py); tutoring/api.py mounts them."""

import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import SuspiciousOperation
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth

from .errors import CoreError, DomainError, Forbidden
from .models import ApiToken, Staff, hash_token
from .roles import allows
from .scoping import get_scoped_or_404, scope

__all__ = [
    "ERRORS",
    "ErrorOut",
    "build_api",
    "caller_staff",
    "fields_of",
    "get_scoped_or_404",
    "local_time",
    "paginate",
    "require_allowed",
    "require_role",
    "scope",
    "username_of",
]

logger = logging.getLogger(__name__)

MAX_LIMIT = 1000
DEFAULT_LIMIT = 50
MAX_OFFSET = 10**12  # past any real list; a larger one overflows the database's integers
MAX_TOKEN_LENGTH = 200

# A text field of a request body that the service judges: missing, null and blank all
# reach the service, so a refusal is the service's own message beside its field.
TEXT = str | None


class ErrorOut(Schema):
    """The error envelope of API.md: {"error": {"code", "message", "fields"}}."""

    error: dict[str, Any]


# every error an endpoint may answer, for the `response=` of one that can meet them all
ERRORS = {status: ErrorOut for status in (400, 401, 403, 404, 409, 422)}


class BearerToken(HttpBearer):
    """A staff or reader token from the commands. Sets request.staff, request.reader, request.campus."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        if not token or len(token) > MAX_TOKEN_LENGTH:
            return None
        found = (
            ApiToken.objects.select_related("campus", "staff__user", "staff__campus", "reader")
            .filter(key_hash=hash_token(token), revoked_at__isnull=True)
            .first()
        )
        if found is None:
            return None
        if found.staff is not None and not found.staff.user.is_active:
            return None
        request.staff = found.staff
        if found.staff is not None:
            # so django-simple-history records who made the change through the API
            request.user = found.staff.user
        request.reader = getattr(found, "reader", None) if found.kind == ApiToken.Kind.READER else None
        request.campus = found.staff.campus if found.staff else found.campus
        now = timezone.now()
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        return found


class StaffSession(SessionAuth):
    """A signed-in member of staff in the browser (the kiosk page, htmx); CSRF checked."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if not user.is_authenticated:
            return None
        staff = Staff.objects.select_related("campus", "user").filter(user=user).first()
        if staff is None:
            return None
        request.staff = staff
        request.reader = None
        request.campus = staff.campus
        return user


def _envelope(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _field_name(loc: Sequence[Any]) -> str:
    # ninja's locations start with the source ("body", "query", …) and the parameter name
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie", "form"}:
        parts = parts[1:]
        if len(parts) > 1 and parts[0] in {"payload", "data", "body", "filters", "params"}:
            parts = parts[1:]
    return ".".join(parts) or "body"


def _validation_message(error: dict) -> str:
    kind = error.get("type", "")
    if kind == "missing":
        return "必填"
    if kind.startswith("string_too_long"):
        return "内容过长"
    msg = str(error.get("msg", "格式不正确"))
    return msg.removeprefix("Value error, ")


def build_api(**kwargs: Any) -> NinjaAPI:
    api = NinjaAPI(
        title="Tutoring center API",
        version="1",
        urls_namespace="api",
        auth=[BearerToken(), StaffSession()],
        **kwargs,
    )

    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return api.create_response(request, exc.as_envelope(), status=exc.status)

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields: dict[str, str] = {}
        for error in exc.errors:
            fields.setdefault(_field_name(error.get("loc", ())), _validation_message(error))
        message = "输入有误：" + "，".join(f"{k}（{v}）" for k, v in fields.items())
        return api.create_response(request, _envelope(CoreError.INVALID, message, fields), status=422)

    @api.exception_handler(AuthenticationError)
    def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request, _envelope(CoreError.UNAUTHORIZED, "缺少或无效的令牌"), status=401
        )

    @api.exception_handler(AuthorizationError)
    def forbidden(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
        return api.create_response(request, _envelope(CoreError.FORBIDDEN, "无权执行此操作"), status=403)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        codes = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}
        code = codes.get(exc.status_code, "error")
        message = "请求内容不是有效的 JSON" if exc.status_code == 400 else str(exc)
        return api.create_response(request, _envelope(code, message), status=exc.status_code)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, _envelope(CoreError.NOT_FOUND, "记录不存在"), status=404)

    @api.exception_handler(SuspiciousOperation)
    def suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        return api.create_response(request, _envelope("bad_request", "请求无效或过大"), status=400)

    return api


# --- Helpers the endpoints call --------------------------------------------------------


def require_role(request: HttpRequest, *roles: str) -> Staff:
    """The calling staff member, if their role is one of `roles` (exactly: hq_admin only
    if listed); else 403. A reader token is refused."""
    staff: Staff | None = getattr(request, "staff", None)
    if staff is None or staff.role not in roles:
        raise Forbidden()
    return staff


def require_allowed(request: HttpRequest, roles: Iterable[str]) -> Staff:
    """The calling staff member, if an app's role table (`<app>/roles.py`) lets their role
    do the action: `roles` or hq_admin, exactly as the pages' `staff_required` judges;
    else 403. A reader token is refused."""
    staff: Staff | None = getattr(request, "staff", None)
    if staff is None or not allows(roles, staff.role):
        raise Forbidden()
    return staff


def caller_staff(request: HttpRequest) -> Staff:
    """The calling staff member; a reader token is refused here (403)."""
    staff: Staff | None = getattr(request, "staff", None)
    if staff is None:
        raise Forbidden("读卡器令牌不能执行此操作")
    return staff


def paginate(
    queryset: QuerySet | Sequence,
    limit: int | None,
    offset: int | None,
    out: Callable[[Any], Any] | None = None,
) -> dict[str, Any]:
    """The list envelope of API.md: {"items": [...], "count": total}; each item passed
    through `out` (the endpoint's serialiser) when one is given."""
    limit = DEFAULT_LIMIT if limit is None else max(0, min(limit, MAX_LIMIT))
    offset = min(max(0, offset or 0), MAX_OFFSET)
    count = queryset.count() if isinstance(queryset, QuerySet) else len(queryset)
    items = list(queryset[offset : offset + limit])
    return {"items": [out(item) for item in items] if out else items, "count": count}


def local_time(moment: datetime | None) -> datetime | None:
    """A moment as the API gives it: with the campus offset (+08:00), API.md."""
    return timezone.localtime(moment) if moment is not None else None


def username_of(staff: Staff | None) -> str | None:
    """How the API names a member of staff: their username (none: null)."""
    return staff.username if staff is not None else None


def fields_of(schema: type[Schema], obj: Any, **given: Any) -> dict[str, Any]:
    """The payload of `obj` an endpoint answers with `schema`: each field the schema names,
    read off `obj` under the same name (a moment at the campus offset, `local_time`), but
    for the fields the endpoint works out itself and passes in `given`."""
    data: dict[str, Any] = {}
    for name in schema.model_fields:
        value = given[name] if name in given else getattr(obj, name)
        data[name] = local_time(value) if isinstance(value, datetime) else value
    return data
