"""Student search at 100k students: median milliseconds per query shape.

DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_tutoring .venv/bin/python bench/search.py
"""

import random
from datetime import date

from _setup import median_ms, migrate

from core.models import Campus
from students.models import Guardian, Student
from students.selectors import student_search

N = 100_000
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "子涵欣怡梓轩浩宇雨桐思远佳琪俊杰一诺若曦明轩诗涵宇航嘉怡博文可馨天佑雅婷"


def fill(campus: Campus) -> None:
    have = Student.objects.filter(campus=campus).count()
    if have >= N:
        return
    rng = random.Random(7)
    batch = 5000
    for start in range(have, N, batch):
        students = Student.objects.bulk_create(
            Student(
                campus=campus,
                name=rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=2)) + str(i),
                gender="M",
                birthday=date(2012, 1, 1),
                address="北京",
            )
            for i in range(start, min(start + batch, N))
        )
        Guardian.objects.bulk_create(
            Guardian(student=s, name="家长", relation=rel, phone=f"1{(s.pk * 2 + k):010d}", is_primary=k == 0)
            for s in students
            for k, rel in enumerate(("mother", "father"))
        )


def main() -> None:
    migrate()
    campus, _ = Campus.objects.get_or_create(code="bench", defaults={"name": "压测校区"})
    fill(campus)
    base = Student.objects.filter(campus=campus)
    some = base.order_by("pk")[N // 2]
    phone = some.guardians.first().phone
    shapes = {
        "name fragment (2 chars)": "子涵",
        "full name": some.name,
        "phone prefix (7 digits)": phone[:7],
        "full phone": phone,
        "no match": "不存在的名字",
    }
    print(f"students: {base.count()}")
    for label, q in shapes.items():
        ms = median_ms(lambda q=q: list(student_search(base, q).order_by("-created_at")[:50]))
        print(f"{label:<26} median {ms:7.2f} ms")


if __name__ == "__main__":
    main()
