"""The weekly timetable PDF (课表), printed in three copies: teacher, parent, archive.
weasyprint with the CJK font "Noto Sans CJK SC"; loaded only when a PDF is asked for."""

from datetime import date, timedelta

from django.template.loader import render_to_string
from django.utils import timezone

from core.models import Campus

from .selectors import Day

COPIES = ("教员联", "家长联", "存档联")
PARENT_COPY = "家长联"


def copies_for(*, one_student: bool) -> tuple[str, ...]:
    """The copies to print. The parent's copy goes home with a family, so it is printed only
    of one student's week: a week of the campus, a teacher or a room holds other families'
    lessons and is printed for the teacher and the archive only."""
    return COPIES if one_student else tuple(c for c in COPIES if c != PARENT_COPY)


def timetable_pdf(
    *, campus: Campus, monday: date, subject_line: str, days: list[Day], copies: tuple[str, ...] = COPIES
) -> bytes:
    """One page per copy, each with the whole week; `subject_line` says whose timetable."""
    from weasyprint import HTML

    html = render_to_string(
        "scheduling/timetable_pdf.html",
        {
            "campus": campus,
            "monday": monday,
            "sunday": monday + timedelta(days=6),
            "subject_line": subject_line,
            "days": days,
            "copies": copies,
            "printed_at": timezone.localtime(),
        },
    )
    return HTML(string=html).write_pdf()
