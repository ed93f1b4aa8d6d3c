"""Factories for the tests. Business records that have rules (packages, cards, lessons)
are made through their services in the tests, not here, so the rules are exercised."""

from datetime import date

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from core.models import Campus, Staff
from core.roles import Role
from core.services import api_token_issue
from students.models import Guardian, Student

PASSWORD = "pw-for-tests-1"


class CampusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campus
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"campus{n}")
    name = factory.Sequence(lambda n: f"第{n}校区")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password(PASSWORD)


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Staff
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    role = Role.FRONT_DESK
    campus = factory.SubFactory(CampusFactory)

    @factory.post_generation
    def groups(self, create: bool, extracted, **kwargs) -> None:
        if create:
            self.user.groups.add(Group.objects.get_or_create(name=self.role)[0])
            if self.role == Role.HQ_ADMIN:
                self.user.is_staff = self.user.is_superuser = True
                self.user.save()


class StudentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Student

    campus = factory.SubFactory(CampusFactory)
    name = factory.Sequence(lambda n: f"学员{n}")
    gender = "M"
    birthday = date(2014, 3, 2)
    address = "北京市朝阳区幸福路 1 号"


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardian

    student = factory.SubFactory(StudentFactory)
    name = "李梅"
    relation = "mother"
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    is_primary = False


def token_for(staff: Staff) -> str:
    return api_token_issue(campus=staff.campus, staff=staff)[1]
