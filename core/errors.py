"""The domain error every service raises. The API turns it into the error envelope of
API.md, the pages into a message beside the form. Each app keeps its codes in an enum."""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from enum import StrEnum

from django.db import IntegrityError, transaction


class CoreError(StrEnum):
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    UNAUTHORIZED = "unauthorized"
    CONFLICT = "conflict"


class DomainError(Exception):
    """A refused business action. Nothing has been changed when it is raised."""

    status = 409

    def __init__(self, code: str, message: str, fields: dict[str, str] | None = None, status: int | None = None):
        super().__init__(message)
        self.code = str(code)
        self.message = message
        self.fields = fields or {}
        if status is not None:
            self.status = status

    def as_envelope(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "fields": self.fields}}


class InvalidInput(DomainError):
    status = 422

    def __init__(self, message: str, fields: dict[str, str] | None = None, code: str = CoreError.INVALID):
        super().__init__(code, message, fields)


class Conflict(DomainError):
    status = 409


class NotFound(DomainError):
    status = 404

    def __init__(self, message: str = "记录不存在", code: str = CoreError.NOT_FOUND):
        super().__init__(code, message)


class Forbidden(DomainError):
    status = 403

    def __init__(self, message: str = "您的角色无权执行此操作", code: str = CoreError.FORBIDDEN):
        super().__init__(code, message)


@contextmanager
def conflict_on_integrity(to_conflict: Callable[[IntegrityError], DomainError | None]) -> Iterator[None]:
    """Run a write in a savepoint; if the database refuses it (a unique or exclusion
    constraint caught a race the service's own check could not see), raise the refusal
    `to_conflict` makes of it, so the caller answers the same 409 as its own check.
    `to_conflict` returning None means the violation was not foreseen: it is raised as is."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        error = to_conflict(exc)
        if error is None:
            raise
        raise error from exc


def violated_constraints(exc: IntegrityError, names: Iterable[str]) -> list[str]:
    """Which of the constraint `names` the database named in `exc`."""
    text = str(exc)
    return [name for name in names if name in text]
