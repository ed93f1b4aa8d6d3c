"""The pages of cardreader (Chinese): the reception kiosk, the lesson slip, cards, and the
manual deduction. Thin: parse a form, call a service, show its refusal beside the field."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billing.forms import DeductionForm
from billing.models import LessonPackage, Payment
from billing.roles import ROLES as BILLING_ROLES
from billing.selectors import scoped_package_or_404
from billing.services import lesson_refusal
from core.decorators import staff_required
from core.errors import DomainError
from core.models import Staff
from core.roles import Role
from core.scoping import get_scoped_or_404, scope
from scheduling.models import Attendance
from scheduling.services import checkin_manual
from students.models import Student
from students.selectors import scoped_student_or_404, student_search

from . import selectors, services
from .forms import CardForm, TeacherCardForm
from .models import Card, Swipe
from .roles import ROLES

# who issues and replaces cards, by the name the student file's card section reads
CARD_DESK = ROLES["cards"]


def _find_students(request: HttpRequest, q: str) -> list[Student]:
    """The first students of the caller's campus the search box finds (none for no text)."""
    if not q.strip():
        return []
    return list(student_search(scope(request, Student.objects.all()), q).order_by("name")[:20])


# --- kiosk -------------------------------------------------------------------------------


@staff_required(*ROLES["swipe"])
def kiosk(request: HttpRequest) -> HttpResponse:
    """前台刷卡签到: the page catches a reader's burst wherever the focus is (kiosk.js)."""
    recent = selectors.recent_swipes(scope(request, Swipe.objects.all()), limit=10)
    return render(request, "cardreader/kiosk.html", {"recent": recent})


@staff_required(*ROLES["swipe"])
def kiosk_ping(request: HttpRequest) -> JsonResponse:
    """The kiosk asks this every few seconds to know whether the server can be reached."""
    return JsonResponse({"ok": True, "now": timezone.localtime().isoformat()})


@staff_required(*ROLES["slip"])
def slip(request: HttpRequest, attendance_id: int) -> HttpResponse:
    """课次小票: a narrow printable slip of one check-in."""
    attendance = get_scoped_or_404(
        request,
        Attendance.objects.select_related(
            "student", "package", "ledger_entry", "lesson__teacher__user", "campus"
        ),
        attendance_id,
    )
    return render(request, "cardreader/slip.html", {"a": attendance, "printed_at": timezone.localtime()})


# --- cards -------------------------------------------------------------------------------


@staff_required(*ROLES["cards"])
def cards(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:64]
    found = selectors.cards_of_campus(scope(request, Card.objects.all()), q)
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    students = _find_students(request, q)
    return render(request, "cardreader/cards.html", {"page": page, "q": q, "students": students})


def _card_form_page(
    request: HttpRequest,
    form: CardForm,
    act: Callable[[dict[str, Any]], str | tuple[str, str]],
    context: dict[str, Any],
) -> HttpResponse:
    """A card form (issue, a teacher's card, replace): on a valid POST `act` calls the
    service and says what was done (and where to go next: the cards unless it says), a
    refusal beside its field."""
    if request.method == "POST" and form.is_valid():
        try:
            done = act(form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            said, next_url = done if isinstance(done, tuple) else (done, reverse("cardreader:cards"))
            messages.success(request, said)
            return redirect(next_url)
    return render(
        request, "cardreader/card_form.html", {"form": form, **context}, status=422 if form.errors else 200
    )


@staff_required(*ROLES["cards"])
def card_issue(request: HttpRequest, student_id: int) -> HttpResponse:
    student = scoped_student_or_404(request, student_id)

    def issue(data: dict[str, Any]) -> str:
        card = services.card_issue(student=student, by=request.staff, **data)
        return _("已为 %(name)s 办卡 %(number)s，收押金 ¥20.00") % {"name": student.name, "number": card.card_number}

    return _card_form_page(
        request,
        CardForm(request.POST or None),
        issue,
        {
            "title": _("为 %(name)s 办卡") % {"name": student.name},
            "student": student,
            "active": student.cards.filter(status=Card.Status.ACTIVE).first(),
            "note": _("办卡收取押金 ¥20.00，退卡时退还。"),
        },
    )


@staff_required(*ROLES["cards"])
def teacher_card_issue(request: HttpRequest) -> HttpResponse:
    teachers = scope(request, Staff.objects.filter(role=Role.TEACHER).select_related("user")).order_by(
        "user__username"
    )

    def issue(data: dict[str, Any]) -> str:
        services.card_issue_teacher(by=request.staff, **data)
        return _("已为 %(name)s 办理教员卡") % {"name": data["teacher"].display_name}

    return _card_form_page(
        request,
        TeacherCardForm(request.POST or None, teachers=teachers),
        issue,
        {"title": _("办理教员卡"), "note": _("教员卡用于上下班打卡，不收押金。")},
    )


def _cards_qs() -> QuerySet[Card]:
    return Card.objects.select_related("student", "teacher__user", "campus")


@staff_required(*ROLES["cards"])
def card_lost(request: HttpRequest, card_id: int) -> HttpResponse:
    """挂失, asked first: the page says which card and whose, the POST reports it lost."""
    card = get_scoped_or_404(request, _cards_qs(), card_id)
    if request.method != "POST":
        return render(request, "cardreader/card_lost.html", {"card": card})
    try:
        services.card_report_lost(card=card, by=request.staff)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("卡 %(number)s 已挂失") % {"number": card.card_number})
    return redirect("cardreader:cards")


