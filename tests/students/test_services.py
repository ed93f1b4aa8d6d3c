from datetime import date, timedelta

import pytest
from django.utils import timezone

from core.dashboard import panels_for as panels
from core.errors import Conflict, Forbidden, InvalidInput
from core.roles import Role
from core.services import subject_get_or_create
from students import services
from students.models import AdvisorAssignment, Guardian, HygieneFinding, Lead, ReceptionEntry, Student

from .helpers import guardians, make_student

pytestmark = pytest.mark.django_db

BASE = {"name": "张三", "gender": "F", "birthday": date(2014, 3, 2), "address": "北京市朝阳区幸福路 1 号"}


def create(campus, by, guardians_=None, advisor=None, **data):
    return services.student_create(
        campus=campus,
        by=by,
        data={**BASE, **data},
        guardians=guardians() if guardians_ is None else guardians_,
        advisor=advisor,
    )


def refused_fields(call) -> dict[str, str]:
    with pytest.raises(InvalidInput) as exc:
        call()
    assert exc.value.status == 422
    return exc.value.fields


def test_it_opens_a_file_with_two_guardians_and_one_primary(campus, make_staff):
    desk = make_staff(Role.FRONT_DESK)
    student = create(campus, desk, school="实验小学", learning_type="steady", profile="good_well")
    assert student.campus == campus and student.created_by == desk
    assert [(g.phone, g.is_primary) for g in student.guardians.all()] == [
        ("13800000001", True),
        ("13800000002", False),
    ]
    assert student.primary_guardian.relation == "mother"
    assert student.advisor is None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "张" * 51}, "name"),
        ({"name": "张\x00三"}, "name"),
        ({"gender": "X"}, "gender"),
        ({"gender": None}, "gender"),
        ({"birthday": None}, "birthday"),
        ({"address": ""}, "address"),
        ({"address": "路" * 201}, "address"),
        ({"school": 12}, "school"),
        ({"learning_type": "genius"}, "learning_type"),
        ({"profile": "odd"}, "profile"),
    ],
)
def test_it_refuses_a_bad_field_and_saves_nothing(campus, make_staff, data, field):
    desk = make_staff(Role.FRONT_DESK)
    assert field in refused_fields(lambda: create(campus, desk, **data))
    assert Student.objects.count() == 0 and Guardian.objects.count() == 0


def test_it_refuses_a_birthday_today_or_in_the_future(campus, make_staff):
    desk = make_staff()
    today = timezone.localdate()
    for day in (today, today + timedelta(days=1)):
        assert refused_fields(lambda day=day: create(campus, desk, birthday=day)) == {
            "birthday": "出生日期须早于今天"
        }


def test_it_refuses_fewer_than_two_guardians(campus, make_staff):
    desk = make_staff()
    assert "guardians" in refused_fields(lambda: create(campus, desk, guardians_=guardians()[:1]))
    assert "guardians" in refused_fields(lambda: create(campus, desk, guardians_=[]))
    assert "guardians" in refused_fields(lambda: create(campus, desk, guardians_="13800000001"))


def test_it_refuses_the_same_phone_twice(campus, make_staff):
    fields = refused_fields(
        lambda: create(campus, make_staff(), guardians_=guardians("13800000001", "13800000001"))
    )
    assert "guardians.1.phone" in fields


@pytest.mark.parametrize(
    "phone", ["23800000001", "1380000000", "138000000012", "", None, "1380000000a", "+8613800000001"]
)
def test_it_refuses_a_phone_that_is_not_a_mainland_mobile(campus, make_staff, phone):
    fields = refused_fields(lambda: create(campus, make_staff(), guardians_=guardians(phone, "13800000002")))
    assert "guardians.0.phone" in fields


def test_it_accepts_a_phone_typed_with_spaces(campus, make_staff):
    student = create(campus, make_staff(), guardians_=guardians("138 0000 0009", "138-0000-0008"))
    assert sorted(student.guardians.values_list("phone", flat=True)) == ["13800000008", "13800000009"]


def test_it_needs_exactly_one_primary(campus, make_staff):
    desk = make_staff()
    two = guardians()
    two[1]["is_primary"] = True
    none = guardians()
    none[0]["is_primary"] = False
    assert "guardians" in refused_fields(lambda: create(campus, desk, guardians_=two))
    assert "guardians" in refused_fields(lambda: create(campus, desk, guardians_=none))


