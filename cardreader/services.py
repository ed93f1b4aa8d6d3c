"""Readers, cards and swipes: one function per business action.

Locks: a card action locks the card row (SELECT … FOR UPDATE) before it reads its status.
A swipe claims its `swipe_id` first (the unique column makes a concurrent twin wait, then
fail, then read the first answer), locks the card row (so two swipes of one card are
judged one after the other: the repeat guard holds), and leaves the package lock to
billing's `package_deduct`. The deduction runs in a savepoint: a refusal rolls it back and
keeps the swipe row for audit."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from billing.models import LessonPackage, Payment
from billing.services import package_deduct, package_for_checkin, payment_record_other
from core.errors import Conflict, DomainError, InvalidInput
from core.models import Campus, Staff
from core.money import money
from core.roles import Role
from core.services import api_token_issue
from core.validation import date_problem
from scheduling.models import Attendance, Lesson
from scheduling.selectors import lesson_at
from scheduling.services import attendance_record, teacher_clock
from students.models import Student

from .cardids import CardId, parse_card_text
from .errors import CardError
from .models import Card, Reader, Swipe

CARD_DEPOSIT = Decimal("20.00")
REPLACEMENT_FEE = Decimal("20.00")
REPEAT_GUARD = timedelta(seconds=60)
MAX_SWIPE_ID = 64
LOW_LESSONS = 3


@transaction.atomic
def reader_register(*, name: str, campus: Campus) -> tuple[Reader, str]:
    """A reader of `campus` with its own token; the raw token is returned once."""
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput("读卡器名称须为 1–100 个字符", {"name": "格式不正确"})
    if Reader.objects.filter(campus=campus, name=name).exists():
        raise InvalidInput(f"本校区已有名为 {name} 的读卡器", {"name": "已存在"})
    token, raw = api_token_issue(campus=campus, name=f"reader {name}")
    return Reader.objects.create(name=name, campus=campus, token=token), raw


# --- cards -------------------------------------------------------------------------------


def _read(text: str, field: str, *, required: bool) -> CardId | None:
    text = (text or "").strip()
    if not text:
        if required:
            raise InvalidInput("请填写卡号", {field: "必填"}, code=CardError.INVALID_CARD)
        return None
    parsed = parse_card_text(text)
    if parsed is None:
        raise InvalidInput(
            "卡号格式不正确：应为 10 位数字卡号、8 位十六进制芯片号或韦根格式（如 089,47544）",
            {field: "格式不正确"},
            code=CardError.INVALID_CARD,
        )
    if parsed.key is None:
        # a card known only by its Wiegand text: that text is its key; the 24 bits match too
        parsed = CardId(raw=parsed.raw, key=parsed.raw.replace(" ", ""), key24=parsed.key24)
    return parsed


def cards_matching(*, campus: Campus, parsed: CardId) -> Q:
    """The cards of `campus` that the typed `parsed` text may be (any status)."""
    match = Q()
    if parsed.key is not None:
        match |= Q(number_key=parsed.key) | Q(chip_key=parsed.key)
    elif parsed.key24:
        match |= Q(number_key24=parsed.key24) | Q(chip_key24=parsed.key24)
    return Q(campus=campus) & match


def _check_free(number: CardId, chip: CardId | None) -> None:
    """409 card_in_use if the number or chip is on another card that is not returned, at
    any campus (a chip is one physical card), in either field, or in 24 bits (a W26
    reader could not tell the two apart)."""
    live = Card.objects.exclude(status=Card.Status.RETURNED)
    for field, typed in (("card_number", number), ("chip_uid", chip)):
        if typed is None:
            continue
        clash = Q(number_key=typed.key) | Q(chip_key=typed.key)
        if typed.key24:
            clash |= Q(number_key24=typed.key24) | Q(chip_key24=typed.key24)
        if live.filter(clash).exists():
            raise Conflict(
                CardError.CARD_IN_USE, f"{typed.raw} 已在另一张未退的卡上使用", {field: "已被使用"}
            )


def _new_card(
    *,
    campus: Campus,
    student: Student | None,
    teacher: Staff | None,
    number: CardId,
    chip: CardId | None,
    deposit: Decimal,
    by: Staff,
    replaces: Card | None = None,
) -> Card:
    try:
        with transaction.atomic():
            return Card.objects.create(
                campus=campus,
                student=student,
                teacher=teacher,
                card_number=number.raw,
                chip_uid=chip.raw if chip else "",
                number_key=number.key,
                number_key24=number.key24 or "",
                chip_key=chip.key if chip else "",
                chip_key24=(chip.key24 or "") if chip else "",
                deposit=deposit,
                replaces=replaces,
                issued_at=timezone.now(),
                issued_by=by,
            )
    except IntegrityError:
        # a concurrent issue took the number, or the holder's one active card
        if student is not None and Card.objects.filter(student=student, status=Card.Status.ACTIVE).exists():
            raise Conflict(CardError.STUDENT_HAS_CARD, "该学员已有一张使用中的卡")
        raise Conflict(
            CardError.CARD_IN_USE, "该卡号或芯片号已在另一张未退的卡上使用", {"card_number": "已被使用"}
        )


@transaction.atomic
def card_issue(*, student: Student, card_number: str, chip_uid: str = "", by: Staff) -> Card:
    """Give `student` a card against the ¥20 deposit (a billing payment with a receipt).
    Locks the student row so two desks cannot both issue the student's one active card."""
    number = _read(card_number, "card_number", required=True)
    chip = _read(chip_uid, "chip_uid", required=False)
    assert number is not None
    student = Student.objects.select_for_update().get(pk=student.pk)
    if Card.objects.filter(student=student, status=Card.Status.ACTIVE).exists():
        raise Conflict(CardError.STUDENT_HAS_CARD, f"{student.name} 已有一张使用中的卡；丢卡请先挂失再补办")
    _check_free(number, chip)
    card = _new_card(
        campus=student.campus,
        student=student,
        teacher=None,
        number=number,
        chip=chip,
        deposit=CARD_DEPOSIT,
        by=by,
    )
    payment_record_other(
        campus=student.campus,
        student=student,
        purpose=Payment.Purpose.CARD_DEPOSIT,
        amount=CARD_DEPOSIT,
        by=by,
        note=f"学员卡 {card.card_number} 押金",
    )
    return card


