"""Cards of a generated chain (`generate_chain`): every student holds one, its ¥20 deposit
on record."""

from billing.models import Payment
from core.bulkload import Chain
from core.roles import Role

from .cardids import parse_card_text
from .models import Card
from .services.cards import CARD_DEPOSIT

FIRST_NUMBER = 3_000_000_000


def generate(chain: Chain) -> None:
    cards, payments = chain.writer(Card), chain.writer(Payment)
    for student in chain.students:
        desk = chain.staff[student.campus_id][Role.FRONT_DESK][0]
        number = parse_card_text(f"{FIRST_NUMBER + student.id:010d}")
        issued_at = chain.week  # on record before any swipe of the benchmarks
        cards.add(campus_id=student.campus_id, student_id=student.id, card_number=number.raw,
                  number_key=number.key, number_key24=number.key24 or "", deposit=CARD_DEPOSIT,
                  issued_at=issued_at, issued_by_id=desk)
        payments.add(campus_id=student.campus_id, student_id=student.id, purpose=Payment.Purpose.CARD_DEPOSIT,
                     amount=CARD_DEPOSIT, receipt_no=chain.next_receipt(student.campus_id),
                     note=f"学员卡 {number.raw} 押金", paid_at=issued_at, created_by_id=desk, created_at=issued_at)
    cards.close()
    payments.close()
