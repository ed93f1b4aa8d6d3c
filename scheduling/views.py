"""Pages of scheduling (Chinese UI). Thin: parse a form, call a service or a selector,
show the refusal beside the field it concerns."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billing.forms import DeductionForm
from billing.roles import ROLES as BILLING_ROLES
from billing.selectors import scoped_package_or_404
from billing.views import package_page
from core.decorators import staff_required
from core.errors import DomainError
from core.models import Staff
from core.roles import Role, allows
from core.scoping import get_scoped_or_404
from students.models import Student
from students.picker import StudentPicker
from students.selectors import scoped_student_or_404

from . import selectors, services
from .forms import (
    CancelForm,
    ClockCorrectionForm,
    ClockForm,
    GroupClassForm,
    GroupMemberForm,
    GroupSessionForm,
    LeaveForm,
    LessonForm,
    MatchForm,
    RescheduleForm,
    RosterActionForm,
    SchedulingForm,
    TeacherChangeForm,
    TeacherProfileForm,
    TimeSpanForm,
    day_param,
    week_param,
)
from .models import GroupClass, GroupSession, Lesson, Room, TeacherProfile
from .pdf import copies_for, timetable_pdf
from .roles import ROLES
from .rules import is_late_notice, notice_deadline


def _lesson(request: HttpRequest, pk: int) -> Lesson:
    qs = Lesson.objects.select_related("campus", "student", "teacher__user", "subject", "room", "makeup_for")
    if request.staff.role == Role.TEACHER:
        qs = qs.filter(teacher=request.staff)
    return get_scoped_or_404(request, qs, pk)


def _can_schedule(request: HttpRequest) -> bool:
    return allows(ROLES["schedule"], request.staff.role)


def _campus_teachers(request: HttpRequest) -> QuerySet[Staff]:
    return selectors.teachers_of(campus=request.campus)


# --- timetables --------------------------------------------------------------------------


def _week_filters(request: HttpRequest) -> dict[str, Any]:
    """Whose week: ?teacher=, ?student= or ?room= (ids of the caller's campus); a teacher
    always sees their own."""
    campus = request.campus
    found: dict[str, Any] = {"teacher": None, "student": None, "room": None}
    if request.staff.role == Role.TEACHER:
        found["teacher"] = request.staff
        return found
    for key, qs in (
        ("teacher", _campus_teachers(request)),
        ("student", Student.objects.filter(campus=campus)),
        ("room", Room.objects.filter(campus=campus)),
    ):
        value = request.GET.get(key)
        if value:
            found[key] = qs.filter(pk=value).first() if value.isdigit() else None
            if found[key] is None:
                raise Http404
    return found


def _whose(filters: dict[str, Any], campus_name: str) -> str:
    if filters["teacher"] is not None:
        return f"教员：{filters['teacher']}"
    if filters["student"] is not None:
        return f"学员：{filters['student'].name}"
    if filters["room"] is not None:
        return f"教室：{filters['room'].name}"
    return f"校区：{campus_name}"


@staff_required(*ROLES["view"])
def week(request: HttpRequest) -> HttpResponse:
    """The week grid (周课表) of the campus, a teacher, a student or a room."""
    monday = week_param(request.GET.get("week"))
    filters = _week_filters(request)
    days = selectors.week_timetable(campus=request.campus, monday=monday, **filters)
    query = {k: v.pk for k, v in filters.items() if v is not None and request.staff.role != Role.TEACHER}
    return render(
        request,
        "scheduling/week.html",
        {
            "days": days,
            "monday": monday,
            "prev_week": monday - timedelta(days=7),
            "next_week": monday + timedelta(days=7),
            "whose": _whose(filters, request.campus.name),
            "filters": filters,
            "query": "&".join(f"{k}={v}" for k, v in query.items()),
            "teachers": _campus_teachers(request),
            "rooms": Room.objects.filter(campus=request.campus),
            # the student of the week, chosen with the student picker (empty: everyone's)
            "student_picker": StudentPicker(queryset=Student.objects.filter(campus=request.campus)).render(
                "student", filters["student"].pk if filters["student"] else None, {"id": "week-student"}
            ),
            "today": timezone.localdate(),
            "can_book": _can_schedule(request),
        },
    )


@staff_required(*ROLES["view"])
def week_pdf(request: HttpRequest) -> HttpResponse:
    """The week printed in three copies: teacher, parent, archive — the parent's only of one
    student's week (`pdf.copies_for`)."""
    monday = week_param(request.GET.get("week"))
    filters = _week_filters(request)
    days = selectors.week_timetable(campus=request.campus, monday=monday, **filters)
    content = timetable_pdf(
        campus=request.campus, monday=monday, subject_line=_whose(filters, request.campus.name), days=days,
        copies=copies_for(one_student=filters["student"] is not None),
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="timetable-{monday:%Y%m%d}.pdf"'
    return response


# --- booking -----------------------------------------------------------------------------


@staff_required(*ROLES["schedule"])
def lesson_new(request: HttpRequest) -> HttpResponse:
    """Book a lesson, or a weekly series when 重复周数 > 1."""
    initial = {k: request.GET[k] for k in ("student", "teacher", "day", "start", "end") if request.GET.get(k)}
    form = LessonForm(request.POST or None, campus=request.campus, initial={"weeks": 1, **initial})
    report = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        common = {
            "student": data["student"], "teacher": data["teacher"], "subject": data["subject"], "by": request.staff,
            "room": data["room"] or None, "lesson_kind": data["lesson_kind"],
        }
        try:
            if data["weeks"] > 1:
                report = services.lesson_series_create(
                    first_starts_at=form.starts_at, first_ends_at=form.ends_at, weeks=data["weeks"], **common
                )
                messages.success(
                    request, f"已排 {len(report.booked)} 节，{len(report.skipped)} 节因撞课未排"
                )
            else:
                lesson = services.lesson_book(starts_at=form.starts_at, ends_at=form.ends_at, **common)
                messages.success(request, f"已排课：{lesson}")
                return redirect("scheduling:lesson_detail", pk=lesson.pk)
        except DomainError as exc:
            form.add_domain_error(exc)
    status = 422 if request.method == "POST" and form.errors else 200
    return render(
        request,
        "scheduling/lesson_form.html",
        {"form": form, "report": report, "rooms": Room.objects.filter(campus=request.campus)},
        status=status,
    )


@staff_required(*ROLES["schedule"])
def lesson_check(request: HttpRequest) -> HttpResponse:
    """The live conflict message of the lesson and reschedule forms (htmx, as you type)."""
    exclude = _lesson(request, int(request.GET["lesson"])) if request.GET.get("lesson", "").isdigit() else None
    data = request.GET.copy()
    if exclude is not None:
        data.update({"student": exclude.student_id, "teacher": exclude.teacher_id, "subject": exclude.subject_id})
    form = LessonForm(data, campus=request.campus)
    form.is_valid()
    clean = form.cleaned_data
    span = TimeSpanForm(data)
    starts_at = ends_at = None
    if span.is_valid():
        starts_at, ends_at = span.starts_at, span.ends_at
    problems = selectors.booking_problems(
        campus=request.campus, student=clean.get("student"), teacher=clean.get("teacher"),
        subject=clean.get("subject"), starts_at=starts_at, ends_at=ends_at, room_name=data.get("room", ""),
        exclude_lesson=exclude,
    )
    ready = starts_at is not None and (exclude is not None or all(clean.get(k) for k in ("student", "teacher")))
    return render(request, "scheduling/_check.html", {"problems": problems, "ready": ready})


@staff_required(*ROLES["view"])
def lesson_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = _lesson(request, pk)
    return render(
        request,
        "scheduling/lesson_detail.html",
        {
            "lesson": lesson,
            "changes": lesson.changes.select_related("created_by__user"),
            "attendances": lesson.attendances.select_related("package"),
            "makeups": lesson.makeups.all(),
            "notifications": lesson.notifications.all()[:10],
            "can_change": _can_schedule(request),
        },
    )


def _change_page(
    request: HttpRequest,
    pk: int,
    form_class: type[SchedulingForm],
    template: str,
    act: Callable[[Lesson, Any], Lesson],
    said: Callable[[Lesson], str],
) -> HttpResponse:
    """A change of one lesson (leave, reschedule, make-up, cancel): the form, `act` (the
    service) on a valid POST, then the lesson page with what `said` says of the result."""
    lesson = _lesson(request, pk)
    form = form_class(request.POST or None, initial=_initial_span(lesson, form_class))
    result = form.submit(lambda data: act(lesson, form))
    if result:
        messages.success(request, said(result))
        return redirect("scheduling:lesson_detail", pk=result.pk)
    status = 422 if request.method == "POST" and form.errors else 200
    return render(
        request, template,
        {
            "lesson": lesson, "form": form, "late": is_late_notice(lesson, timezone.now()),
            "notice_line": notice_deadline(lesson),
        },
        status=status,
    )


def _initial_span(lesson: Lesson, form_class: type[SchedulingForm]) -> dict[str, Any]:
    if not issubclass(form_class, TimeSpanForm):
        return {}
    start, end = timezone.localtime(lesson.starts_at), timezone.localtime(lesson.ends_at)
    return {"day": start.date(), "start": start.time(), "end": end.time(), "room": lesson.room.name if lesson.room else ""}


@staff_required(*ROLES["schedule"])
def lesson_leave(request: HttpRequest, pk: int) -> HttpResponse:
    return _change_page(
        request, pk, LeaveForm, "scheduling/lesson_leave.html",
        lambda lesson, form: services.lesson_leave(lesson=lesson, reason=form.cleaned_data["reason"], by=request.staff),
        lambda done: "已请假" + ("（不足 24 小时，已标记为临时请假）" if done.late_notice else ""),
    )


@staff_required(*ROLES["schedule"])
def lesson_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    return _change_page(
        request, pk, RescheduleForm, "scheduling/lesson_reschedule.html",
        lambda lesson, form: services.lesson_reschedule(
            lesson=lesson, by=request.staff, reason=form.cleaned_data["reason"], **form.new_time()
        ),
        lambda done: "已调课" + ("（不足 24 小时，已标记为临时调课）" if done.late_notice else ""),
    )


@staff_required(*ROLES["schedule"])
def lesson_makeup(request: HttpRequest, pk: int) -> HttpResponse:
    return _change_page(
        request, pk, TimeSpanForm, "scheduling/lesson_makeup.html",
        lambda lesson, form: services.lesson_makeup(lesson=lesson, by=request.staff, **form.new_time()),
        lambda done: "已安排补课",
    )


@staff_required(*ROLES["schedule"])
def lesson_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _change_page(
        request, pk, CancelForm, "scheduling/lesson_cancel.html",
        lambda lesson, form: services.lesson_cancel(lesson=lesson, reason=form.cleaned_data["reason"], by=request.staff),
        lambda done: "已取消，可稍后安排补课",
    )


# --- the front desk's lists --------------------------------------------------------------


@staff_required(*ROLES["schedule"])
def day_ahead(request: HttpRequest) -> HttpResponse:
    """Tomorrow's lessons to confirm with each family (课前确认)."""
    day = day_param(request.GET.get("day"), timezone.localdate() + timedelta(days=1))
    lessons = selectors.day_ahead(campus=request.campus, day=day)
    return render(
        request, "scheduling/day_ahead.html",
        {"day": day, "lessons": lessons, "prev": day - timedelta(days=1), "next": day + timedelta(days=1)},
    )


@require_POST
@staff_required(*ROLES["schedule"])
def lesson_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = _lesson(request, pk)
    try:
        services.lesson_confirm(lesson=lesson, by=request.staff)
    except DomainError as exc:
        messages.error(request, exc.message)
    day = timezone.localtime(lesson.starts_at).date()
    return redirect(reverse("scheduling:day_ahead") + f"?day={day:%Y-%m-%d}")


@staff_required(*ROLES["reconcile"])
def reconciliation(request: HttpRequest) -> HttpResponse:
    """Scheduled lessons nobody checked in for, and check-ins with no lesson (对账)."""
    day = day_param(request.GET.get("day"), timezone.localdate())
    start, end = selectors.day_bounds(day)
    return render(
        request, "scheduling/reconciliation.html",
        {
            "day": day, "prev": day - timedelta(days=1), "next": day + timedelta(days=1),
            "no_shows": selectors.no_shows(campus=request.campus, start=start, end=end),
            "unmatched": selectors.checkins_without_lesson(campus=request.campus, start=start, end=end),
        },
    )


@staff_required(*ROLES["manage_teachers"])
def timekeeping(request: HttpRequest) -> HttpResponse:
    """Teachers' clock-ins of a day; late = in later than 10 minutes before the first lesson.
    A teacher clocks 上班 / 下班 here (today); the dean corrects a wrong or missing clock."""
    day = day_param(request.GET.get("day"), timezone.localdate())
    action = request.POST.get("action")
    clock_form = ClockForm(request.POST if action == "clock" else None, campus=request.campus)
    may_correct = allows(ROLES["correct_clocks"], request.staff.role)
    correction_form = ClockCorrectionForm(
        request.POST if action == "correct" else None, campus=request.campus, day=day
    )
    if request.method == "POST":
        try:
            if clock_form.is_bound and clock_form.is_valid():
                clock = services.teacher_clock(
                    teacher=clock_form.cleaned_data["teacher"], at=timezone.now(), source=_("教员考勤页"),
                    kind=clock_form.cleaned_data["kind"],
                )
                messages.success(request, f"{clock.teacher.display_name} {clock.get_kind_display()}打卡成功")
                return redirect(f"{reverse('scheduling:timekeeping')}?day={clock.day:%Y-%m-%d}")
            if correction_form.is_bound:
                if not may_correct:
                    raise PermissionDenied
                if correction_form.is_valid():
                    data = correction_form.cleaned_data
                    services.teacher_clock_correct(
                        by=request.staff, teacher=data["teacher"], clock=data["clock"], at=correction_form.at,
                        kind=data["kind"], reason=data["reason"],
                    )
                    messages.success(request, _("已更正考勤"))
                    return redirect(f"{reverse('scheduling:timekeeping')}?day={day:%Y-%m-%d}")
        except DomainError as exc:
            (clock_form if clock_form.is_bound else correction_form).add_domain_error(exc)
    status = 422 if clock_form.errors or correction_form.errors else 200
    return render(
        request, "scheduling/timekeeping.html",
        {
            "day": day, "prev": day - timedelta(days=1), "next": day + timedelta(days=1),
            "rows": selectors.timekeeping(campus=request.campus, day=day),
            "lead_minutes": int(selectors.CLOCK_IN_LEAD.total_seconds() // 60),
            "clock_form": clock_form, "correction_form": correction_form if may_correct else None,
            "corrections": selectors.clock_corrections(campus=request.campus, day=day),
        },
        status=status,
    )


# --- teachers ----------------------------------------------------------------------------


@staff_required(*ROLES["schedule"])
def teachers(request: HttpRequest) -> HttpResponse:
    """The campus's teachers with their profile, and the matching helper."""
    form = MatchForm(request.GET or None, campus=request.campus)
    matches = None
    if request.GET and form.is_valid():
        data = form.cleaned_data
        matches = selectors.teacher_matches(
            campus=request.campus, subject=data["subject"].name, student=data["student"],
            weekday=data["weekday"], start=data["start"], end=data["end"],
        )
    teacher_list = _campus_teachers(request).prefetch_related("subjects", "teacher_profile__free_slots")
    return render(request, "scheduling/teachers.html", {"teachers": teacher_list, "form": form, "matches": matches})


@staff_required(*ROLES["manage_teachers"])
def teacher_profile(request: HttpRequest, pk: int) -> HttpResponse:
    teacher = get_scoped_or_404(request, Staff.objects.filter(role=Role.TEACHER).select_related("user"), pk)
    profile = TeacherProfile.objects.filter(teacher=teacher).prefetch_related("free_slots").first()
    initial = {}
    if profile is not None:
        initial = {
            "level": profile.level, "style": profile.style, "bio": profile.bio,
            "free_slots": "\n".join(str(slot) for slot in profile.free_slots.all()),
        }
    form = TeacherProfileForm(request.POST or None, initial=initial or {"level": TeacherProfile.Level.INTERMEDIATE})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.teacher_profile_save(
                teacher=teacher, by=request.staff, level=data["level"], style=data["style"], bio=data["bio"],
                free_slots=data["free_slots"],
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已保存 {teacher} 的档案")
            return redirect("scheduling:teachers")
    status = 422 if request.method == "POST" and form.errors else 200
    return render(request, "scheduling/teacher_profile.html", {"teacher": teacher, "form": form}, status=status)


@staff_required(*ROLES["schedule"])
def teacher_changes(request: HttpRequest) -> HttpResponse:
    """Change a student's teacher of a subject, and the count per student and subject."""
    form = TeacherChangeForm(request.POST or None, campus=request.campus)
    change = form.submit(
        lambda data: services.teacher_change(
            student=data["student"], subject=data["subject"], to_teacher=data["teacher"],
            requested_by=data["requested_by"], reason=data["reason"], by=request.staff,
        )
    )
    if change:
        messages.success(request, f"已更换教员，改派 {change.lessons_moved} 节课")
        return redirect("scheduling:teacher_changes")
    status = 422 if request.method == "POST" and form.errors else 200
    return render(
        request, "scheduling/teacher_changes.html",
        {"form": form, "counts": selectors.teacher_change_counts(campus=request.campus)},
        status=status,
    )


# --- group classes -----------------------------------------------------------------------


@staff_required(*ROLES["schedule"])
def groups(request: HttpRequest) -> HttpResponse:
    """Group classes (大课) of the campus; a new one is created here."""
    form = GroupClassForm(request.POST or None, campus=request.campus)
    group = form.submit(
        lambda data: services.group_class_create(
            campus=request.campus, name=data["name"], subject=data["subject"], teacher=data["teacher"],
            by=request.staff, room=data["room"] or None, capacity=data["capacity"],
        )
    )
    if group:
        messages.success(request, f"已创建班级“{group.name}”")
        return redirect("scheduling:group_detail", pk=group.pk)
    status = 422 if request.method == "POST" and form.errors else 200
    classes = (
        GroupClass.objects.filter(campus=request.campus)
        .select_related("subject", "teacher__user", "room")
        .annotate(size=Count("members", filter=Q(members__left_at__isnull=True), distinct=True))
        .order_by("name")
    )
    return render(request, "scheduling/groups.html", {"form": form, "classes": classes}, status=status)


@staff_required(*ROLES["schedule"])
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A group class: its roster and sessions; students and sessions are added here."""
    group = get_scoped_or_404(request, GroupClass.objects.select_related("subject", "teacher__user"), pk)
    member_form = GroupMemberForm(
        request.POST if request.POST.get("action") == "member" else None, campus=request.campus
    )
    session_form = GroupSessionForm(
        request.POST if request.POST.get("action") == "session" else None,
        initial={"weeks": 1, "room": group.room.name if group.room else ""},
    )
    report = None
    if request.method == "POST":
        try:
            if member_form.is_bound and member_form.is_valid():
                services.group_member_add(group=group, student=member_form.cleaned_data["student"], by=request.staff)
                messages.success(request, "已加入班级")
                return redirect("scheduling:group_detail", pk=group.pk)
            if session_form.is_bound and session_form.is_valid():
                weeks = session_form.cleaned_data["weeks"]
                if weeks == 1:
                    services.group_session_add(
                        group=group, starts_at=session_form.starts_at, ends_at=session_form.ends_at, by=request.staff,
                        room=session_form.cleaned_data["room"] or None,
                    )
                    messages.success(request, "已排大课")
                    return redirect("scheduling:group_detail", pk=group.pk)
                report = services.group_sessions_schedule(
                    group=group, first_starts_at=session_form.starts_at, first_ends_at=session_form.ends_at,
                    weeks=weeks, by=request.staff, room=session_form.cleaned_data["room"] or None,
                )
        except DomainError as exc:
            (member_form if member_form.is_bound else session_form).add_domain_error(exc)
    status = 422 if member_form.errors or session_form.errors else 200
    return render(
        request, "scheduling/group_detail.html",
        {
            "group": group, "member_form": member_form, "session_form": session_form, "report": report,
            "members": group.members.select_related("student", "left_by__user").order_by(
                F("left_at").desc(nulls_first=True), "student__name"
            ),
            "sessions": group.sessions.select_related("room").order_by("starts_at"),
            "sees_checkins": allows(ROLES["session_checkins"], request.staff.role),
        },
        status=status,
    )


@require_POST
@staff_required(*ROLES["schedule"])
def group_member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """退班: the member leaves the class (an end date and a reason; the row stays)."""
    group = get_scoped_or_404(request, GroupClass.objects.all(), pk)
    form = RosterActionForm(request.POST)
    if form.is_valid():
        student = scoped_student_or_404(request, form.cleaned_data["student"])
        try:
            services.group_member_remove(group=group, student=student, by=request.staff, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"{student.name} 已退班")
    else:
        messages.error(request, _("退班须填写原因"))
    return redirect("scheduling:group_detail", pk=group.pk)


@staff_required(*ROLES["session_checkins"])
def session_checkins(request: HttpRequest, pk: int, session_id: int) -> HttpResponse:
    """A group session's check-in list (dean, front desk): each member swiped / on leave /
    absent; an absent one is ticked in by hand (the manual deduction, with its reason) or
    given leave; the whole session can be cancelled (nobody charged, everyone notified)."""
    session = get_scoped_or_404(
        request, GroupSession.objects.select_related("group__subject", "teacher__user", "room", "campus"), session_id
    )
    if session.group_id != pk:
        raise Http404
    action = request.POST.get("action")
    row_form = RosterActionForm(request.POST if action in ("tick", "leave") else None)
    cancel_form = CancelForm(request.POST if action == "cancel" else None)
    if request.method == "POST":
        try:
            if row_form.is_bound and row_form.is_valid():
                student = scoped_student_or_404(request, row_form.cleaned_data["student"])
                reason = row_form.cleaned_data["reason"]
                if action == "tick":
                    package = services.session_package(session=session, student=student, at=timezone.now())
                    services.checkin_manual(package=package, by=request.staff, reason=reason, session=session)
                    messages.success(request, f"{student.name} 已手工签到，扣 1 课时（{package.course}）")
                else:
                    leave = services.session_leave(session=session, student=student, by=request.staff, reason=reason)
                    late = _("（不足24小时通知）") if leave.late_notice else ""
                    messages.success(request, f"{student.name} 已请假{late}")
                return redirect("scheduling:session_checkins", pk=pk, session_id=session.pk)
            if cancel_form.is_bound and cancel_form.is_valid():
                services.group_session_cancel(session=session, by=request.staff, reason=cancel_form.cleaned_data["reason"])
                messages.success(request, _("已取消本节大课，已通知教员和家长"))
                return redirect("scheduling:session_checkins", pk=pk, session_id=session.pk)
        except DomainError as exc:
            (row_form if row_form.is_bound else cancel_form).add_domain_error(exc)
    status = 422 if row_form.errors or cancel_form.errors else 200
    rows = selectors.session_roster(session)
    return render(
        request, "scheduling/session_checkins.html",
        {
            "session": session, "group": session.group, "rows": rows, "row_form": row_form, "cancel_form": cancel_form,
            "counts": {label: sum(1 for r in rows if r.state_label == label) for label in {r.state_label for r in rows}},
            "scheduled": session.status == Lesson.Status.SCHEDULED,
        },
        status=status,
    )


# --- 手工扣课 from billing's package page -------------------------------------------------


@require_POST
@staff_required(*BILLING_ROLES["deduct"])
def package_deduct(request: HttpRequest, package_id: int) -> HttpResponse:
    """手工扣课 on billing's package page (its path is billing's, /billing/packages/<id>/deduct/;
    scheduling/urls.py serves it). A lesson used by hand is a check-in, which billing cannot
    record: the same `checkin_manual` as the desk page and the API. Back to the package
    page, or that page again with the refusal beside the reason."""
    package = scoped_package_or_404(request, package_id)
    form = DeductionForm(request.POST)
    if form.is_valid():
        try:
            services.checkin_manual(package=package, reason=form.cleaned_data["reason"], by=request.staff)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("已扣除 1 课时，剩余 %(left)s 课时") % {"left": package.lessons_left})
            return redirect("billing:package", package_id=package.pk)
    return package_page(request, package, deduct_form=form, status=422)