def test_the_primary_needs_the_relation_noted(campus, make_staff):
    rows = guardians()
    rows[0]["relation"] = ""
    assert "guardians.0.relation" in refused_fields(lambda: create(campus, make_staff(), guardians_=rows))


def test_it_refuses_a_role_that_does_not_open_files(campus, make_staff):
    with pytest.raises(Forbidden):
        create(campus, make_staff(Role.TEACHER))
    assert Student.objects.count() == 0


def test_an_advisor_named_at_creation_takes_the_student_over(campus, make_staff):
    advisor = make_staff(Role.ADVISOR)
    student = create(campus, make_staff(), advisor=advisor.user.username)
    assignment = AdvisorAssignment.objects.get(student=student)
    assert student.advisor == advisor and assignment.advisor == advisor
    assert assignment.first_call_due == timezone.localdate() + timedelta(days=1)


def test_the_advisor_must_be_an_advisor_of_the_same_campus(campus, other_campus, make_staff):
    desk = make_staff()
    elsewhere = make_staff(Role.ADVISOR, campus=other_campus)
    teacher = make_staff(Role.TEACHER)
    for name in (elsewhere.user.username, teacher.user.username, "nobody"):
        assert "advisor" in refused_fields(lambda name=name: create(campus, desk, advisor=name))
    assert Student.objects.count() == 0


def test_a_supervisor_hands_over_and_reassigns_keeping_the_history(campus, make_staff):
    supervisor = make_staff(Role.CS_SUPERVISOR)
    first, second = make_staff(Role.ADVISOR), make_staff(Role.ADVISOR)
    student = make_student(campus, make_staff())
    services.student_assign_advisor(student=student, advisor=first, by=supervisor)
    services.student_assign_advisor(student=student, advisor=second, by=supervisor, note="家长要求更换")
    student.refresh_from_db()
    assert student.advisor == second
    history = list(student.advisor_assignments.order_by("pk"))
    assert [a.advisor for a in history] == [first, second]
    assert history[0].ended_at is not None and history[1].ended_at is None
    assert history[1].previous_advisor == first and history[1].assigned_by == supervisor


def test_only_a_supervisor_hands_over(campus, make_staff):
    student = make_student(campus, make_staff())
    advisor = make_staff(Role.ADVISOR)
    for role in (Role.FRONT_DESK, Role.ADVISOR, Role.TEACHER):
        with pytest.raises(Forbidden):
            services.student_assign_advisor(student=student, advisor=advisor, by=make_staff(role))
    assert not AdvisorAssignment.objects.exists()


def test_hand_over_refuses_a_non_advisor_or_the_same_advisor(campus, other_campus, make_staff):
    supervisor = make_staff(Role.CS_SUPERVISOR)
    student = make_student(campus, make_staff())
    with pytest.raises(InvalidInput):
        services.student_assign_advisor(student=student, advisor=make_staff(Role.TEACHER), by=supervisor)
    with pytest.raises(InvalidInput):
        services.student_assign_advisor(
            student=student, advisor=make_staff(Role.ADVISOR, campus=other_campus), by=supervisor
        )
    advisor = make_staff(Role.ADVISOR)
    services.student_assign_advisor(student=student, advisor=advisor, by=supervisor)
    with pytest.raises(Conflict):
        services.student_assign_advisor(student=student, advisor=advisor, by=supervisor)
    assert AdvisorAssignment.objects.count() == 1


def test_guardians_can_be_added_made_primary_and_removed_within_the_rules(campus, make_staff):
    desk = make_staff()
    student = make_student(campus, desk)
    first, second = student.guardians.order_by("pk")
    with pytest.raises(Conflict):
        services.guardian_remove(guardian=second, by=desk)
    with pytest.raises(InvalidInput):
        services.guardian_add(
            student=student, by=desk, name="奶奶", relation="grandparent", phone="13800000002"
        )
    grandma = services.guardian_add(
        student=student, by=desk, name="奶奶", relation="grandparent", phone="13900000003"
    )
    services.guardian_set_primary(guardian=grandma, by=desk)
    assert list(student.guardians.filter(is_primary=True)) == [grandma]
    services.guardian_remove(guardian=first, by=desk)
    assert student.guardians.count() == 2
    with pytest.raises(InvalidInput):
        services.guardian_update(guardian=second, by=desk, phone="13900000003")
    services.guardian_update(guardian=second, by=desk, phone="13900000004")
    second.refresh_from_db()
    assert second.phone == "13900000004"