@transaction.atomic
def card_issue_teacher(*, teacher: Staff, card_number: str, chip_uid: str = "", by: Staff) -> Card:
    """A teacher's card for clocking in and out. No deposit: it is the school's card."""
    if teacher.role != Role.TEACHER:
        raise InvalidInput("只能给教员发工作卡", {"teacher": "不是教员"})
    number = _read(card_number, "card_number", required=True)
    chip = _read(chip_uid, "chip_uid", required=False)
    assert number is not None
    teacher = Staff.objects.select_for_update().get(pk=teacher.pk)
    if Card.objects.filter(teacher=teacher, status=Card.Status.ACTIVE).exists():
        raise Conflict(CardError.TEACHER_HAS_CARD, f"{teacher.display_name} 已有一张使用中的卡")
    _check_free(number, chip)
    return _new_card(
        campus=teacher.campus,
        student=None,
        teacher=teacher,
        number=number,
        chip=chip,
        deposit=money(0),
        by=by,
    )


def _lock_card(card: Card) -> Card:
    return (
        Card.objects.select_for_update(of=("self",))
        .select_related("student", "teacher", "campus")
        .get(pk=card.pk)
    )


@transaction.atomic
def card_report_lost(*, card: Card, by: Staff) -> Card:
    """挂失: the card stops working at once; a replacement can then be issued."""
    card = _lock_card(card)
    if card.status != Card.Status.ACTIVE:
        raise Conflict(CardError.CARD_NOT_ACTIVE, f"该卡状态为“{card.get_status_display()}”，不能挂失")
    card.status = Card.Status.LOST
    card.lost_at = timezone.now()
    card.lost_by = by
    card.save(update_fields=["status", "lost_at", "lost_by"])
    return card


