"""The domain error every service raises. The API turns it into the error envelope of
API.md, the pages into a message beside the form. Each app keeps its codes in an enum."""

from enum import StrEnum


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
