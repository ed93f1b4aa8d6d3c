"""/api/v1 endpoints of students (API.md). Thin: parse, check the role (students/roles.py,
the table the pages read too), call a service."""

from datetime import date, datetime
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import create_model

from core.apikit import ERRORS, TEXT, fields_of, paginate, require_allowed, scope, username_of
from core.apikit import get_scoped_or_404 as get_scoped
from core.contributions import student_api_fields
from core.errors import InvalidInput, NotFound
from core.models import Staff

from . import selectors, services
from .models import AdvisorAssignment, Assessment, Guardian, Lead, ReceptionEntry, Student
from .roles import ROLES

router = Router(tags=["students"])


# --- schemas --------------------------------------------------------------------------


class GuardianIn(Schema):
    name: TEXT = ""
    relation: TEXT = ""
    phone: TEXT = None
    is_primary: bool | None = False


class StudentPatch(Schema):
    """The file's own fields; a change names only those it changes."""

    name: TEXT = None
    gender: TEXT = None
    birthday: date | None = None
    address: TEXT = None
    school: TEXT = None
    grade: TEXT = None
    class_rank: TEXT = None
    personality: TEXT = None
    goals: TEXT = None
    home_situation: TEXT = None
    notes: TEXT = None
    learning_type: TEXT = None
    profile: TEXT = None


class StudentIn(StudentPatch):
    """A new file: its own fields (name, gender, birthday and address required), the family,
    and the advisor (a username) to hand it over to at once."""

    advisor: TEXT = None
    guardians: list[GuardianIn] | None = None


class GuardianOut(Schema):
    id: int
    name: str
    relation: str
    phone: str
    is_primary: bool


class StudentOut(Schema):
    id: int
    campus: str
    number: str = Field(description="学生编号: unique per campus")
    name: str
    gender: str
    birthday: date
    address: str
    school: str
    grade: str
    class_rank: str
    personality: str
    goals: str
    home_situation: str
    notes: str
    learning_type: str
    profile: str
    advisor: str | None
    advisor_since: datetime | None
    referred_by: int | None
    created_at: datetime
    guardians: list[GuardianOut]


def detail_schema() -> type[Schema]:
    """StudentOut plus a key for each field other apps add at core.contributions
    .student_api_fields (API.md's `cards` and `packages`), typed as they say, so the OpenAPI
    document names them. Built when the URLs load this module, after every
    app's ready() has registered its fields."""
    fields: dict[str, Any] = {f.key: (f.schema, ...) for f in student_api_fields.items()}
    return create_model("StudentDetailOut", __base__=StudentOut, **fields)


StudentDetailOut = detail_schema()


class StudentList(Schema):
    items: list[StudentOut]
    count: int


class HandOverIn(Schema):
    advisor: TEXT = None
    note: TEXT = ""


class AssignmentOut(Schema):
    id: int
    student_id: int
    advisor: str
    previous_advisor: str | None
    assigned_at: datetime
    first_call_due: date
    first_call_done_at: datetime | None
    ended_at: datetime | None
    assigned_by: str | None
    note: str


class LeadFields(Schema):
    name: TEXT = None
    contact_name: TEXT = None
    phone: TEXT = None
    course: TEXT = None
    source: TEXT = None
    needs: TEXT = None
    next_step: TEXT = None


class LeadIn(LeadFields):
    referred_by: int | None = Field(None, description="id of the referring family's student")


class LeadPatch(LeadFields):
    status: TEXT = None


class LeadOut(Schema):
    id: int
    campus: str
    name: str
    contact_name: str
    phone: str
    course: str
    source: str
    referred_by: int | None
    needs: str
    next_step: str
    status: str
    student_id: int | None
    converted_at: datetime | None
    created_at: datetime


class LeadList(Schema):
    items: list[LeadOut]
    count: int


class ReceptionIn(Schema):
    channel: TEXT = None
    category: TEXT = None
    summary: TEXT = None
    visitor: TEXT = ""
    phone: TEXT = ""
    lead_id: int | None = None
    student_id: int | None = None


class ReceptionOut(Schema):
    id: int
    occurred_at: datetime
    channel: str
    category: str
    summary: str
    visitor: str
    phone: str
    lead_id: int | None
    student_id: int | None


class ReceptionList(Schema):
    items: list[ReceptionOut]
    count: int


class TrialIn(Schema):
    teacher: TEXT = None
    subject: TEXT = None
    starts_at: datetime | None = None
    minutes: int | None = None


class TrialOut(Schema):
    id: int
    lead_id: int
    subject: str
    teacher: str
    starts_at: datetime
    minutes: int
    status: str


