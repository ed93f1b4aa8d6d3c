"""Demo rows of retention for the demo campus: a first call to one family of the demo
advisor and a schedule notice (not a real contact) to the other, so the advisor's day
shows one call done and one owed; the survey questions; this month's piano assessment of
the demo teacher's first pupil; a warning of the demo advisor (reschedule not notified). Runs after students/, billing/ and scheduling/ demos
(INSTALLED_APPS order). Idempotent: a family already contacted is left as it is."""

from django.utils import timezone

from core.errors import DomainError
from core.models import Campus, Staff, Subject
from core.roles import Role
from students.models import Student

from .models import FollowUp, Incident, MonthlyAssessment, RuleCode
from .services import follow_up_log, incident_record, monthly_assessment_record, survey_questions_ensure

# student, kind, channel, summary, satisfaction
DEMO_FOLLOW_UPS = [
    ("张子涵", FollowUp.Kind.FIRST_CALL, FollowUp.Channel.PHONE,
     "自我介绍并说明由我全程负责；了解孩子在家练琴习惯；约定周五再电话沟通。", 5),
    ("王浩然", FollowUp.Kind.SCHEDULE_NOTICE, FollowUp.Channel.SMS, "本周课表已发送家长。", None),
]


def seed(campus: Campus, staff_by_role: dict[str, Staff]) -> str:
    advisor = staff_by_role.get(Role.ADVISOR)
    made = 0
    for name, kind, channel, summary, satisfaction in DEMO_FOLLOW_UPS:
        student = Student.objects.filter(campus=campus, name=name, advisor=advisor).first()
        if advisor is None or student is None or FollowUp.objects.filter(student=student).exists():
            continue
        follow_up_log(
            student=student, by=advisor, contact=FollowUp.Contact.PARENT, channel=channel, kind=kind,
            summary=summary, satisfaction=satisfaction,
        )
        made += 1
    questions = len(survey_questions_ensure())
    _seed_assessment(campus, staff_by_role.get(Role.TEACHER))
    _seed_penalty(advisor, staff_by_role.get(Role.CS_SUPERVISOR))
    return f"retention: {made} follow-ups logged now, {questions} survey questions"


def _seed_penalty(advisor: Staff | None, supervisor: Staff | None) -> None:
    """One warning of the demo advisor by the CS supervisor, so 处罚记录 shows the ladder."""
    if advisor is None or supervisor is None or Incident.objects.filter(staff=advisor).exists():
        return
    incident_record(
        by=supervisor, staff=advisor, rule=RuleCode.RESCHEDULE_NOT_NOTIFIED, occurred_on=timezone.localdate(),
        note="周三调课未通知任课老师。",
    )


def _seed_assessment(campus: Campus, teacher: Staff | None) -> None:
    piano = Subject.objects.filter(name="钢琴").first()
    student = Student.objects.filter(campus=campus, name="张子涵").first()
    month = timezone.localdate().replace(day=1)
    if teacher is None or piano is None or student is None:
        return
    if MonthlyAssessment.objects.filter(student=student, subject=piano, month=month).exists():
        return
    try:
        monthly_assessment_record(
            student=student, subject=piano, month=month, score="88",
            analysis="识谱速度提高，左手节奏不稳，下月加强节拍器练习。", by=teacher,
        )
    except DomainError:
        # the demo teacher no longer teaches her: the demo leaves the month empty
        return
