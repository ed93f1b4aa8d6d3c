"""Error codes of retention (the `code` of the API's error envelope), one block a topic."""

from enum import StrEnum


class RetentionError(StrEnum):
    # --- follow-ups and monthly records ------------------------------------------------
    NOT_OWN_STUDENT = "not_own_student"  # 403: an advisor or teacher acting for someone else's student
    RECORD_EXISTS = "record_exists"  # 409: this month's record is already there
    HOMEWORK_CHECKED = "homework_checked"  # 409
    ALREADY_SHARED = "already_shared"  # 409: already shown to the parent
    # --- end of follow-ups and monthly records -----------------------------------------