class AssessmentIn(Schema):
    lead_id: int | None = None
    student_id: int | None = None
    subject: TEXT = None
    taken_at: datetime | None = None
    score: TEXT = ""


class AnalysisIn(Schema):
    analysis: TEXT = None
    teaching_plan: TEXT = None


class AssessmentOut(Schema):
    id: int
    lead_id: int | None
    student_id: int | None
    subject: str
    score: str
    taken_at: datetime
    analysis_due: datetime
    analysis: str
    teaching_plan: str
    analysed_at: datetime | None


# --- payloads -------------------------------------------------------------------------


def student_payload(student: Student, *, phones: bool = True) -> dict[str, Any]:
    """The student's own fields and family; `phones` False (a teacher's view) leaves each
    guardian's phone empty."""
    guardians = [
        {"id": g.id, "name": g.name, "relation": g.relation, "phone": g.phone if phones else "", "is_primary": g.is_primary}
        for g in student.guardians.all()
    ]
    return fields_of(
        StudentOut,
        student,
        campus=student.campus.code,
        advisor=username_of(student.advisor),
        referred_by=student.referred_by_id,
        guardians=guardians,
    )


def student_detail_payload(student: Student, *, phones: bool = True) -> dict[str, Any]:
    """The student with what other apps add (`GET /students/{id}`)."""
    data = student_payload(student, phones=phones)
    for field in student_api_fields.items():
        data[field.key] = field.value(student)
    return data


def assignment_payload(a: AdvisorAssignment) -> dict[str, Any]:
    return fields_of(
        AssignmentOut,
        a,
        advisor=a.advisor.username,
        previous_advisor=username_of(a.previous_advisor),
        assigned_by=username_of(a.assigned_by),
    )


def lead_payload(lead: Lead) -> dict[str, Any]:
    return fields_of(LeadOut, lead, campus=lead.campus.code, referred_by=lead.referred_by_id)


def _students(request: HttpRequest):
    return scope(request, Student.objects.select_related("campus", "advisor__user"))


def _student_out(request: HttpRequest, student: Student) -> dict[str, Any]:
    """The student as saved, read again with the family."""
    return student_payload(_students(request).prefetch_related("guardians").get(pk=student.pk))


def _new_file(payload: StudentIn) -> dict[str, Any]:
    """A new student's file in the body, as the keywords of `student_create` and `lead_convert`."""
    guardians = [g.model_dump() for g in payload.guardians] if payload.guardians is not None else None
    return {
        "data": payload.model_dump(exclude={"guardians", "advisor"}),
        "guardians": guardians,
        "advisor": payload.advisor,
    }


# --- students -------------------------------------------------------------------------


@router.post("/students", response={201: StudentOut, **ERRORS})
def create_student(request: HttpRequest, payload: StudentIn):
    by = require_allowed(request, ROLES["open_file"])
    student = services.student_create(campus=by.campus, by=by, **_new_file(payload))
    return Status(201, _student_out(request, student))


@router.get("/students", response={200: StudentList, **ERRORS})
def list_students(
    request: HttpRequest, q: str = "", advisor: str = "", limit: int | None = None, offset: int | None = None
):
    """`advisor`: "mine", "none" (not handed over yet) or an advisor's username."""
    staff = require_allowed(request, ROLES["view"])
    students = selectors.student_list(scope(request, Student.objects.all()), q, advisor=advisor, viewer=staff)
    phones = selectors.shows_phones(staff)
    return paginate(students, limit, offset, out=lambda s: student_payload(s, phones=phones))


@router.get("/students/{student_id}", response={200: StudentDetailOut, **ERRORS})
def get_student(request: HttpRequest, student_id: int):
    staff = require_allowed(request, ROLES["view"])
    # a teacher: only a student they teach (another is not found), without the family's phones
    students = selectors.visible_students(_students(request).prefetch_related("guardians"), staff)
    student = get_scoped(request, students, student_id)
    return student_detail_payload(student, phones=selectors.shows_phones(staff))


@router.patch("/students/{student_id}", response={200: StudentOut, **ERRORS})
def update_student(request: HttpRequest, student_id: int, payload: StudentPatch):
    by = require_allowed(request, ROLES["edit"])
    student = selectors.scoped_student_or_404(request, student_id)
    services.student_update(student=student, by=by, changes=payload.model_dump(exclude_unset=True))
    return _student_out(request, student)


