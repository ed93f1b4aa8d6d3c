"""Packages, their ledgers and payments of a generated chain (`generate_chain`): each
student used up one 30-lesson package week by week and is part way through a second;
about 50 ledger rows a student. Every hundredth student's second package (the eighth of
each hundred of a campus, so a campus of ten has one too) ran out of its validity last
Sunday with lessons left: the night's expiry sweep has those to write off."""

from datetime import timedelta
from decimal import Decimal

from core.bulkload import Chain, ChainStudent
from core.roles import Role

from .models import LedgerEntry, LessonPackage, Payment, renewal_line_of

FINISHED = (30, Decimal("6000.00"))  # lessons, price
ACTIVE = (48, Decimal("8640.00"))
LAPSED_EVERY, LAPSED_AT = 100, 7  # the students of index 7, 107, …: their second package lapsed


def generate(chain: Chain) -> None:
    packages, ledger, payments = (chain.writer(m) for m in (LessonPackage, LedgerEntry, Payment))
    for student in chain.students:
        desk = chain.staff[student.campus_id][Role.FRONT_DESK][0]
        used_now = chain.rng.randint(chain.RECENT_WEEKS, 30)
        _package(chain, packages, ledger, payments, student, desk, FINISHED, bonus=0,
                 weeks=range(-(used_now + FINISHED[0]), -used_now))
        lapsed = student.index % LAPSED_EVERY == LAPSED_AT
        active = _package(chain, packages, ledger, payments, student, desk, ACTIVE, bonus=chain.rng.choice((0, 2)),
                          weeks=range(-used_now, 0), lapsed=lapsed)
        chain.active_package[student.id] = active
    for writer in (packages, ledger, payments):
        writer.close()


def _package(chain: Chain, packages, ledger, payments, student: ChainStudent, desk: int,
             terms: tuple[int, Decimal], *, bonus: int, weeks: range, lapsed: bool = False) -> int:
    lessons, price = terms
    sold_at = chain.lesson_slot(student, weeks.start)[0] - timedelta(days=3)
    valid_until = (chain.week - timedelta(days=1)).date() if lapsed else sold_at.date() + timedelta(days=365)
    used = len(weeks)
    line = renewal_line_of(lessons + bonus)
    # the week whose lesson left the package at its renewal line (the balance after the
    # i-th use is lessons + bonus − i)
    line_week = weeks.start + lessons + bonus - line - 1
    package_id = packages.add(
        campus_id=student.campus_id, student_id=student.id, course=f"{lessons}课时包", kind=LessonPackage.Kind.ONE_ON_ONE,
        subject_id=chain.subject_of(student), lessons=lessons, bonus_lessons=bonus,
        price=price, paid=price, plan=LessonPackage.Plan.FULL, valid_from=sold_at.date(),
        valid_until=valid_until, lessons_used=used, lessons_left=lessons + bonus - used,
        sold_at=sold_at, line_reached_at=chain.lesson_slot(student, line_week)[0] if line_week in weeks else None,
        created_by_id=desk, created_at=sold_at,
    )
    balance = lessons
    ledger.add(package_id=package_id, kind=LedgerEntry.Kind.BOUGHT, lessons=lessons, balance_after=balance,
               occurred_at=sold_at, created_by_id=desk, created_at=sold_at)
    if bonus:
        balance += bonus
        ledger.add(package_id=package_id, kind=LedgerEntry.Kind.BONUS, lessons=bonus, balance_after=balance,
                   occurred_at=sold_at, created_by_id=desk, created_at=sold_at)
    for week in weeks:
        at = chain.lesson_slot(student, week)[0]
        balance -= 1
        entry = ledger.add(package_id=package_id, kind=LedgerEntry.Kind.USED, lessons=-1, balance_after=balance,
                           occurred_at=at, created_at=at)
        if week >= -chain.RECENT_WEEKS:
            chain.recent_used.append((student, package_id, entry, week))
    payments.add(campus_id=student.campus_id, student_id=student.id, package_id=package_id,
                 purpose=Payment.Purpose.PACKAGE, amount=price, receipt_no=chain.next_receipt(student.campus_id),
                 paid_at=sold_at, created_by_id=desk, created_at=sold_at)
    return package_id
