from core.models import Campus, Staff
from core.roles import Role
from core.services import campus_create, staff_create

DEMO_PASSWORD = "demo1234"
DEMO_CAMPUS = ("demo", "未来星教育·示范校区")
DEMO_STAFF = [
    # username, role, full name, subjects
    ("hq", Role.HQ_ADMIN, "总部管理员", []),
    ("principal", Role.PRINCIPAL, "王校长", []),
    ("dean", Role.DEAN, "赵教务", []),
    ("cs_supervisor", Role.CS_SUPERVISOR, "孙主管", []),
    ("advisor", Role.ADVISOR, "李班主任", []),
    ("consultant", Role.CONSULTANT, "周顾问", []),
    ("front_desk", Role.FRONT_DESK, "陈前台", []),
    ("finance", Role.FINANCE, "吴财务", []),
    ("teacher", Role.TEACHER, "郑老师", ["钢琴", "数学"]),
]


def seed_core() -> tuple[Campus, dict[str, Staff], bool]:
    campus = Campus.objects.filter(code=DEMO_CAMPUS[0]).first()
    created = campus is None
    if campus is None:
        campus = campus_create(code=DEMO_CAMPUS[0], name=DEMO_CAMPUS[1])
    staff_by_role: dict[str, Staff] = {}
    for username, role, full_name, subjects in DEMO_STAFF:
        staff = Staff.objects.filter(user__username=username).first()
        if staff is None:
            supervisor = staff_by_role.get(Role.CS_SUPERVISOR) if role == Role.ADVISOR else None
            staff = staff_create(
                username=username,
                role=role,
                campus=campus,
                password=DEMO_PASSWORD,
                supervisor=supervisor,
                subjects=subjects,
                full_name=full_name,
            )
        staff_by_role[role] = staff
    return campus, staff_by_role, created
