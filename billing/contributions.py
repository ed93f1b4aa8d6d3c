"""What billing shows on the student file and in the student API (core/contributions.py):
the 课时包 tab and the `packages` of `GET /api/v1/students/{id}`. Imported by
BillingConfig.ready()."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Schema

from core.contributions import StudentApiField, StudentTab, student_api_fields, student_tabs
from core.money import Money
from students.models import Student

from .models import LessonPackage
from .selectors import student_packages


class StudentPackageOut(Schema):
    """A package as the student's file lists it in the API (API.md § Students)."""

    id: int
    course: str
    kind: str
    lessons: int
    bonus_lessons: int
    price: Money
    paid: Money
    valid_from: date
    valid_until: date
    lessons_used: int
    lessons_left: int
    status: str | None
    payment_plan: str | None
    balance_due: Money | None


def student_package_payload(package: LessonPackage) -> dict[str, Any]:
    return {name: getattr(package, name) for name in StudentPackageOut.model_fields}


def student_packages_payload(student: Student) -> list[dict[str, Any]]:
    return [student_package_payload(p) for p in student_packages(student)]


def packages_tab(request: HttpRequest, student: Student) -> dict[str, Any]:
    return {"packages": list(student_packages(student))}


student_tabs.register(
    StudentTab(key="packages", label=_("课时包"), order=20, template="billing/student_tab_packages.html", context=packages_tab)
)
student_api_fields.register(
    StudentApiField(key="packages", order=20, schema=list[StudentPackageOut], value=student_packages_payload)
)