@require_POST
@staff_required(*ROLES["cards"])
def card_return(request: HttpRequest, card_id: int) -> HttpResponse:
    card = get_scoped_or_404(request, _cards_qs(), card_id)
    try:
        _card, refunded = services.card_return(card=card, by=request.staff)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("卡 %(number)s 已退，退还押金 ¥%(amount)s")
            % {"number": card.card_number, "amount": f"{refunded:.2f}"},
        )
    return redirect("cardreader:cards")


@staff_required(*ROLES["cards"])
def card_replace(request: HttpRequest, card_id: int) -> HttpResponse:
    old = get_scoped_or_404(request, _cards_qs(), card_id)

    def replace(data: dict[str, Any]) -> str | tuple[str, str]:
        new = services.card_replace(card=old, by=request.staff, **data)
        said = _("已补办新卡 %(number)s") % {"number": new.card_number}
        if not new.student_id:
            return said
        # the fee's receipt, to print for the family: the page the desk lands on
        fee = Payment.objects.filter(student=new.student, purpose=Payment.Purpose.CARD_FEE).order_by("-pk").first()
        return said + _("，收工本费 ¥20.00"), reverse("billing:receipt", args=[fee.pk])

    return _card_form_page(
        request,
        CardForm(request.POST or None),
        replace,
        {
            "title": _("补办 %(holder)s 的卡（原卡 %(number)s）")
            % {"holder": old.holder_name, "number": old.card_number},
            "note": _("只有已挂失的卡才能补办；补卡收工本费 ¥20.00，押金转到新卡。"),
            "old": old,
        },
    )


# --- manual deduction --------------------------------------------------------------------


def _packages_of(students: list[Student]) -> dict[int, list[LessonPackage]]:
    by_student: dict[int, list[LessonPackage]] = {s.pk: [] for s in students}
    now = timezone.now()
    for package in LessonPackage.objects.filter(student__in=students, refunded_at__isnull=True).order_by(
        "valid_until", "pk"
    ):
        package.refusal = lesson_refusal(package, now)
        by_student[package.student_id].append(package)
    return by_student


@staff_required(*BILLING_ROLES["deduct"])
def deduct(request: HttpRequest) -> HttpResponse:
    """手工扣课: find the student (name, phone, card), pick the package, give the reason."""
    return _deduct_page(request, DeductionForm())


def _deduct_page(
    request: HttpRequest, form: DeductionForm, chosen: LessonPackage | None = None, status: int = 200
) -> HttpResponse:
    q = (request.GET.get("q") or request.POST.get("q") or "")[:64]
    students = _find_students(request, q)
    if chosen is not None and chosen.student not in students:
        students.insert(0, chosen.student)  # the refusal is shown beside the package it concerns
    packages = _packages_of(students)
    rows = [{"student": s, "packages": packages[s.pk]} for s in students]
    return render(
        request,
        "cardreader/deduct.html",
        {"q": q, "rows": rows, "form": form, "chosen": chosen.pk if chosen else None},
        status=status,
    )


@require_POST
@staff_required(*BILLING_ROLES["deduct"])
def deduct_package(request: HttpRequest, package_id: int) -> HttpResponse:
    package = scoped_package_or_404(request, package_id)
    form = DeductionForm(request.POST)
    if form.is_valid():
        try:
            attendance = checkin_manual(package=package, reason=form.cleaned_data["reason"], by=request.staff)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            package.refresh_from_db()
            messages.success(
                request,
                _("%(name)s 已手工扣除 1 课时，剩余 %(left)s 课时")
                % {"name": package.student.name, "left": package.lessons_left},
            )
            return redirect("cardreader:slip", attendance_id=attendance.pk)
    return _deduct_page(request, form, chosen=package, status=422)
