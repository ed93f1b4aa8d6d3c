"""Demo cards: one per demo student (numbers 00 8000 0001…), a teacher's card, and a demo
reader. Idempotent: a student or teacher with a card, and a reader already registered,
are left as they are. The reader's token is not printed (make one with register_reader)."""

from core.models import Campus, Staff
from core.roles import Role
from students.models import Student

from .models import Card, Reader
from .services import card_issue, card_issue_teacher, reader_register

DEMO_READER = "前台读卡器（演示）"


def seed(campus: Campus, staff_by_role: dict[str, Staff]) -> str:
    desk = staff_by_role.get(Role.FRONT_DESK)
    if desk is None:
        return "cardreader: no front desk, nothing seeded"
    made = 0
    for n, student in enumerate(Student.objects.filter(campus=campus).order_by("pk")[:20], start=1):
        if Card.objects.filter(student=student).exists():
            continue
        number = f"{80000000 + n:010d}"
        if (
            Card.objects.filter(number_key=f"{80000000 + n:08X}")
            .exclude(status=Card.Status.RETURNED)
            .exists()
        ):
            continue
        card_issue(student=student, card_number=number, chip_uid="", by=desk)
        made += 1
    teacher = staff_by_role.get(Role.TEACHER)
    if teacher is not None and not Card.objects.filter(teacher=teacher).exists():
        card_issue_teacher(teacher=teacher, card_number="0090000001", chip_uid="", by=desk)
        made += 1
    if not Reader.objects.filter(campus=campus, name=DEMO_READER).exists():
        reader_register(name=DEMO_READER, campus=campus)
    return f"cardreader: {made} cards issued (student cards 008000000N, teacher card 0090000001)"
