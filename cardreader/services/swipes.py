"""Readers and swipes: one function per business action.

Locks: a swipe is judged and stored in one transaction: it locks the card row (so two
swipes of one card are judged one after the other: the repeat guard holds), the student's
packages (billing's `package_for_checkin`; a group class's own package, that one) and
deducts from the package so locked, then stores itself with its answer. The unique
`swipe_id`, written last, makes a concurrent twin wait, fail (its work rolled back) and
read the first answer. A refusal rolls the transaction back (nothing it wrote stays) and
the swipe is stored with its refusal.

The order is a check-in's (scheduling.services.checkin.session_tick_lock): the card, the
package(s), then the rows written. The desk's tick of a group member takes the session's
row before the package, in a mode that the attendance's foreign key (its share of that row)
never waits for, so a swipe holding the package is never stopped by a tick."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from billing.errors import BillingError
from billing.models import LessonPackage
from billing.services import lesson_refusal, package_for_checkin
from core.errors import Conflict, DomainError, InvalidInput
from core.models import Campus, Staff
from core.services import api_token_issue
from core.validation import date_problem
from scheduling.models import Attendance, GroupSession, Lesson, TeacherClock
from scheduling.selectors import booking_at
from scheduling.services import lesson_checkin, teacher_clock
from students.models import Student

from ..cardids import parse_card_text
from ..errors import CardError
from ..models import Card, Reader, Swipe
from .cards import cards_matching

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


def swipe_validate(
    *, swipe_id: str, card: str, swiped_at: datetime | None, lesson_kind: str | None, clock: str | None = None
) -> None:
    """422 for a malformed swipe (not stored: it has no trustworthy id to store it under)."""
    fields: dict[str, str] = {}
    if not swipe_id or not swipe_id.strip() or len(swipe_id) > MAX_SWIPE_ID or "\x00" in swipe_id:
        fields["swipe_id"] = "须为 1–64 个字符"
    if not card or not card.strip() or len(card) > 64 or "\x00" in card:
        fields["card"] = "须为 1–64 个字符"
    if lesson_kind is not None and lesson_kind not in Lesson.Kind.values:
        fields["lesson_kind"] = "只能是 main 或 practice"
    if clock is not None and clock not in TeacherClock.Kind.values:
        fields["clock"] = "只能是 in 或 out"
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


ACCEPTED = (Swipe.Result.CHECKED_IN, Swipe.Result.CLOCK_IN, Swipe.Result.CLOCK_OUT)


def is_repeat_swipe(*, card: Card, at: datetime) -> bool:
    """The repeat guard: a swipe of `card` within 60 seconds (inclusive, before or after,
    judged at `at`, the swipe's own time) of one of its swipes that was accepted (a lesson
    deducted, a teacher clocked) is the same swipe and does nothing. A card's swipes are
    judged one after the other (the caller holds the card's row lock), so two quick swipes
    cannot both pass."""
    return Swipe.objects.filter(
        card=card, result__in=ACCEPTED, swiped_at__range=(at - REPEAT_GUARD, at + REPEAT_GUARD)
    ).exists()


def _already_checked_in(
    *, campus: Campus, student: Student, booked: Lesson | GroupSession | None, kind: str, at: datetime
) -> Attendance | None:
    """The earlier check-in that makes this swipe the same visit, or None.

    A scheduled lesson or group session that explains the swipe (`booked`) is charged
    once: this student's check-in of it, if any.
    Without one, a child who swiped on arriving swipes again on leaving: a swipe check-in
    of the same kind less than the campus's repeat window before `at` is that visit
    (API.md § Swipes: the window runs back from `swiped_at`; the reader agent sends its
    queue in order, so an arrival reaches the server before its departure). A manual
    check-in is the desk's own decision (a real second lesson) and does not count."""
    if booked is not None:
        if not booked.checked_in:  # type: ignore[union-attr]  (booking_at's annotation)
            return None
        on = {"lesson": booked} if isinstance(booked, Lesson) else {"session": booked}
        return Attendance.objects.filter(student=student, **on).order_by("checked_in_at", "pk").first()
    window = timedelta(minutes=campus.repeat_window_minutes)
    return (
        Attendance.objects.filter(
            student=student,
            lesson_kind=kind,
            source=Attendance.Source.SWIPE,
            checked_in_at__gt=at - window,
            checked_in_at__lte=at,
        )
        .order_by("-checked_in_at", "-pk")
        .first()
    )


def _already_checked_in_refusal(card: Card, earlier: Attendance, booked: Lesson | GroupSession | None) -> _Refused:
    student = card.student
    assert student is not None
    when = timezone.localtime(earlier.checked_in_at)
    what = f"本节课（{timezone.localtime(booked.starts_at):%H:%M} 开始）" if booked else ""
    message = (
        f"{student.name} {what}已于 {when:%m-%d %H:%M} 签到，本次未扣课；"
        "如确需再上一节课，请到前台手工扣课"
    )
    return _Refused(
        Conflict(CardError.ALREADY_CHECKED_IN, message),
        card,
        {
            "student": _student_out(student),
            "earlier_checkin": {"attendance_id": earlier.pk, "checked_in_at": when.isoformat()},
        },
    )


KIND_CHOICES = [
    {"value": Lesson.Kind.MAIN.value, "label": "主课", "key": "1"},
    {"value": Lesson.Kind.PRACTICE.value, "label": "陪练", "key": "2"},
]


def usable_lesson_kinds(*, student: Student, at: datetime) -> set[str]:
    """The lesson kinds (main, practice) of which `student` has a usable 1-on-1 package at `at`."""
    packages = LessonPackage.objects.filter(
        student=student, kind=LessonPackage.Kind.ONE_ON_ONE, refunded_at__isnull=True, lessons_left__gt=0
    )
    return {p.lesson_kind for p in packages if lesson_refusal(p, at) is None}


def _kind_question(card: Card, student: Student) -> _Refused:
    """The kiosk asks 主课 / 陪练 (`ask_kind`): nothing is deducted, the kiosk posts the
    swipe again (a new swipe_id, the same swiped_at) with the `lesson_kind` chosen."""
    return _Refused(
        Conflict(CardError.LESSON_KIND_REQUIRED, f"{student.name} 有主课和陪练两种课时，请选择本次是主课还是陪练"),
        card,
        {"student": _student_out(student), "choices": KIND_CHOICES},
    )


def _checkin(
    *, card: Card, campus: Campus, at: datetime, lesson_kind: str | None, by: Staff | None, ask_kind: bool = False
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Deduct one lesson for a student card's swipe. Returns the body and the links.
    With `ask_kind` (the kiosk) and no `lesson_kind`, a swipe that no scheduled lesson or
    session explains, of a student with usable main and practice packages, is answered
    with the question (409 lesson_kind_required) instead of a main lesson."""
    student = card.student
    assert student is not None
    booked = booking_at(student=student, at=at, lesson_kind=lesson_kind)
    lesson = booked if isinstance(booked, Lesson) else None
    session = booked if isinstance(booked, GroupSession) else None
    undecided = booked is None and lesson_kind is None and ask_kind
    if undecided and len(usable_lesson_kinds(student=student, at=at)) > 1:
        raise _kind_question(card, student)
    kind = lesson_kind or (lesson.lesson_kind if lesson else Lesson.Kind.MAIN)
    earlier = _already_checked_in(campus=campus, student=student, booked=booked, kind=kind, at=at)
    if earlier is not None:
        raise _already_checked_in_refusal(card, earlier, booked)
    try:
        if session is not None and session.member_package_id:  # type: ignore[attr-defined]
            # the package of that class, and no other: package_deduct says why if it cannot
            package = LessonPackage.objects.select_for_update(of=("self",)).get(
                pk=session.member_package_id  # type: ignore[attr-defined]
            )
        else:
            package = package_for_checkin(  # locks the student's packages
                student=student, at=at, preferred=lesson.package if lesson else None, lesson_kind=kind,
                kind=LessonPackage.Kind.GROUP if session else LessonPackage.Kind.ONE_ON_ONE,
            )
        attendance = lesson_checkin(
            student=student, package=package, at=at, by=by, source=Attendance.Source.SWIPE, lesson=lesson,
            lesson_kind=kind, session=session, locked=True,
        )
    except DomainError as exc:
        raise _Refused(exc, card, {"student": _student_out(student)})
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
        "session": (
            {
                "id": session.pk,
                "group": {"id": session.group_id, "name": session.group.name},
                "starts_at": timezone.localtime(session.starts_at).isoformat(),
            }
            if session
            else None
        ),
        "warnings": _warnings(package),
    }
    return body, {"ledger_entry": attendance.ledger_entry, "attendance": attendance}


def _judge(
    *,
    campus: Campus,
    card_text: str,
    at: datetime,
    now: datetime,
    lesson_kind: str | None,
    clock_kind: str | None,
    reader: Reader | None,
    by: Staff | None,
    ask_kind: bool = False,
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
    if is_repeat_swipe(card=card, at=at):
        message = (
            f"{card.student.name} 一分钟内已刷卡签到，未重复扣课"
            if card.student_id
            else f"{card.teacher.display_name} 一分钟内已打卡，未重复记录"
        )
        raise _Refused(Conflict(CardError.DUPLICATE_SWIPE, message), card, holder)
    if card.teacher_id:
        assert card.teacher is not None
        clock = teacher_clock(
            teacher=card.teacher, at=at, source=reader.name if reader else "前台", kind=clock_kind
        )
        result = Swipe.Result.CLOCK_IN if clock.kind == "in" else Swipe.Result.CLOCK_OUT
        body = {
            "result": result.value,
            "teacher": {"id": card.teacher.pk, "name": card.teacher.display_name},
            "at": timezone.localtime(at).isoformat(),
        }
        return card, body, {"clock": clock}
    body, links = _checkin(card=card, campus=campus, at=at, lesson_kind=lesson_kind, by=by, ask_kind=ask_kind)
    return card, body, links


def next_steps(refused: _Refused, card_text: str) -> list[dict[str, str]]:
    """What the desk does next about a refusal, as links the kiosk shows (labels in
    Chinese): 补交 the package's payment form, 续费 a new package, 办卡 an unknown card,
    补卡 a lost one, 手工扣课 a real second lesson."""
    code = refused.error.code
    student = refused.card.student if refused.card is not None else None
    steps: list[dict[str, str]] = []
    if code == CardError.UNKNOWN_CARD:
        steps.append({"action": "issue_card", "label": "办卡", "url": reverse("cardreader:cards")})
    elif code == CardError.CARD_LOST and refused.card is not None:
        replace = reverse("cardreader:card_replace", args=[refused.card.pk])
        steps.append({"action": "replace_card", "label": "补卡", "url": replace})
    if student is None:
        return steps
    package_id = getattr(refused.error, "package_id", None)
    if code == BillingError.PAYMENT_DUE and package_id:
        steps.append({"action": "pay", "label": "补交", "url": reverse("billing:package", args=[package_id]) + "#pay"})
    if code in (BillingError.NO_PACKAGE, BillingError.NO_LESSONS_LEFT, BillingError.PACKAGE_EXPIRED):
        steps.append({"action": "renew", "label": "续费", "url": reverse("billing:package_new", args=[student.pk])})
    if code == CardError.ALREADY_CHECKED_IN:
        deduct = f"{reverse('cardreader:deduct')}?{urlencode({'q': card_text})}"
        steps.append({"action": "manual_deduction", "label": "手工扣课", "url": deduct})
    return steps


def _replay(first: Swipe, campus: Campus) -> SwipeAnswer:
    if first.campus_id != campus.pk:
        # never hand one campus's answer (a student's name) to another
        raise Conflict(CardError.SWIPE_ID_IN_USE, "该 swipe_id 已被其他校区使用", {"swipe_id": "已被使用"})
    status = 200 if first.http_status < 300 else first.http_status
    return SwipeAnswer(status=status, body=first.response, swipe=first, replayed=True)


def _replay_of_twin(swipe_id: str, campus: Campus, exc: IntegrityError) -> SwipeAnswer:
    """The store refused: a twin (the same swipe_id) was stored first; its answer is this one's."""
    first = Swipe.objects.filter(swipe_id=swipe_id).first()
    if first is None:
        raise exc
    return _replay(first, campus)


def swipe_record(
    *,
    swipe_id: str,
    card: str,
    campus: Campus,
    swiped_at: datetime | None = None,
    lesson_kind: str | None = None,
    clock: str | None = None,
    reader: Reader | None = None,
    by: Staff | None = None,
    ask_kind: bool = False,
) -> SwipeAnswer:
    """One swipe of a card at `campus`, judged at `swiped_at` (default now), in one short
    transaction: the time window, the card (`cards_matching`) and its status, the repeat
    guard (`is_repeat_swipe`), then a teacher's clock or a student's check-in. Idempotent by `swipe_id`: the same id again gets the first answer back
    (status 200 for an accepted swipe, the first status for a refusal), and nothing is
    deducted again. Every swipe with a well-formed body is stored, accepted or refused.
    A malformed one raises InvalidInput (422) and is not stored."""
    swipe_validate(swipe_id=swipe_id, card=card, swiped_at=swiped_at, lesson_kind=lesson_kind, clock=clock)
    swipe_id = swipe_id.strip()
    card_text = card.strip()
    now = timezone.now()
    at = swiped_at or now
    readable = date_problem("swipe", at, now=now) is None
    previous = Swipe.objects.filter(swipe_id=swipe_id).first()
    if previous is not None:
        return _replay(previous, campus)
    row = {
        "swipe_id": swipe_id,
        "campus": campus,
        "reader": reader,
        "staff": by,
        "card_text": card_text[:64],
        "lesson_kind": lesson_kind or "",
        "swiped_at": at if readable else now,
        "swiped_at_text": "" if readable else at.isoformat()[:64],
    }
    try:
        with transaction.atomic():
            found, body, links = _judge(
                campus=campus,
                card_text=card_text,
                at=at,
                now=now,
                lesson_kind=lesson_kind,
                clock_kind=clock,
                reader=reader,
                by=by,
                ask_kind=ask_kind,
            )
            # Stored last, with its answer, in the same transaction: a concurrent twin (the
            # same swipe_id) storing itself waits on the unique index until this commits, then
            # fails, its own work rolled back, and answers with this swipe's answer.
            swipe = Swipe.objects.create(**row, card=found, result=body["result"], http_status=201, response=body, **links)
    except (_Refused, DomainError) as exc:
        # The transaction rolled back whatever the judging wrote. A DomainError not turned
        # into a refusal above (say, a teacher's clock refused) is a refusal all the same:
        # stored with its answer, nothing else changed.
        refused = exc if isinstance(exc, _Refused) else _Refused(exc)
        response = {**refused.error.as_envelope(), **refused.extra, "next_steps": next_steps(refused, card_text)}
        try:
            with transaction.atomic():
                swipe = Swipe.objects.create(
                    **row,
                    card=refused.card,
                    result=Swipe.Result.REFUSED,
                    code=refused.error.code,
                    http_status=refused.error.status,
                    response=response,
                )
        except IntegrityError as twin:
            return _replay_of_twin(swipe_id, campus, twin)
    except IntegrityError as twin:
        return _replay_of_twin(swipe_id, campus, twin)
    return SwipeAnswer(status=swipe.http_status, body=swipe.response, swipe=swipe)