def test_student_update_checks_the_same_rules(campus, make_staff):
    desk = make_staff()
    student = make_student(campus, desk)
    with pytest.raises(InvalidInput) as exc:
        services.student_update(student=student, by=desk, changes={"birthday": timezone.localdate()})
    assert "birthday" in exc.value.fields
    with pytest.raises(InvalidInput):
        services.student_update(student=student, by=desk, changes={"campus": "x"})
    services.student_update(student=student, by=desk, changes={"grade": "初二", "goals": "期末进前十"})
    student.refresh_from_db()
    assert (student.grade, student.goals) == ("初二", "期末进前十")


# --- leads ---------------------------------------------------------------------------


def test_a_referral_lead_names_the_referring_family_and_keeps_it_when_enrolled(campus, make_staff):
    desk = make_staff()
    family = make_student(campus, desk, name="老学员")
    with pytest.raises(InvalidInput) as exc:
        services.lead_create(
            campus=campus, by=desk, data={"name": "新同学", "phone": "13700000001", "source": "referral"}
        )
    assert "referred_by" in exc.value.fields
    lead = services.lead_create(
        campus=campus,
        by=desk,
        data={
            "name": "新同学",
            "phone": "13700000001",
            "source": "referral",
            "referred_by": family,
            "course": "钢琴",
        },
    )
    entry = services.reception_entry_create(
        campus=campus, by=desk, channel="visit", category="consult", summary="咨询钢琴课", lead=lead
    )
    student = services.lead_convert(
        lead=lead, by=desk, data={**BASE, "name": "新同学"}, guardians=guardians("13700000001", "13700000002")
    )
    lead.refresh_from_db()
    entry.refresh_from_db()
    assert lead.status == Lead.Status.CONVERTED and lead.student == student
    assert student.referred_by == family and list(family.referrals.all()) == [student]
    assert entry.student == student
    with pytest.raises(Conflict):
        services.lead_convert(
            lead=lead, by=desk, data=BASE, guardians=guardians("13700000003", "13700000004")
        )


def test_a_failed_conversion_leaves_the_lead_open(campus, make_staff):
    desk = make_staff()
    lead = services.lead_create(
        campus=campus, by=desk, data={"name": "小李", "phone": "13700000001", "source": "phone"}
    )
    with pytest.raises(InvalidInput):
        services.lead_convert(lead=lead, by=desk, data=BASE, guardians=guardians()[:1])
    lead.refresh_from_db()
    assert lead.status == Lead.Status.NEW and lead.student is None and Student.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": ""}, "name"),
        ({"phone": "12"}, "phone"),
        ({"source": "tv"}, "source"),
        ({"needs": "x" * 2001}, "needs"),
    ],
)
def test_a_lead_needs_name_phone_and_a_known_source(campus, make_staff, data, field):
    body = {"name": "小李", "phone": "13700000001", "source": "walk_in", **data}
    with pytest.raises(InvalidInput) as exc:
        services.lead_create(campus=campus, by=make_staff(), data=body)
    assert field in exc.value.fields
    assert not Lead.objects.exists()


def test_the_first_trial_lesson_is_forty_minutes(campus, make_staff):
    desk, teacher = make_staff(), make_staff(Role.TEACHER)
    teacher.subjects.set([subject_get_or_create(name="钢琴")])
    lead = services.lead_create(
        campus=campus, by=desk, data={"name": "小李", "phone": "13700000001", "source": "online"}
    )
    at = timezone.now() + timedelta(days=1)
    first = services.trial_book(lead=lead, by=desk, teacher=teacher, subject="钢琴", starts_at=at, minutes=90)
    second = services.trial_book(
        lead=lead, by=desk, teacher=teacher, subject="钢琴", starts_at=at + timedelta(days=1), minutes=60
    )
    assert (first.minutes, second.minutes) == (40, 60)
    lead.refresh_from_db()
    assert lead.status == Lead.Status.TRIAL
    with pytest.raises(InvalidInput) as exc:
        services.trial_book(lead=lead, by=desk, teacher=desk, subject="钢琴", starts_at=at, minutes=60)
    assert "teacher" in exc.value.fields


