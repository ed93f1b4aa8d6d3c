"""The five KPIs (retention/kpis.py), each on a worked month computed by hand: March 2026,
records made through the real services (kpi_makers)."""

from datetime import date
from decimal import Decimal

import pytest

from retention import kpis
from students.models import Student

from .followup_makers import make_student
from .kpi_makers import MARCH, at, consumption_month, enrol_referral, refund_paid, sell, two_advisors, use

pytestmark = pytest.mark.django_db


def everyone(campus) -> "kpis.QuerySet[Student]":
    return Student.objects.filter(campus=campus)


def test_lesson_consumption(campus):
    """小明 (王): booked 2, 9, 16, 23 March; checked in on the first three; leave on the
    23rd with no make-up (scheduled, not used); a lesson used 20 February (another month);
    a deduction on 25 March reversed (not used). → used 3, scheduled 4, rate 3/4 = 0.7500.
    小红 (李): booked 3 and 10 March, both checked in, and a swipe without a lesson on the
    28th. → used 3, scheduled 2, rate 3/2 = 1.5000.
    Campus: used 3 + 3 = 6, scheduled 4 + 2 = 6, rate 1.0000."""
    wang, li = two_advisors(campus)
    made = consumption_month(campus, wang, li)
    kpi = kpis.lesson_consumption(everyone(campus), MARCH)
    assert kpi.figures == {"used": 6, "scheduled": 6, "rate": Decimal("1.0000"), "students": 2}
    assert kpi.of_advisor(wang.pk).figures == {"used": 3, "scheduled": 4, "rate": Decimal("0.7500"), "students": 1}
    assert kpi.of_advisor(li.pk).figures["rate"] == Decimal("1.5000")
    assert kpi.student_ids() == sorted([made["ming"].pk, made["hong"].pk])
    # the same from the advisor's own students
    assert kpis.lesson_consumption(everyone(campus).filter(advisor=wang), MARCH).figures["used"] == 3
    # February: 小明's one lesson used, nothing scheduled
    feb = kpis.lesson_consumption(everyone(campus), date(2026, 2, 1)).figures
    assert feb == {"used": 1, "scheduled": 0, "rate": None, "students": 1}
    # several months at once (a trend) give each month's own figures
    both = kpis.lesson_consumption.over(everyone(campus), [date(2026, 2, 1), MARCH])
    assert [k.figures for k in both.values()] == [feb, kpi.figures]
    assert both[MARCH].rows == kpi.rows


def test_renewal_rate(campus):
    """Packages of 10 lessons: the renewal line is 3 left (30%), reached by the 7th lesson.
    A: 7th lesson 10 March, bought again 25 March (15 days) → renewed.
    B: 7th lesson 12 March, bought again 20 April (39 days) → not renewed.
    C: valid until 20 March with 8 left, nothing bought → due (ended), not renewed.
    D: 7th lesson 25 February → February's family, not March's.
    E: refunded 5 March with 8 left, before reaching the line → never due.
    F: bought a second package on 1 March, then its first one reached the line on 15 March
       → renewed early (续费要提前铺垫).
    March: due A, B, C, F = 4 families; renewed A, F = 2; rate 2/4 = 0.5000."""
    wang, _li = two_advisors(campus)

    def seven_lessons(student, last):
        package = sell(student, sold_at=at(1, 5))
        use(package, *[at(1, 10 + i) for i in range(6)], last)
        return package

    a, b, c, d, e, f = (make_student(campus, wang, name=n) for n in "ABCDEF")
    seven_lessons(a, at(3, 10))
    sell(a, sold_at=at(3, 25))
    seven_lessons(b, at(3, 12))
    sell(b, sold_at=at(4, 20))
    use(sell(c, sold_at=at(1, 5), valid_until=date(2026, 3, 20)), at(1, 10), at(1, 11))
    seven_lessons(d, at(2, 25))
    e_package = sell(e, sold_at=at(1, 5))
    use(e_package, at(1, 9), at(1, 10))
    refund_paid(e_package, paid_at=at(3, 5))
    first = sell(f, sold_at=at(1, 5))
    sell(f, sold_at=at(3, 1))
    use(first, *[at(1, 10 + i) for i in range(6)], at(3, 15))

    kpi = kpis.renewal_rate(everyone(campus), MARCH)
    assert kpi.figures == {"families": 4, "renewed": 2, "rate": Decimal("0.5000")}
    assert kpi.student_ids() == sorted([a.pk, b.pk, c.pk, f.pk])
    assert kpi.student_ids(hits_only=True) == sorted([a.pk, f.pk])
    assert kpis.renewal_rate(everyone(campus), date(2026, 2, 1)).student_ids() == [d.pk]