@router.post("/students/{student_id}/guardians", response={201: GuardianOut, **ERRORS})
def add_guardian(request: HttpRequest, student_id: int, payload: GuardianIn):
    by = require_allowed(request, ROLES["edit"])
    student = selectors.scoped_student_or_404(request, student_id)
    guardian = services.guardian_add(
        student=student,
        by=by,
        name=payload.name,
        relation=payload.relation,
        phone=payload.phone,
        is_primary=payload.is_primary is True,
    )
    return Status(201, guardian)


def _guardian(request: HttpRequest, guardian_id: int) -> Guardian:
    return get_scoped(request, Guardian.objects.select_related("student"), guardian_id, "student__campus")


@router.patch("/guardians/{guardian_id}", response={200: GuardianOut, **ERRORS})
def update_guardian(request: HttpRequest, guardian_id: int, payload: GuardianIn):
    by = require_allowed(request, ROLES["edit"])
    changes = payload.model_dump(exclude_unset=True, include={"name", "relation", "phone"})
    return services.guardian_update(guardian=_guardian(request, guardian_id), by=by, **changes)


@router.post("/guardians/{guardian_id}/primary", response={200: GuardianOut, **ERRORS})
def make_guardian_primary(request: HttpRequest, guardian_id: int):
    by = require_allowed(request, ROLES["edit"])
    return services.guardian_set_primary(guardian=_guardian(request, guardian_id), by=by)


@router.delete("/guardians/{guardian_id}", response={204: None, **ERRORS})
def remove_guardian(request: HttpRequest, guardian_id: int):
    by = require_allowed(request, ROLES["edit"])
    services.guardian_remove(guardian=_guardian(request, guardian_id), by=by)
    return Status(204, None)


# --- hand-over (接档) ---------------------------------------------------------------------


@router.post("/students/{student_id}/advisor", response={201: AssignmentOut, **ERRORS})
def hand_over(request: HttpRequest, student_id: int, payload: HandOverIn):
    by = require_allowed(request, ROLES["handover"])
    student = selectors.scoped_student_or_404(request, student_id)
    advisor = services.advisor_by_username(payload.advisor, student.campus)
    if advisor is None:
        raise InvalidInput("只能移交给本校区的班主任", {"advisor": "不是本校区的班主任"})
    assignment = services.student_assign_advisor(
        student=student, advisor=advisor, by=by, note=payload.note or ""
    )
    return Status(201, assignment_payload(assignment))


@router.post("/advisor-assignments/{assignment_id}/first-call", response={200: AssignmentOut, **ERRORS})
def first_call_done(request: HttpRequest, assignment_id: int):
    by = require_allowed(request, ROLES["first_call"])
    assignment = get_scoped(
        request,
        AdvisorAssignment.objects.select_related("advisor__user", "previous_advisor__user", "assigned_by__user"),
        assignment_id,
        "student__campus",
    )
    return assignment_payload(services.assignment_first_call_done(assignment=assignment, by=by))


@router.get("/students/{student_id}/advisor-history", response={200: list[AssignmentOut], **ERRORS})
def hand_over_history(request: HttpRequest, student_id: int):
    require_allowed(request, ROLES["view"])
    student = selectors.scoped_student_or_404(request, student_id)
    rows = student.advisor_assignments.select_related(
        "advisor__user", "previous_advisor__user", "assigned_by__user"
    )
    return [assignment_payload(a) for a in rows]


# --- leads, trials, assessments, reception log ------------------------------------------


def _lead_or_student(
    request: HttpRequest, lead_id: int | None, student_id: int | None
) -> tuple[Lead | None, Student | None]:
    """The lead and the student a record names by id (either may be None); another campus's is a 404."""
    lead = get_scoped(request, Lead.objects.all(), lead_id) if lead_id is not None else None
    student = selectors.scoped_student_or_404(request, student_id) if student_id is not None else None
    return lead, student


def _referrer(request: HttpRequest, student_id: int | None) -> Student | None:
    if student_id is None:
        return None
    found = scope(request, Student.objects.all()).filter(pk=student_id).first()
    if found is None:
        raise InvalidInput("介绍家庭须为本校区学员", {"referred_by": "不是本校区的学员"})
    return found


@router.post("/leads", response={201: LeadOut, **ERRORS})
def create_lead(request: HttpRequest, payload: LeadIn):
    by = require_allowed(request, ROLES["leads"])
    data = payload.model_dump()
    data["referred_by"] = _referrer(request, payload.referred_by)
    lead = services.lead_create(campus=by.campus, by=by, data=data)
    return Status(201, lead_payload(lead))