def test_an_assessment_is_due_for_analysis_within_a_day_and_then_has_a_plan(campus, make_staff):
    desk, teacher = make_staff(), make_staff(Role.TEACHER)
    lead = services.lead_create(
        campus=campus, by=desk, data={"name": "小李", "phone": "13700000001", "source": "online"}
    )
    taken = timezone.now() - timedelta(hours=2)
    assessment = services.assessment_record(by=teacher, lead=lead, subject="数学", taken_at=taken, score="78")
    assert assessment.analysis_due == taken + timedelta(days=1)
    with pytest.raises(InvalidInput) as exc:
        services.assessment_analyse(assessment=assessment, by=teacher, analysis="计算粗心", teaching_plan="")
    assert "teaching_plan" in exc.value.fields
    services.assessment_analyse(
        assessment=assessment, by=teacher, analysis="计算粗心", teaching_plan="每周两次专项"
    )
    lead.refresh_from_db()
    assert lead.status == Lead.Status.ASSESSED
    with pytest.raises(Conflict):
        services.assessment_analyse(assessment=assessment, by=teacher, analysis="x", teaching_plan="y")


def test_a_reception_entry_needs_a_category(campus, make_staff):
    with pytest.raises(InvalidInput) as exc:
        services.reception_entry_create(
            campus=campus, by=make_staff(), channel="phone", category="gossip", summary=""
        )
    assert {"category", "summary"} <= set(exc.value.fields)
    assert not ReceptionEntry.objects.exists()


# --- lobby round ----------------------------------------------------------------------


def test_a_lobby_round_routes_each_finding_to_its_department_until_closed(campus, make_staff):
    desk = make_staff()
    round_ = services.hygiene_round_record(
        campus=campus,
        by=desk,
        findings=[{"area": "厕所", "problem": "洗手池有黄印"}, {"area": "前台台面", "problem": "资料夹散乱"}],
    )
    assert not round_.all_ok
    toilets = round_.findings.get(area="厕所")
    assert toilets.department == "后勤部" and toilets.status == HygieneFinding.Status.OPEN
    services.hygiene_finding_close(finding=toilets, by=desk, fix_note="保洁已清洗")
    toilets.refresh_from_db()
    assert toilets.status == HygieneFinding.Status.CLOSED and toilets.closed_by == desk
    with pytest.raises(Conflict):
        services.hygiene_finding_close(finding=toilets, by=desk)
    clean = services.hygiene_round_record(campus=campus, by=desk, findings=[])
    assert clean.all_ok
    with pytest.raises(InvalidInput):
        services.hygiene_round_record(campus=campus, by=desk, findings=[{"area": "屋顶", "problem": "漏水"}])


def test_a_reception_entry_is_filed_under_the_family_or_lead_of_its_phone(campus, make_staff):
    desk = make_staff()
    student = make_student(campus, desk, phones=("13800000001", "13800000002"))
    lead = services.lead_create(
        campus=campus, by=desk, data={"name": "小李", "phone": "13700000001", "source": "phone"}
    )
    known = services.reception_entry_create(
        campus=campus, by=desk, channel="phone", category="leave", summary="请假", phone="13800000002"
    )
    prospect = services.reception_entry_create(
        campus=campus, by=desk, channel="phone", category="consult", summary="再问价格", phone="13700000001"
    )
    stranger = services.reception_entry_create(
        campus=campus, by=desk, channel="visit", category="consult", summary="路过", phone="13600000000"
    )
    assert (known.student, known.lead) == (student, None)
    assert (prospect.student, prospect.lead) == (None, lead)
    assert (stranger.student, stranger.lead) == (None, None)


def test_the_front_desk_is_reminded_when_the_lobby_was_not_checked_this_hour(campus, make_staff):
    desk = make_staff()

    def reminded() -> bool:
        return any("未巡查" in row["text"] for panel in panels(desk) for row in panel.rows)

    assert reminded()
    services.hygiene_round_record(
        campus=campus, by=desk, findings=[], checked_at=timezone.now() - timedelta(minutes=61)
    )
    assert reminded()
    services.hygiene_round_record(campus=campus, by=desk, findings=[])
    assert not reminded()