def test_subject_expansion(campus):
    """甲 (王) had piano since January and bought maths on 5 March → expands (数学).
    乙 (王) bought maths on 6 March, the first package ever → a new student, no expansion.
    丙 (李) had piano and bought piano again on 6 March → a renewal, no expansion.
    丁 (李) had piano and bought maths and English in March → expands (数学, 英语).
    戊 (李) bought maths in February after piano → February's, not March's.
    March: 2 students (甲, 丁), 3 subjects; 王 1 student 1 subject; 李 1 student 2 subjects."""
    wang, li = two_advisors(campus)
    jia, yi = make_student(campus, wang, name="甲"), make_student(campus, wang, name="乙")
    bing, ding, wu = (make_student(campus, li, name=n) for n in "丙丁戊")
    for s in (jia, bing, ding, wu):
        sell(s, sold_at=at(1, 5), subject="钢琴")
    sell(jia, sold_at=at(3, 5), subject="数学", course="数学一对一")
    sell(yi, sold_at=at(3, 6), subject="数学", course="数学一对一")
    sell(bing, sold_at=at(3, 6), subject="钢琴")
    sell(ding, sold_at=at(3, 7), subject="数学", course="数学一对一")
    sell(ding, sold_at=at(3, 8), subject="英语", course="英语一对一")
    sell(wu, sold_at=at(2, 7), subject="数学", course="数学一对一")

    kpi = kpis.subject_expansion(everyone(campus), MARCH)
    assert kpi.figures == {"students": 2, "subjects": 3}
    assert kpi.of_advisor(wang.pk).figures == {"students": 1, "subjects": 1}
    assert kpi.of_advisor(li.pk).figures == {"students": 1, "subjects": 2}
    assert {r.student_id: r.values["subjects"] for r in kpi.rows} == {jia.pk: ["数学"], ding.pk: ["数学", "英语"]}


def test_referrals(campus):
    """老张家 (王's family) referred 新一 (enrolled 8 March), 新二 (still a lead) and 新四
    (enrolled 20 February); 新三 walked in and enrolled 9 March; 老李家 (李) referred 新五
    (enrolled 31 March 23:30, Shanghai time).
    March: 2 enrolled (新一 for 王, 新五 for 李), 2 referring families."""
    wang, li = two_advisors(campus)
    zhang = make_student(campus, wang, name="老张家")
    lijia = make_student(campus, li, name="老李家")
    one = enrol_referral(campus, zhang, "新一", "13900000010", at(3, 8))
    enrol_referral(campus, zhang, "新二", "13900000020", None)
    enrol_referral(campus, zhang, "新四", "13900000040", at(2, 20))
    enrol_referral(campus, None, "新三", "13900000030", at(3, 9))
    five = enrol_referral(campus, lijia, "新五", "13900000050", at(3, 31, 23, 30))

    kpi = kpis.referrals(everyone(campus), MARCH)
    assert kpi.figures == {"enrolled": 2, "referring_families": 2}
    assert kpi.student_ids() == sorted([one.pk, five.pk])
    assert kpi.of_advisor(wang.pk).student_ids() == [one.pk]
    assert kpis.referrals(everyone(campus).filter(advisor=li), MARCH).student_ids() == [five.pk]


