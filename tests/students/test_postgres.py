import threading

import pytest
from django.db import close_old_connections, connection

from core.errors import DomainError
from core.roles import Role
from students import services
from students.models import AdvisorAssignment, Guardian, Student

from .helpers import make_student


def run_together(*calls) -> list[BaseException | None]:
    barrier = threading.Barrier(len(calls))
    results: list[BaseException | None] = [None] * len(calls)

    def run(i: int, call) -> None:
        try:
            barrier.wait()
            call()
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            results[i] = exc
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_supervisors_handing_over_at_once_leave_one_current_advisor(campus, make_staff):
    student = make_student(campus, make_staff())
    first, second = make_staff(Role.ADVISOR), make_staff(Role.ADVISOR)
    supervisor = make_staff(Role.CS_SUPERVISOR)
    results = run_together(
        lambda: services.student_assign_advisor(student=student, advisor=first, by=supervisor),
        lambda: services.student_assign_advisor(student=student, advisor=second, by=supervisor),
    )
    assert all(r is None or isinstance(r, DomainError) for r in results), results
    current = AdvisorAssignment.objects.get(student=student, ended_at__isnull=True)
    student.refresh_from_db()
    assert student.advisor == current.advisor
    assert AdvisorAssignment.objects.filter(student=student).count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clerks_choosing_a_different_primary_at_once_leave_exactly_one(campus, make_staff):
    desk = make_staff()
    student = make_student(campus, desk)
    third = services.guardian_add(
        student=student, by=desk, name="奶奶", relation="grandparent", phone="13900000003"
    )
    second = student.guardians.get(phone="13800000002")
    results = run_together(
        lambda: services.guardian_set_primary(guardian=second, by=desk),
        lambda: services.guardian_set_primary(guardian=third, by=desk),
    )
    assert results == [None, None]
    assert Guardian.objects.filter(student=student, is_primary=True).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db
def test_search_indexes_exist():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename IN ('students_student', 'students_guardian')"
        )
        names = {row[0] for row in cursor.fetchall()}
    assert "student_name_trgm" in names and "student_name_prefix" in names
    assert any(name.endswith("_like") and "phone" in name for name in names), names


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_files_opened_at_once_take_different_numbers(campus, make_staff):
    desk = make_staff()
    phones = [(f"1380000{i:02d}01", f"1380000{i:02d}02") for i in range(6)]

    def open_file(i: int, pair: tuple[str, str]) -> None:
        try:
            make_student(campus, desk, f"同时{i}", phones=pair)
        finally:
            connection.close()  # the thread's own connection, so the test database can go

    results = run_together(*(lambda i=i, p=p: open_file(i, p) for i, p in enumerate(phones)))
    assert results == [None] * 6
    numbers = sorted(Student.objects.filter(campus=campus).values_list("number", flat=True))
    assert numbers == [f"{n:06d}" for n in range(1, 7)]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clerks_giving_the_same_number_at_once_leave_it_to_one(campus, make_staff):
    desk = make_staff()
    a = make_student(campus, desk, "甲")
    b = make_student(campus, desk, "乙", phones=("13900000001", "13900000002"))
    results = run_together(
        lambda: services.student_number_change(student=a, by=desk, number="VIP-1"),
        lambda: services.student_number_change(student=b, by=desk, number="VIP-1"),
    )
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "NoneType"], results
    assert Student.objects.filter(campus=campus, number="VIP-1").count() == 1
