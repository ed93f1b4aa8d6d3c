"""Landing-page panels of students/: a supervisor's students still without an advisor,
the assessment papers waiting for their analysis, the open lobby findings. (An advisor's
first calls after a hand-over are to-dos: students/contributions.py.)"""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from core.dashboard import Panel
from core.dates import local_day
from core.models import Staff
from core.roles import Role

from .contributions import ASSESSMENTS_TAB
from .models import HygieneFinding
from .selectors import last_round, pending_analyses, unassigned_students

LIMIT = 20
# the front-desk manual: a round of the lobby every hour of the shift
ROUND_EVERY = timedelta(hours=1)


def panels(staff: Staff) -> list[Panel]:
    result: list[Panel] = []
    if staff.role in (Role.CS_SUPERVISOR, Role.PRINCIPAL):
        rows = [
            {"text": f"{s.name}（{local_day(s.created_at):%m-%d} 建档）", "url": reverse("students:handover")}
            for s in unassigned_students(staff)[:LIMIT]
        ]
        result.append(
            Panel(title="待接档学员", rows=rows, empty="所有学员都已分配班主任", link=reverse("students:handover"), order=30)
        )
    if staff.role in (Role.CONSULTANT, Role.DEAN, Role.TEACHER):
        rows = []
        now = timezone.now()
        for a in pending_analyses(staff.campus_id)[:LIMIT]:
            who = a.student.name if a.student_id else a.lead.name
            url = (
                reverse("students:lead", args=[a.lead_id])
                if a.lead_id
                else reverse("students:detail", args=[a.student_id]) + f"?tab={ASSESSMENTS_TAB}"
            )
            late = "（已逾期）" if a.analysis_due < now else ""
            due = timezone.localtime(a.analysis_due)
            rows.append({"text": f"{who} {a.subject} 试卷分析：{due:%m-%d %H:%M} 前{late}", "url": url})
        result.append(Panel(title="测评试卷待分析", rows=rows, empty="没有待分析的测评试卷", order=40))
    if staff.role in (Role.FRONT_DESK, Role.CS_SUPERVISOR, Role.PRINCIPAL):
        findings = HygieneFinding.objects.filter(
            round__campus=staff.campus, status=HygieneFinding.Status.OPEN
        ).select_related("round")[:LIMIT]
        rows = [
            {"text": f"{f.area}：{f.problem}（{f.department}）", "url": reverse("students:duty")} for f in findings
        ]
        last = last_round(staff.campus_id)
        if staff.role == Role.FRONT_DESK and (last is None or timezone.now() - last.checked_at > ROUND_EVERY):
            rows.insert(0, {"text": "已超过 1 小时未巡查大厅，请巡查并登记", "url": reverse("students:duty")})
        result.append(Panel(title="大厅巡查待整改", rows=rows, empty="大厅巡查没有未整改的问题", order=60))
    return result
