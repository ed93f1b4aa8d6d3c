"""Lessons of a generated chain (`generate_chain`): each student's weekly 1-on-1 lesson of
the last four weeks, checked in by card (its attendance on the ledger entry that billing's
generator wrote), and of the next two weeks, scheduled."""

from datetime import timedelta

from core.bulkload import Chain, ChainStudent
from core.roles import Role

from .models import Attendance, Lesson, Room

UPCOMING_WEEKS = 2


def generate(chain: Chain) -> None:
    rooms, lessons, attendances = (chain.writer(m) for m in (Room, Lesson, Attendance))
    for campus_id in chain.campuses:
        for n in range(1, 6):
            rooms.add(campus_id=campus_id, name=f"{n}号琴房")
    for student, package_id, entry_id, week in chain.recent_used:
        lesson_id = _lesson(chain, lessons, student, package_id, week)
        start = chain.lesson_slot(student, week)[0]
        attendances.add(campus_id=student.campus_id, student_id=student.id, lesson_id=lesson_id, package_id=package_id,
                        ledger_entry_id=entry_id, checked_in_at=start - timedelta(minutes=5),
                        source=Attendance.Source.SWIPE, created_at=start)
    for student in chain.students:
        for week in range(1, UPCOMING_WEEKS + 1):
            _lesson(chain, lessons, student, chain.active_package[student.id], week)
    for writer in (rooms, lessons, attendances):
        writer.close()


def _lesson(chain: Chain, lessons, student: ChainStudent, package_id: int, week: int) -> int:
    start, teacher = chain.lesson_slot(student, week)
    dean = chain.staff[student.campus_id][Role.DEAN][0]
    return lessons.add(
        campus_id=student.campus_id, student_id=student.id,
        teacher_id=chain.staff[student.campus_id][Role.TEACHER][teacher],
        subject_id=chain.subject_of(student), package_id=package_id,
        starts_at=start, ends_at=start + timedelta(hours=1), created_by_id=dean, created_at=start - timedelta(days=7),
    )
