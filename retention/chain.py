"""Follow-ups and monthly records of a generated chain (`generate_chain`): each student's
advisor called the family after the first lesson on the timetable (so no chain student
still owes that call) and every week of the last eight, and, for each month the last four
weeks' lessons fell in, recorded the month's assessment of the student's subject and the
learning plan — all but a few (`MISSED`), whom the nightly audit then charges."""

from collections import defaultdict
from datetime import date, datetime, timedelta

from core.bulkload import Chain
from core.dates import local_day
from core.roles import Role

from .models import FollowUp, LearningPlan, MonthlyAssessment

WEEKS = 8
MISSED = 0.03  # the share of students whose month lacks the assessment (and, apart, the plan)
SUMMARIES = ["孩子本周练琴认真，家长满意", "沟通上课时间，家长希望固定周末", "反馈作业完成情况", "提醒下周课程安排"]
ANALYSES = ["音准进步明显，节奏需加强", "识谱速度提高，左手需多练", "曲目完成度好，表现力待提升"]
PLANS = ["本月巩固音阶与练习曲，每天练琴 30 分钟", "下月准备考级曲目，加强视奏", "调整手型，放慢速度练习难点段落"]


def generate(chain: Chain) -> None:
    follow_ups = chain.writer(FollowUp)
    for student in chain.students:
        first = chain.lesson_slot(student, -chain.RECENT_WEEKS)[0] + timedelta(hours=2)
        follow_ups.add(campus_id=student.campus_id, student_id=student.id, by_id=student.advisor_id,
                       contact="parent", channel="phone", kind="after_first_lesson", summary="首课后回访，家长满意",
                       satisfaction=5, contacted_at=first, created_at=first)
        for week in range(-WEEKS, 0):
            at = chain.week + timedelta(weeks=week, days=chain.rng.randint(0, 4), hours=chain.rng.randint(10, 19))
            follow_ups.add(campus_id=student.campus_id, student_id=student.id, by_id=student.advisor_id,
                           contact="parent", channel="phone", kind="regular", summary=chain.rng.choice(SUMMARIES),
                           satisfaction=chain.rng.randint(3, 5), contacted_at=at, created_at=at)
    follow_ups.close()
    _monthly_records(chain)


def _monthly_records(chain: Chain) -> None:
    assessments, plans = chain.writer(MonthlyAssessment), chain.writer(LearningPlan)
    for student in chain.students:
        subject_id = chain.subject_of(student)
        starts: dict[date, list[datetime]] = defaultdict(list)  # month → its lessons' starts
        for week in range(-chain.RECENT_WEEKS, 0):
            start, teacher = chain.lesson_slot(student, week)
            starts[local_day(start).replace(day=1)].append(start)
        teacher_id = chain.staff[student.campus_id][Role.TEACHER][teacher]  # the same each week
        for month, month_starts in sorted(starts.items()):
            at = max(month_starts) + timedelta(hours=2)
            if chain.rng.random() >= MISSED:
                assessments.add(campus_id=student.campus_id, student_id=student.id, month=month, subject_id=subject_id,
                                score=str(chain.rng.randint(75, 98)), analysis=chain.rng.choice(ANALYSES),
                                by_id=student.advisor_id, created_at=at)
            if chain.rng.random() >= MISSED:
                plans.add(campus_id=student.campus_id, student_id=student.id, month=month,
                          content=chain.rng.choice(PLANS), by_id=teacher_id, created_at=at)
    assessments.close()
    plans.close()
