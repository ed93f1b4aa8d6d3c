"""Cards: issue (学员卡 against a ¥20 deposit, a teacher's card free), report lost, replace
and return. One function per action.

Locks: an issue locks the holder's row (so two desks cannot both give them their one
active card); every other action locks the card row before it reads its status. The
partial unique constraints of Card back both up: a race that slips past is the same 409."""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from billing.models import Payment
from billing.services import payment_record_other
from core.errors import Conflict, InvalidInput, conflict_on_integrity
from core.models import Campus, Staff
from core.money import money
from core.roles import Role
from students.models import Student

from ..cardids import CardId, parse_card_text, typed_by_reader
from ..errors import CardError
from ..models import Card

CARD_DEPOSIT = Decimal("20.00")
REPLACEMENT_FEE = Decimal("20.00")


def _read(text: str, field: str, *, required: bool) -> CardId | None:
    text = (text or "").strip()
    if not text:
        if required:
            raise InvalidInput("请填写卡号", {field: "必填"}, code=CardError.INVALID_CARD)
        return None
    parsed = parse_card_text(text)
    if parsed is None or not typed_by_reader(text):
        raise InvalidInput(
            "卡号格式不正确：应为 10 位数字卡号、8 位十六进制芯片号或韦根格式（如 089,47544）",
            {field: "格式不正确"},
            code=CardError.INVALID_CARD,
        )
    if parsed.key is None:
        # a card known only by its Wiegand text: that text is its key; the 24 bits match too
        parsed = CardId(raw=parsed.raw, key=parsed.raw.replace(" ", ""), key24=parsed.key24)
    return parsed


def _typed(card_number: str, chip_uid: str) -> tuple[CardId, CardId | None]:
    """The number (required) and the chip (optional) as typed, or 422 invalid_card."""
    number = _read(card_number, "card_number", required=True)
    assert number is not None
    return number, _read(chip_uid, "chip_uid", required=False)


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


def _check_no_active_card(*, student: Student | None, teacher: Staff | None, message: str) -> None:
    """The holder's one active card: a second one is 409. A student's lost card not yet
    replaced counts too: that goes through 补卡, which carries the deposit over and takes
    the fee, instead of a second deposit."""
    if student is not None:
        if Card.objects.filter(student=student, status=Card.Status.ACTIVE).exists():
            raise Conflict(CardError.STUDENT_HAS_CARD, message)
        if Card.objects.filter(student=student, status=Card.Status.LOST, replaced_by__isnull=True).exists():
            raise Conflict(
                CardError.STUDENT_HAS_CARD,
                f"{student.name} 的卡已挂失，请办理补卡（工本费 ¥{REPLACEMENT_FEE}，押金转到新卡）",
            )
    elif Card.objects.filter(teacher=teacher, status=Card.Status.ACTIVE).exists():
        raise Conflict(CardError.TEACHER_HAS_CARD, message)


def _new_card(
    *,
    campus: Campus,
    student: Student | None,
    teacher: Staff | None,
    typed: tuple[CardId, CardId | None],
    deposit: Decimal,
    by: Staff,
    replaces: Card | None = None,
) -> Card:
    number, chip = typed
    _check_free(number, chip)

    def raced(exc: IntegrityError) -> Conflict:
        # a concurrent issue took the number, or the holder's one active card
        if student is not None and Card.objects.filter(student=student, status=Card.Status.ACTIVE).exists():
            return Conflict(CardError.STUDENT_HAS_CARD, "该学员已有一张使用中的卡")
        return Conflict(
            CardError.CARD_IN_USE, "该卡号或芯片号已在另一张未退的卡上使用", {"card_number": "已被使用"}
        )

    with conflict_on_integrity(raced):
        card = Card.objects.create(
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
    return card


def _card_money(card: Card, *, purpose: str, amount: Decimal, by: Staff, note: str) -> None:
    """A student card's money moves through billing, each with its receipt."""
    payment_record_other(campus=card.campus, student=card.student, purpose=purpose, amount=amount, by=by, note=note)


@transaction.atomic
def card_issue(*, student: Student, card_number: str, chip_uid: str = "", by: Staff) -> Card:
    """Give `student` a card against the ¥20 deposit (a billing payment with a receipt)."""
    typed = _typed(card_number, chip_uid)
    student = Student.objects.select_for_update().get(pk=student.pk)
    _check_no_active_card(
        student=student, teacher=None, message=f"{student.name} 已有一张使用中的卡；丢卡请先挂失再补办"
    )
    card = _new_card(campus=student.campus, student=student, teacher=None, typed=typed, deposit=CARD_DEPOSIT, by=by)
    _card_money(
        card, purpose=Payment.Purpose.CARD_DEPOSIT, amount=CARD_DEPOSIT, by=by, note=f"学员卡 {card.card_number} 押金"
    )
    return card


@transaction.atomic
def card_issue_teacher(*, teacher: Staff, card_number: str, chip_uid: str = "", by: Staff) -> Card:
    """A teacher's card for clocking in and out. No deposit: it is the school's card."""
    if teacher.role != Role.TEACHER:
        raise InvalidInput("只能给教员发工作卡", {"teacher": "不是教员"})
    typed = _typed(card_number, chip_uid)
    teacher = Staff.objects.select_for_update().get(pk=teacher.pk)
    _check_no_active_card(student=None, teacher=teacher, message=f"{teacher.display_name} 已有一张使用中的卡")
    return _new_card(campus=teacher.campus, student=None, teacher=teacher, typed=typed, deposit=money(0), by=by)


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
    typed = _typed(card_number, chip_uid)
    old = _lock_card(card)
    if old.status != Card.Status.LOST:
        raise Conflict(CardError.CARD_NOT_LOST, "只有已挂失的卡才能补办，请先挂失")
    if Card.objects.filter(replaces=old).exists():
        raise Conflict(CardError.CARD_NOT_LOST, "这张挂失卡已经补办过")
    # a student's replacement answers student_has_card whoever holds it (API.md § Cards)
    if Card.objects.filter(
        Q(student=old.student) if old.student_id else Q(teacher=old.teacher), status=Card.Status.ACTIVE
    ).exists():
        raise Conflict(CardError.STUDENT_HAS_CARD, "持卡人已有一张使用中的卡")
    deposit, old.deposit = old.deposit, money(0)
    old.save(update_fields=["deposit"])
    new = _new_card(
        campus=old.campus, student=old.student, teacher=old.teacher, typed=typed, deposit=deposit, by=by, replaces=old
    )
    if old.student_id:
        note = f"补卡 {new.card_number}（原卡 {old.card_number}）工本费"
        _card_money(new, purpose=Payment.Purpose.CARD_FEE, amount=REPLACEMENT_FEE, by=by, note=note)
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
        note = f"退学员卡 {card.card_number} 押金"
        _card_money(card, purpose=Payment.Purpose.CARD_DEPOSIT_REFUND, amount=refund, by=by, note=note)
    return card, refund