@router.get("/leads", response={200: LeadList, **ERRORS})
def list_leads(request: HttpRequest, status: str = "", limit: int | None = None, offset: int | None = None):
    require_allowed(request, ROLES["view"])
    qs = scope(request, Lead.objects.select_related("campus")).order_by("-created_at", "-pk")
    if status:
        qs = qs.filter(status=status)
    return paginate(qs, limit, offset, out=lead_payload)


@router.get("/leads/{lead_id}", response={200: LeadOut, **ERRORS})
def get_lead(request: HttpRequest, lead_id: int):
    require_allowed(request, ROLES["view"])
    return lead_payload(get_scoped(request, Lead.objects.select_related("campus"), lead_id))


@router.patch("/leads/{lead_id}", response={200: LeadOut, **ERRORS})
def update_lead(request: HttpRequest, lead_id: int, payload: LeadPatch):
    by = require_allowed(request, ROLES["leads"])
    lead = get_scoped(request, Lead.objects.select_related("campus"), lead_id)
    lead = services.lead_update(lead=lead, by=by, changes=payload.model_dump(exclude_unset=True))
    return lead_payload(lead)


@router.post("/leads/{lead_id}/convert", response={201: StudentOut, **ERRORS})
def convert_lead(request: HttpRequest, lead_id: int, payload: StudentIn):
    by = require_allowed(request, ROLES["open_file"])
    lead = get_scoped(request, Lead.objects.select_related("campus"), lead_id)
    student = services.lead_convert(lead=lead, by=by, **_new_file(payload))
    return Status(201, _student_out(request, student))


@router.post("/leads/{lead_id}/trials", response={201: TrialOut, **ERRORS})
def book_trial(request: HttpRequest, lead_id: int, payload: TrialIn):
    by = require_allowed(request, ROLES["leads"])
    lead = get_scoped(request, Lead.objects.all(), lead_id)
    teacher = (
        Staff.objects.select_related("user")
        .filter(user__username=payload.teacher or "", campus=lead.campus_id, role="teacher")
        .first()
    )
    if teacher is None:
        raise InvalidInput("请选择本校区的教员", {"teacher": "不是本校区的教员"})
    trial = services.trial_book(
        lead=lead,
        by=by,
        teacher=teacher,
        subject=payload.subject,
        starts_at=payload.starts_at,
        minutes=payload.minutes,
    )
    return Status(
        201,
        {
            "id": trial.id,
            "lead_id": trial.lead_id,
            "subject": trial.subject,
            "teacher": teacher.user.username,
            "starts_at": trial.starts_at,
            "minutes": trial.minutes,
            "status": trial.status,
        },
    )


@router.post("/assessments", response={201: AssessmentOut, **ERRORS})
def record_assessment(request: HttpRequest, payload: AssessmentIn):
    by = require_allowed(request, ROLES["assess"])
    lead, student = _lead_or_student(request, payload.lead_id, payload.student_id)
    return Status(
        201,
        services.assessment_record(
            by=by,
            lead=lead,
            student=student,
            subject=payload.subject,
            taken_at=payload.taken_at,
            score=payload.score,
        ),
    )


@router.post("/assessments/{assessment_id}/analysis", response={200: AssessmentOut, **ERRORS})
def analyse_assessment(request: HttpRequest, assessment_id: int, payload: AnalysisIn):
    by = require_allowed(request, ROLES["assess"])
    qs = Assessment.objects.select_related("lead")
    if not by.sees_all_campuses:
        qs = qs.filter(Q(lead__campus=by.campus) | Q(student__campus=by.campus))
    assessment = qs.filter(pk=assessment_id).first()
    if assessment is None:
        raise NotFound()
    return services.assessment_analyse(
        assessment=assessment, by=by, analysis=payload.analysis, teaching_plan=payload.teaching_plan
    )


@router.post("/reception-entries", response={201: ReceptionOut, **ERRORS})
def create_reception_entry(request: HttpRequest, payload: ReceptionIn):
    by = require_allowed(request, ROLES["leads"])
    lead, student = _lead_or_student(request, payload.lead_id, payload.student_id)
    return Status(
        201,
        services.reception_entry_create(
            campus=by.campus,
            by=by,
            channel=payload.channel,
            category=payload.category,
            summary=payload.summary,
            visitor=payload.visitor,
            phone=payload.phone,
            lead=lead,
            student=student,
        ),
    )


@router.get("/reception-entries", response={200: ReceptionList, **ERRORS})
def list_reception_entries(request: HttpRequest, limit: int | None = None, offset: int | None = None):
    require_allowed(request, ROLES["view"])
    return paginate(scope(request, ReceptionEntry.objects.all()), limit, offset)
