"""One campus scoping for the pages and the API: another campus's object is not found
(the 404 page, or the envelope's 404), hq_admin sees every campus."""

import pytest
from django.http import Http404
from django.test import Client

from core.roles import Role
from core.scoping import get_scoped_or_404, scope
from students.models import Student
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db


def test_staff_see_their_campus_and_hq_every_campus(campus, other_campus, make_staff):
    ours, theirs = StudentFactory(campus=campus), StudentFactory(campus=other_campus)
    assert list(scope(make_staff(Role.FRONT_DESK), Student.objects.all())) == [ours]
    assert set(scope(make_staff(Role.HQ_ADMIN), Student.objects.all())) == {ours, theirs}


@pytest.mark.parametrize("pk", ["other", "abc", None, 10**6])
def test_another_campus_or_no_such_id_is_404(campus, other_campus, make_staff, pk):
    theirs = StudentFactory(campus=other_campus)
    with pytest.raises(Http404):
        get_scoped_or_404(make_staff(Role.FRONT_DESK), Student.objects.all(), theirs.pk if pk == "other" else pk)


def test_a_request_is_scoped_like_its_staff(rf, campus, other_campus, make_staff):
    request = rf.get("/")
    request.staff, request.campus = make_staff(Role.FRONT_DESK), campus
    ours = StudentFactory(campus=campus)
    assert get_scoped_or_404(request, Student.objects.all(), ours.pk) == ours
    reader = rf.get("/")  # a reader token: a campus, no staff
    reader.staff, reader.campus = None, other_campus
    assert not scope(reader, Student.objects.all()).exists()


def test_the_page_and_the_api_answer_404_alike(api_as, other_campus, make_staff):
    from tests.cardreader.helpers import a_package

    theirs = StudentFactory(campus=other_campus)
    package = a_package(theirs, make_staff(Role.FRONT_DESK, campus=other_campus))
    client = Client()
    client.force_login(make_staff(Role.FRONT_DESK).user)
    assert client.get(f"/billing/packages/{package.pk}/").status_code == 404
    response = api_as(Role.FRONT_DESK).get(f"/api/v1/packages/{package.pk}")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