def test_refund_rate(campus):
    """Active in March: 一 (10 lessons, 2 used in January: 8 left on 1 March), 二 (bought
    on 10 March), 三 (2 used, refund paid 15 March: ¥3000 − 2 × ¥300 − ¥800 fee = ¥1600).
    Not active: 四 (every lesson used in February), 五 (bought in April), 六 (valid until
    28 February).
    March: refunded 1 of 3 active students → rate 0.3333; 1 refund, ¥1600.00."""
    wang, _li = two_advisors(campus)
    one, two, three, four, five, six = (make_student(campus, wang, name=n) for n in "一二三四五六")
    use(sell(one, sold_at=at(1, 5)), at(1, 9), at(1, 10))
    sell(two, sold_at=at(3, 10), valid_from=date(2026, 3, 10))
    p3 = sell(three, sold_at=at(1, 5))
    use(p3, at(1, 9), at(1, 10))
    refund_paid(p3, paid_at=at(3, 15))
    use(sell(four, sold_at=at(1, 5), lessons=2), at(2, 1), at(2, 2))
    sell(five, sold_at=at(4, 2), valid_from=date(2026, 4, 2))
    sell(six, sold_at=at(1, 5), valid_until=date(2026, 2, 28))

    kpi = kpis.refund_rate(everyone(campus), MARCH)
    assert kpi.figures == {
        "active_students": 3, "refunded_students": 1, "refunds": 1, "amount": Decimal("1600.00"),
        "rate": Decimal("0.3333"),
    }
    assert kpi.student_ids() == sorted([one.pk, two.pk, three.pk])
    assert kpi.student_ids(hits_only=True) == [three.pk]
    assert list(kpi.students(hits_only=True)) == [three]
    # April: 三 refunded before April began, 一 and 二 still have lessons, 五 bought
    assert kpis.refund_rate(everyone(campus), date(2026, 4, 1)).figures["active_students"] == 3


def test_rates_and_months():
    assert kpis.rate(2, 3) == Decimal("0.6667") and kpis.rate(1, 0) is None
    assert kpis.rate_text(Decimal("0.5")) == "0.5000" and kpis.percent(Decimal("0.6667")) == "66.7%"
    assert kpis.trend_months(date(2026, 3, 9))[0] == date(2025, 4, 1)
    assert kpis.trend_months(date(2026, 3, 9))[-1] == date(2026, 3, 1)
    assert kpis.parse_month("2026-03", date(2026, 12, 1)) == MARCH
    for bad in ("2026-13", "2026-3", "March", "2027-01", "1999-12", "2026-03-01", ""):
        with pytest.raises(kpis.InvalidInput) as exc:
            kpis.parse_month(bad, date(2026, 12, 1))
        assert "month" in exc.value.fields


def test_group_class_sessions_are_scheduled_lessons_of_each_member(campus):
    """钢琴大课 meets on 4 and 11 March and on 1 April; 小林 (王) and 小周 (李) are members.
    小林 used a group lesson on the 4th. March: 小林 1 of 2, 小周 0 of 2; campus 1 ÷ 4 = 0.2500."""
    from core.models import Subject
    from scheduling.services import group_class_create, group_member_add, group_session_add
    from tests.scheduling.helpers import make_teacher

    from .kpi_makers import desk_of

    wang, li = two_advisors(campus)
    desk = desk_of(campus)
    teacher = make_teacher(campus, "钢琴")
    group = group_class_create(campus=campus, name="钢琴大课", subject=Subject.objects.get(name="钢琴"),
                               teacher=teacher, by=desk)
    lin, zhou = make_student(campus, wang, name="小林"), make_student(campus, li, name="小周")
    for student in (lin, zhou):
        group_member_add(group=group, student=student, by=desk)
    for month, day in ((3, 4), (3, 11), (4, 1)):
        group_session_add(group=group, starts_at=at(month, day, 15), ends_at=at(month, day, 16), by=desk)
    use(sell(lin, sold_at=at(1, 5), course="钢琴大课"), at(3, 4, 15))

    kpi = kpis.lesson_consumption(everyone(campus), MARCH)
    assert kpi.figures == {"used": 1, "scheduled": 4, "rate": Decimal("0.2500"), "students": 2}
    assert {r.student_id: (r.values["used"], r.values["scheduled"]) for r in kpi.rows} == {lin.pk: (1, 2), zhou.pk: (0, 2)}
    assert kpi.of_advisor(li.pk).student_ids(hits_only=True) == []


def test_a_lesson_belongs_to_the_campus_month_it_was_used_in(campus):
    """Used 28 February 23:30 and 1 March 00:30, Shanghai time (both 28 February in UTC):
    one in February, one in March — the database groups by the campus month."""
    wang, _li = two_advisors(campus)
    use(sell(make_student(campus, wang), sold_at=at(1, 5)), at(2, 28, 23, 30), at(3, 1, 0, 30))
    both = kpis.lesson_consumption.over(everyone(campus), [date(2026, 2, 1), MARCH])
    assert [k.figures["used"] for k in both.values()] == [1, 1]