@transaction.atomic
def card_replace(*, card: Card, card_number: str, chip_uid: str = "", by: Staff) -> Card:
    """补卡: a new active card for the holder of a lost one, against the ¥20 fee (a student
    card; a teacher's card is free). The deposit moves to the new card."""
    number = _read(card_number, "card_number", required=True)
    chip = _read(chip_uid, "chip_uid", required=False)
    assert number is not None
    old = _lock_card(card)
    if old.status != Card.Status.LOST:
        raise Conflict(CardError.CARD_NOT_LOST, "只有已挂失的卡才能补办，请先挂失")
    if Card.objects.filter(replaces=old).exists():
        raise Conflict(CardError.CARD_NOT_LOST, "这张挂失卡已经补办过")
    holder = Q(student=old.student) if old.student_id else Q(teacher=old.teacher)
    if Card.objects.filter(holder, status=Card.Status.ACTIVE).exists():
        raise Conflict(CardError.STUDENT_HAS_CARD, "持卡人已有一张使用中的卡")
    _check_free(number, chip)
    deposit = old.deposit
    old.deposit = money(0)
    old.save(update_fields=["deposit"])
    new = _new_card(
        campus=old.campus,
        student=old.student,
        teacher=old.teacher,
        number=number,
        chip=chip,
        deposit=deposit,
        by=by,
        replaces=old,
    )
    if old.student_id:
        payment_record_other(
            campus=old.campus,
            student=old.student,
            purpose=Payment.Purpose.CARD_FEE,
            amount=REPLACEMENT_FEE,
            by=by,
            note=f"补卡 {new.card_number}（原卡 {old.card_number}）工本费",
        )
    return new


@transaction.atomic
def card_return(*, card: Card, by: Staff) -> tuple[Card, Decimal]:
    """退卡 (at graduation): the card is returned and the deposit it holds given back.
    A lost card found again may be returned too. Returns the card and the amount refunded."""
    card = _lock_card(card)
    if card.status == Card.Status.RETURNED:
        raise Conflict(CardError.CARD_RETURNED, "该卡已退")
    refund = card.deposit
    card.status = Card.Status.RETURNED
    card.returned_at = timezone.now()
    card.returned_by = by
    card.deposit = money(0)
    card.save(update_fields=["status", "returned_at", "returned_by", "deposit"])
    if refund > 0 and card.student_id:
        payment_record_other(
            campus=card.campus,
            student=card.student,
            purpose=Payment.Purpose.CARD_DEPOSIT_REFUND,
            amount=refund,
            by=by,
            note=f"退学员卡 {card.card_number} 押金",
        )
    return card, refund


# --- swipes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SwipeAnswer:
    """What the API answers: the status and the body (stored with the swipe)."""

    status: int
    body: dict[str, Any]
    swipe: Swipe | None
    replayed: bool = False


class _Refused(Exception):
    def __init__(self, error: DomainError, card: Card | None = None, extra: dict[str, Any] | None = None):
        super().__init__(error.message)
        self.error = error
        self.card = card
        self.extra = extra or {}


def swipe_validate(*, swipe_id: str, card: str, swiped_at: datetime | None, lesson_kind: str | None) -> None:
    """422 for a malformed swipe (not stored: it has no trustworthy id to store it under)."""
    fields: dict[str, str] = {}
    if not swipe_id or not swipe_id.strip() or len(swipe_id) > MAX_SWIPE_ID or "\x00" in swipe_id:
        fields["swipe_id"] = "须为 1–64 个字符"
    if not card or not card.strip() or len(card) > 64 or "\x00" in card:
        fields["card"] = "须为 1–64 个字符"
    if lesson_kind is not None and lesson_kind not in Lesson.Kind.values:
        fields["lesson_kind"] = "只能是 main 或 practice"
    if swiped_at is not None and timezone.is_naive(swiped_at):
        fields["swiped_at"] = "须带时区，例如 +08:00"
    if fields:
        raise InvalidInput("刷卡数据不完整或格式不正确", fields)


def _card_for(*, campus: Campus, text: str) -> Card:
    """The card `text` names at `campus`, locked. Prefers an active card when a returned
    card had the same number before."""
    parsed = parse_card_text(text)
    if parsed is None:
        raise _Refused(Conflict(CardError.UNKNOWN_CARD, "无法识别的卡，请到前台登记"))
    candidates = list(
        Card.objects.select_for_update(of=("self",))
        .select_related("student", "teacher__user")
        .filter(cards_matching(campus=campus, parsed=parsed))
        .order_by("pk")
    )
    if not candidates:
        raise _Refused(Conflict(CardError.UNKNOWN_CARD, "无法识别的卡，请到前台登记"))
    order = {Card.Status.ACTIVE: 0, Card.Status.LOST: 1, Card.Status.RETURNED: 2}
    return min(candidates, key=lambda c: (order[c.status], -c.pk))


def _student_out(student: Student) -> dict[str, Any]:
    return {"id": student.pk, "name": student.name}


