"""Scheduling's scheduled jobs (core/jobs.py): tomorrow's lessons and group sessions (the
front desk's day-ahead confirmation list, a notice to each teacher and each family),
payments due before a booked lesson, teacher upkeep (教员维护) each month, and the
timetable notifications actually sent."""

from datetime import date, datetime, timedelta

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from billing.jobs import package_link, parent_phone
from billing.models import LessonPackage
from billing.selectors import packages_payment_due
from core.dates import day_bounds, local_day
from core.jobs import Job
from core.messaging import message_queue
from core.models import Campus, Message, Staff
from core.roles import Role
from core.todos import staff_of, todos_raise

from . import selectors
from .models import GroupMember, GroupSession, Lesson, Notification


def _when(starts_at: datetime) -> str:
    return f"{timezone.localtime(starts_at):%m-%d %H:%M}"


def tomorrows_sessions(campus: Campus, day: date):
    start, end = day_bounds(day)
    return (
        GroupSession.objects.filter(campus=campus, status=Lesson.Status.SCHEDULED, starts_at__gte=start, starts_at__lt=end)
        .select_related("group__subject", "teacher__user", "room")
        .order_by("starts_at", "pk")
    )


def day_ahead(at: datetime) -> int:
    """Tomorrow's lessons and sessions: the front desk's confirmation list (a to-do
    linking to 明日课前确认), one notice to each teacher with their day, one to each
    family for each lesson or session."""
    day = local_day(at)
    tomorrow = day + timedelta(days=1)
    created = 0
    for campus in Campus.objects.all():
        lessons = list(selectors.day_ahead(campus=campus, day=tomorrow))
        sessions = list(tomorrows_sessions(campus, tomorrow))
        if not lessons and not sessions:
            continue
        created += todos_raise(
            staff_of(campus, [Role.FRONT_DESK]), kind="day_ahead", key=f"day_ahead:{tomorrow}", day=day,
            text=f"明日（{tomorrow:%m-%d}）课前确认：{len(lessons)} 节小课、{len(sessions)} 次大课",
            link=reverse("scheduling:day_ahead"),
        )
        by_teacher: dict[Staff, list[str]] = {}
        for lesson in lessons:
            line = f"{_when(lesson.starts_at)} {lesson.student.name} {lesson.subject}" + (
                f" {lesson.room.name}" if lesson.room_id else ""
            )
            by_teacher.setdefault(lesson.teacher, []).append(line)
            created += message_queue(
                to=parent_phone(lesson.student), campus=campus, key=f"day_ahead:lesson:{lesson.pk}:{tomorrow}",
                body=f"【{campus.name}】温馨提示：{lesson.student.name} 明天 {_when(lesson.starts_at)} "
                f"有{lesson.subject}课（教员{lesson.teacher}），如需请假请提前联系前台。",
            ) is not None
        for session in sessions:
            by_teacher.setdefault(session.teacher, []).append(f"{_when(session.starts_at)} {session.group.name}（大课）")
            members = GroupMember.objects.filter(group_id=session.group_id).select_related("student")
            for member in members.prefetch_related("student__guardians"):
                created += message_queue(
                    to=parent_phone(member.student), campus=campus,
                    key=f"day_ahead:session:{session.pk}:{member.student_id}",
                    body=f"【{campus.name}】温馨提示：{member.student.name} 明天 {_when(session.starts_at)} "
                    f"有{session.group.name}大课，如需请假请提前联系前台。",
                ) is not None
        for teacher, lines in by_teacher.items():
            created += message_queue(
                to=teacher.phone, campus=campus, staff=True, key=f"day_ahead:teacher:{teacher.pk}:{tomorrow}",
                body=f"【{campus.name}】{teacher} 老师，您明天（{tomorrow:%m-%d}）的课：\n" + "\n".join(lines),
            ) is not None
    return created


def _booked_ahead(package: LessonPackage, at: datetime) -> bool:
    """A lesson or a group session is booked after `at` that would draw on `package`."""
    lessons = Lesson.objects.filter(
        student_id=package.student_id, status=Lesson.Status.SCHEDULED, starts_at__gte=at
    ).filter(package__in=[package.pk, None]) if package.kind == LessonPackage.Kind.ONE_ON_ONE else Lesson.objects.none()
    sessions = GroupSession.objects.filter(
        status=Lesson.Status.SCHEDULED, starts_at__gte=at,
        group__in=GroupMember.objects.filter(student_id=package.student_id).values("group_id"),
    ) if package.kind == LessonPackage.Kind.GROUP else GroupSession.objects.none()
    return lessons.exists() or sessions.exists()


