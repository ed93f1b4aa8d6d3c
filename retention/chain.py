"""Follow-ups of a generated chain (`generate_chain`): each student's advisor called the
family every week of the last eight."""

from datetime import timedelta

from core.bulkload import Chain

from .models import FollowUp

WEEKS = 8
SUMMARIES = ["孩子本周练琴认真，家长满意", "沟通上课时间，家长希望固定周末", "反馈作业完成情况", "提醒下周课程安排"]


def generate(chain: Chain) -> None:
    follow_ups = chain.writer(FollowUp)
    for student in chain.students:
        for week in range(-WEEKS, 0):
            at = chain.week + timedelta(weeks=week, days=chain.rng.randint(0, 4), hours=chain.rng.randint(10, 19))
            follow_ups.add(campus_id=student.campus_id, student_id=student.id, by_id=student.advisor_id,
                           contact="parent", channel="phone", kind="regular", summary=chain.rng.choice(SUMMARIES),
                           satisfaction=chain.rng.randint(3, 5), contacted_at=at, created_at=at)
    follow_ups.close()