def _warnings(package: LessonPackage) -> list[dict[str, str]]:
    warnings = []
    if package.lessons_left <= LOW_LESSONS:
        warnings.append({"code": "renewal", "message": f"仅剩 {package.lessons_left} 课时，请提醒家长续费"})
    if package.balance_due > 0:
        warnings.append({"code": "payment_due", "message": f"尚欠学费 ¥{package.balance_due:.2f}"})
    return warnings


def _checkin(
    *, card: Card, at: datetime, lesson_kind: str | None, by: Staff | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Deduct one lesson for a student card's swipe. Returns the body and the links."""
    student = card.student
    assert student is not None
    guard = Swipe.objects.filter(
        card=card, result=Swipe.Result.CHECKED_IN, swiped_at__range=(at - REPEAT_GUARD, at + REPEAT_GUARD)
    )
    if guard.exists():
        raise _Refused(
            Conflict(CardError.DUPLICATE_SWIPE, f"{student.name} 一分钟内已刷卡签到，未重复扣课"),
            card,
            {"student": _student_out(student)},
        )
    lesson = lesson_at(student=student, at=at, lesson_kind=lesson_kind)
    kind = lesson_kind or (lesson.lesson_kind if lesson else Lesson.Kind.MAIN)
    try:
        package = package_for_checkin(student=student, at=at, preferred=lesson.package if lesson else None)
        entry = package_deduct(package=package, at=at, by=by, reason="刷卡签到")
    except DomainError as exc:
        raise _Refused(exc, card, {"student": _student_out(student)})
    attendance = attendance_record(
        student=student,
        package=package,
        ledger_entry=entry,
        at=at,
        by=by,
        source=Attendance.Source.SWIPE,
        lesson=lesson,
        lesson_kind=kind,
    )
    body = {
        "result": Swipe.Result.CHECKED_IN.value,
        "student": _student_out(student),
        "package_id": package.pk,
        "lessons_left": package.lessons_left,
        "attendance_id": attendance.pk,
        "package": {
            "id": package.pk,
            "course": package.course,
            "lessons_used": package.lessons_used,
            "lessons_left": package.lessons_left,
            "valid_until": package.valid_until.isoformat(),
            "balance_due": f"{package.balance_due:.2f}",
        },
        "lesson": (
            {
                "id": lesson.pk,
                "starts_at": timezone.localtime(lesson.starts_at).isoformat(),
                "lesson_kind": kind,
            }
            if lesson
            else None
        ),
        "warnings": _warnings(package),
    }
    return body, {"ledger_entry": entry, "attendance": attendance}


def _judge(
    *,
    campus: Campus,
    card_text: str,
    at: datetime,
    now: datetime,
    lesson_kind: str | None,
    reader: Reader | None,
    by: Staff | None,
) -> tuple[Card, dict[str, Any], dict[str, Any]]:
    if problem := date_problem("swipe", at, now=now):
        raise _Refused(
            InvalidInput(
                f"刷卡时间{problem}",
                {"swiped_at": "超出范围"},
                code=CardError.SWIPED_AT_OUT_OF_RANGE,
            )
        )
    card = _card_for(campus=campus, text=card_text)
    holder = {"student": _student_out(card.student)} if card.student_id else {}
    if card.status == Card.Status.LOST:
        raise _Refused(Conflict(CardError.CARD_LOST, "此卡已挂失，不能使用"), card, holder)
    if card.status == Card.Status.RETURNED:
        raise _Refused(Conflict(CardError.CARD_RETURNED, "此卡已退，不能使用"), card, holder)
    if card.teacher_id:
        assert card.teacher is not None
        clock = teacher_clock(teacher=card.teacher, at=at, source=reader.name if reader else "前台")
        result = Swipe.Result.CLOCK_IN if clock.kind == "in" else Swipe.Result.CLOCK_OUT
        body = {
            "result": result.value,
            "teacher": {"id": card.teacher.pk, "name": card.teacher.display_name},
            "at": timezone.localtime(at).isoformat(),
        }
        return card, body, {"clock": clock}
    body, links = _checkin(card=card, at=at, lesson_kind=lesson_kind, by=by)
    return card, body, links


def _replay(swipe_id: str, campus: Campus) -> SwipeAnswer:
    first = Swipe.objects.get(swipe_id=swipe_id)
    if first.campus_id != campus.pk:
        # never hand one campus's answer (a student's name) to another
        raise Conflict(CardError.SWIPE_ID_IN_USE, "该 swipe_id 已被其他校区使用", {"swipe_id": "已被使用"})
    status = 200 if first.http_status < 300 else first.http_status
    return SwipeAnswer(status=status, body=first.response, swipe=first, replayed=True)


def swipe_record(
    *,
    swipe_id: str,
    card: str,
    campus: Campus,
    swiped_at: datetime | None = None,
    lesson_kind: str | None = None,
    reader: Reader | None = None,
    by: Staff | None = None,
) -> SwipeAnswer:
    """One swipe of a card at `campus`, judged at `swiped_at` (default now), in one short
    transaction. Idempotent by `swipe_id`: the same id again gets the first answer back
    (status 200 for an accepted swipe, the first status for a refusal), and nothing is
    deducted again. Every swipe with a well-formed body is stored, accepted or refused.
    A malformed one raises InvalidInput (422) and is not stored."""
    swipe_validate(swipe_id=swipe_id, card=card, swiped_at=swiped_at, lesson_kind=lesson_kind)
    swipe_id = swipe_id.strip()
    card_text = card.strip()
    now = timezone.now()
    at = swiped_at or now
    readable = date_problem("swipe", at, now=now) is None
    previous = Swipe.objects.filter(swipe_id=swipe_id).first()
    if previous is not None:
        return _replay(swipe_id, campus)
    try:
        with transaction.atomic():
            # Claim the id first: a concurrent swipe with the same id waits on the unique
            # index until this commits, then fails and reads this answer.
            swipe = Swipe.objects.create(
                swipe_id=swipe_id,
                campus=campus,
                reader=reader,
                staff=by,
                card_text=card_text[:64],
                lesson_kind=lesson_kind or "",
                swiped_at=at if readable else now,
                swiped_at_text="" if readable else at.isoformat()[:64],
                result=Swipe.Result.REFUSED,
                http_status=500,
                response={},
            )
            try:
                with transaction.atomic():  # savepoint: a refusal undoes the deduction only
                    found, body, links = _judge(
                        campus=campus,
                        card_text=card_text,
                        at=at,
                        now=now,
                        lesson_kind=lesson_kind,
                        reader=reader,
                        by=by,
                    )
                swipe.card = found
                swipe.result = body["result"]
                swipe.http_status = 201
                swipe.response = body
                for name, value in links.items():
                    setattr(swipe, name, value)
            except (_Refused, DomainError) as exc:
                # a DomainError not turned into a refusal above (say, a teacher's clock
                # refused) is a refusal all the same: stored, answered, nothing changed
                refused = exc if isinstance(exc, _Refused) else _Refused(exc)
                swipe.card = refused.card
                swipe.code = refused.error.code
                swipe.http_status = refused.error.status
                swipe.response = {**refused.error.as_envelope(), **refused.extra}
            swipe.save(
                update_fields=[
                    "card",
                    "result",
                    "code",
                    "http_status",
                    "response",
                    "ledger_entry",
                    "attendance",
                    "clock",
                ]
            )
    except IntegrityError:
        if Swipe.objects.filter(swipe_id=swipe_id).exists():
            return _replay(swipe_id, campus)
        raise
    return SwipeAnswer(status=swipe.http_status, body=swipe.response, swipe=swipe)


# --- manual check-in ---------------------------------------------------------------------


@transaction.atomic
def checkin_manual(
    *, package: LessonPackage, reason: str, by: Staff, at: datetime | None = None
) -> Attendance:
    """手工扣课 at the front desk when a swipe cannot deduct (card forgotten, reader down):
    one lesson of `package` under the same rules as a swipe (billing's `package_deduct`
    locks the package), with the reason on record, and the check-in (attendance) noted."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("手工扣课必须填写原因", {"reason": "必填"})
    if len(reason) > 200:
        raise InvalidInput("原因最多 200 字", {"reason": "过长"})
    at = at or timezone.now()
    student = package.student
    lesson = lesson_at(student=student, at=at)
    entry = package_deduct(package=package, at=at, by=by, reason=reason)
    return attendance_record(
        student=student,
        package=package,
        ledger_entry=entry,
        at=at,
        by=by,
        source=Attendance.Source.MANUAL,
        lesson=lesson if lesson is not None and lesson.package_id in (None, package.pk) else None,
        lesson_kind=lesson.lesson_kind if lesson else Lesson.Kind.MAIN,
    )
