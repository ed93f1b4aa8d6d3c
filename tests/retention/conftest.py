"""Fixtures the staff-rule tests share: a CS supervisor, a principal, and an advisor who
reports to that supervisor (the person the penalties are charged to)."""

import pytest

from core.roles import Role


@pytest.fixture
def supervisor(make_staff):
    return make_staff(Role.CS_SUPERVISOR)


@pytest.fixture
def principal(make_staff):
    return make_staff(Role.PRINCIPAL)


@pytest.fixture
def person(make_staff, supervisor):
    staff = make_staff(Role.ADVISOR, supervisor=supervisor)
    staff.user.first_name = "王老师"
    staff.user.save()
    return staff