def payments_due(at: datetime) -> int:
    """待收学费 (billing's `packages_payment_due`): a half plan nearing half used, and a
    deposit-only package with a lesson booked (no lesson until it is paid) — a to-do for
    the front desk."""
    day = local_day(at)
    created = 0
    for campus in Campus.objects.all():
        desk = list(staff_of(campus, [Role.FRONT_DESK]))
        for package in packages_payment_due(campus):
            if package.payment_plan == LessonPackage.Plan.DEPOSIT:
                if not _booked_ahead(package, at):
                    continue
                why = "定金未付清，已排课，上课前须付清"
            else:
                why = f"半款，已用 {package.lessons_used} 课时（第 {package.half_plan_lessons} 课时前须付清）"
            created += todos_raise(
                desk, kind="payment_due", key=f"payment_due:{package.pk}", day=day,
                text=f"催缴学费 {package.student.name} · {package.course}：尚欠 ¥{package.balance_due:.2f}，{why}",
                link=package_link(package),
            )
    return created


def _month_before(day: date) -> tuple[date, date]:
    last = day.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def teacher_upkeep(at: datetime) -> int:
    """教员维护, on the first of each month: each teacher who taught no lesson and no
    group session last month gets a message, and the dean a to-do to keep in touch."""
    day = local_day(at)
    first, last = _month_before(day)
    start, end = day_bounds(first)[0], day_bounds(last)[1]
    taught = Lesson.objects.filter(teacher=OuterRef("pk"), starts_at__gte=start, starts_at__lt=end).exclude(
        status=Lesson.Status.CANCELLED
    )
    led = GroupSession.objects.filter(teacher=OuterRef("pk"), starts_at__gte=start, starts_at__lt=end).exclude(
        status=Lesson.Status.CANCELLED
    )
    idle = (
        Staff.objects.filter(role=Role.TEACHER, user__is_active=True)
        .exclude(Exists(taught)).exclude(Exists(led))
        .select_related("user", "campus")
    )
    created = 0
    month = f"{first:%Y-%m}"
    for teacher in idle:
        key = f"teacher_upkeep:{teacher.pk}:{month}"
        created += message_queue(
            to=teacher.phone, campus=teacher.campus, staff=True, key=key,
            body=f"【{teacher.campus.name}】{teacher} 老师您好，{first:%Y 年 %m 月}您没有排课。"
            "学校近期有新学员，如有空余时间请告诉我们，期待继续合作！",
        ) is not None
        created += todos_raise(
            staff_of(teacher.campus, [Role.DEAN]), kind="teacher_upkeep", key=key, day=day,
            text=f"教员维护：{teacher} {first:%m} 月没有课，请联系",
            link=reverse("scheduling:teacher_profile", args=[teacher.pk]),
        )
    return created


def notifications_send(at: datetime) -> int:
    """The timetable's notifications (scheduling.Notification) go out as messages; a
    notification is marked sent when its message is. Returns how many were queued."""
    queued = 0
    pending = list(Notification.objects.filter(sent_at__isnull=True).select_related("campus").order_by("pk")[:500])
    keys = {f"schedule_notification:{note.pk}": note.pk for note in pending}
    for note in pending:
        queued += message_queue(
            to=note.phone, campus=note.campus, key=f"schedule_notification:{note.pk}", body=note.message,
            staff=note.recipient == Notification.Recipient.TEACHER,
        ) is not None
    for key, sent_at in Message.objects.filter(key__in=keys, status=Message.Status.SENT).values_list("key", "sent_at"):
        Notification.objects.filter(pk=keys[key], sent_at__isnull=True).update(sent_at=sent_at)
    return queued


JOBS = [
    Job(name="day_ahead", title="明日课程：前台课前确认、通知教员和家长", run=day_ahead, hour="17", minute="0"),
    Job(name="payments_due", title="待收学费（半款过半、定金已排课）", run=payments_due, hour="9", minute="0"),
    Job(name="teacher_upkeep", title="教员维护（上月无课的教员）", run=teacher_upkeep, day_of_month="1", hour="10",
        minute="0"),
    Job(name="notifications_send", title="发送排课通知", run=notifications_send, minute="*/2", daily=False),
]
