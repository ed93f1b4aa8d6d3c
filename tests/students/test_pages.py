import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from core.roles import Role
from students.models import AdvisorAssignment, HygieneFinding, Lead, ReceptionEntry, Student
from students.roster import COLUMNS

from .helpers import make_student

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk_client(client_as):
    return client_as(Role.FRONT_DESK)


NEW_FORM = {
    "name": "赵小雨",
    "gender": "F",
    "birthday": "2015-06-01",
    "address": "北京市朝阳区建国路 8 号",
    "school": "朝阳小学",
    "grade": "三年级",
    "primary": "0",
    "g0_name": "钱芳",
    "g0_relation": "mother",
    "g0_phone": "13611112222",
    "g1_name": "赵强",
    "g1_relation": "father",
    "g1_phone": "13633334444",
}


def test_an_anonymous_visitor_is_sent_to_sign_in(client, db):
    response = client.get(reverse("students:list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_front_desk_opens_a_file_from_the_form(desk_client):
    response = desk_client.post(reverse("students:new"), NEW_FORM)
    student = Student.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "students:detail", args=[student.pk]
    )
    assert student.name == "赵小雨" and student.primary_guardian.phone == "13611112222"


def test_the_form_shows_each_message_beside_its_field_and_saves_nothing(desk_client):
    bad = {**NEW_FORM, "birthday": "2999-01-01", "g1_phone": "13611112222", "name": ""}
    response = desk_client.post(reverse("students:new"), bad)
    assert response.status_code == 422
    html = response.content.decode()
    assert "出生日期须早于今天" in html and "必填" in html and "与第 1 位家长的号码重复" in html
    assert 'value="13611112222"' in html  # what was typed is kept
    assert not Student.objects.exists()


def test_a_teacher_cannot_open_the_new_student_form(client, make_staff):
    client.force_login(make_staff(Role.TEACHER).user)
    assert client.get(reverse("students:new")).status_code == 403


def test_search_as_you_type_returns_only_the_rows(desk_client, campus):
    make_student(campus, desk_client.staff, name="孙悟空", phones=("13512345678", "13587654321"))
    make_student(campus, desk_client.staff, name="猪八戒", phones=("13711111111", "13722222222"))
    response = desk_client.get(reverse("students:list"), {"q": "1351234"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "孙悟空" in html and "猪八戒" not in html and "<h1>" not in html
    full = desk_client.get(reverse("students:list")).content.decode()
    assert "孙悟空" in full and "猪八戒" in full


def test_the_list_page_makes_a_fixed_number_of_queries(desk_client, campus, django_assert_max_num_queries):
    for i in range(30):
        make_student(
            campus, desk_client.staff, name=f"学员{i}", phones=(f"1380000{i:04d}", f"1390000{i:04d}")
        )
    # session, user, staff, count, page of students with advisor, their guardians, navigation/context
    with django_assert_max_num_queries(12):
        desk_client.get(reverse("students:list"))


def test_each_tab_of_the_file_renders(desk_client, campus):
    student = make_student(campus, desk_client.staff, name="周小舟")
    for tab in ("family", "packages", "lessons", "followups", "history"):
        response = desk_client.get(reverse("students:detail", args=[student.pk]), {"tab": tab})
        assert response.status_code == 200 and "周小舟" in response.content.decode()
    history = desk_client.get(
        reverse("students:detail", args=[student.pk]), {"tab": "history"}
    ).content.decode()
    assert "建档" in history


def test_another_campus_file_is_404(desk_client, other_campus, make_staff):
    theirs = make_student(other_campus, make_staff(campus=other_campus))
    assert desk_client.get(reverse("students:detail", args=[theirs.pk])).status_code == 404
    assert desk_client.get(reverse("students:pdf", args=[theirs.pk])).status_code == 404


def test_guardian_changes_from_the_family_tab(desk_client, campus):
    student = make_student(campus, desk_client.staff)
    url = reverse("students:guardians", args=[student.pk])
    desk_client.post(
        url, {"action": "add", "name": "爷爷", "relation": "grandparent", "phone": "13900001111"}
    )
    assert student.guardians.count() == 3
    response = desk_client.post(
        url, {"action": "add", "name": "x", "relation": "", "phone": "123"}, follow=True
    )
    assert "手机号" in response.content.decode() and student.guardians.count() == 3


def test_the_printable_file_has_the_chinese_name(desk_client, campus):
    student = make_student(campus, desk_client.staff, name="欧阳娜娜")
    response = desk_client.get(reverse("students:pdf", args=[student.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "欧阳娜娜" in text and "学员档案" in text and "13800000001" in text and "家长签字" in text
    assert "母亲" in text and "父亲" in text


def test_a_supervisor_hands_over_from_the_page(client, campus, make_staff):
    supervisor, advisor = make_staff(Role.CS_SUPERVISOR), make_staff(Role.ADVISOR)
    student = make_student(campus, make_staff())
    client.force_login(supervisor.user)
    assert "待接档" in client.get(reverse("students:handover")).content.decode()
    client.post(reverse("students:handover"), {"student": student.pk, "advisor": advisor.pk})
    assert AdvisorAssignment.objects.get().advisor == advisor
    client.force_login(advisor.user)
    home = client.get(reverse("home")).content.decode()
    assert student.name in home and "首次回访" in home


def test_the_front_desk_cannot_open_the_hand_over_page(desk_client):
    assert desk_client.get(reverse("students:handover")).status_code == 403


def test_leads_board_registers_and_converts(desk_client, campus):
    response = desk_client.post(
        reverse("students:leads"), {"name": "吴小凡", "phone": "13655556666", "source": "walk_in"}
    )
    assert response.status_code == 302
    lead = Lead.objects.get()
    assert "吴小凡" in desk_client.get(reverse("students:leads")).content.decode()
    refused = desk_client.post(reverse("students:leads"), {"name": "", "phone": "1", "source": ""})
    assert refused.status_code == 422 and Lead.objects.count() == 1
    form = {**NEW_FORM, "name": "吴小凡", "g0_phone": "13655556666"}
    response = desk_client.post(reverse("students:lead_convert", args=[lead.pk]), form)
    lead.refresh_from_db()
    assert lead.student is not None and response["Location"] == reverse(
        "students:detail", args=[lead.student.pk]
    )


def test_reception_log_needs_a_category(desk_client):
    refused = desk_client.post(
        reverse("students:reception"), {"channel": "visit", "category": "", "summary": "问价"}
    )
    assert refused.status_code == 422 and not ReceptionEntry.objects.exists()
    desk_client.post(
        reverse("students:reception"), {"channel": "visit", "category": "consult", "summary": "问钢琴价"}
    )
    assert "问钢琴价" in desk_client.get(reverse("students:reception")).content.decode()


def test_the_lobby_round_from_the_page(desk_client):
    page = desk_client.get(reverse("students:duty")).content.decode()
    for area in ("前台台面", "货架/杯架", "厕所", "沙发/茶几/饮水机", "大厅地面"):
        assert area in page
    desk_client.post(
        reverse("students:duty"), {"fail_2": "1", "problem_2": "地面有水印", "department_2": "后勤部"}
    )
    finding = HygieneFinding.objects.get()
    assert (finding.area, finding.department) == ("厕所", "后勤部")
    refused = desk_client.post(reverse("students:duty"), {"fail_0": "1", "problem_0": ""})
    assert refused.status_code == 422 and HygieneFinding.objects.count() == 1
    desk_client.post(
        reverse("students:duty"), {"action": "close", "finding": finding.pk, "fix_note": "已拖干"}
    )
    finding.refresh_from_db()
    assert finding.status == HygieneFinding.Status.CLOSED


def roster_file(rows: list[list]) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([label for _key, label in COLUMNS])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "roster.xlsx"
    return buffer


GOOD = [
    "郑一",
    "男",
    date(2013, 5, 6),
    "朝阳路 1 号",
    "",
    "",
    "郑母",
    "母亲",
    "13100000001",
    "郑父",
    "父亲",
    "13100000002",
    "",
]
GOOD2 = [
    "郑二",
    "女",
    "2012-01-02",
    "朝阳路 2 号",
    "",
    "",
    "王母",
    "妈妈",
    13100000003,
    "王父",
    "爸爸",
    "13100000004",
    "",
]
BAD_PHONE = [
    "钱三",
    "男",
    "2013-01-01",
    "朝阳路 3 号",
    "",
    "",
    "钱母",
    "母亲",
    "1310000",
    "钱父",
    "父亲",
    "13100000006",
    "",
]
BAD_MANY = [
    "",
    "不详",
    "2999-01-01",
    "",
    "",
    "",
    "孙母",
    "母亲",
    "13100000007",
    "孙父",
    "父亲",
    "13100000007",
    "",
]


def test_import_previews_every_bad_row_and_saves_nothing_until_confirmed(desk_client):
    url = reverse("students:import")
    response = desk_client.post(url, {"file": roster_file([GOOD, BAD_PHONE, GOOD2, BAD_MANY])})
    html = response.content.decode()
    assert response.status_code == 200
    assert "共 2 行可导入，2 行有误" in html
    assert "家长1手机" in html and "出生日期须早于今天" in html and "性别" in html
    assert not Student.objects.exists()
    # importing everything is refused while bad rows remain
    desk_client.post(url, {"step": "confirm", "only_valid": "0"})
    assert not Student.objects.exists()
    desk_client.post(url, {"file": roster_file([GOOD, BAD_PHONE, GOOD2, BAD_MANY])})
    desk_client.post(url, {"step": "confirm", "only_valid": "1"})
    assert sorted(Student.objects.values_list("name", flat=True)) == ["郑一", "郑二"]
    assert Student.objects.get(name="郑二").primary_guardian.relation == "mother"


def test_importing_the_same_roster_again_flags_duplicates(desk_client):
    url = reverse("students:import")
    desk_client.post(url, {"file": roster_file([GOOD])})
    desk_client.post(url, {"step": "confirm", "only_valid": "0"})
    html = desk_client.post(url, {"file": roster_file([GOOD])}).content.decode()
    assert "同名同生日" in html and Student.objects.count() == 1


def test_a_file_that_is_not_a_workbook_is_refused(desk_client):
    junk = io.BytesIO(b"not a spreadsheet")
    junk.name = "x.xlsx"
    response = desk_client.post(reverse("students:import"), {"file": junk})
    assert response.status_code == 422 and "Excel" in response.content.decode()


def test_export_writes_the_filtered_list(desk_client, campus):
    make_student(campus, desk_client.staff, name="导出甲", phones=("13300000001", "13300000002"))
    make_student(campus, desk_client.staff, name="其他乙", phones=("13300000003", "13300000004"))
    response = desk_client.get(reverse("students:export"), {"q": "导出"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "姓名" and len(rows) == 2 and rows[1][0] == "导出甲" and rows[1][8] == "13300000001"


def test_the_phone_check_names_families_already_using_the_number(
    desk_client, campus, other_campus, make_staff
):
    make_student(campus, desk_client.staff, name="哥哥", phones=("13612345678", "13687654321"))
    make_student(
        other_campus, make_staff(campus=other_campus), name="别校", phones=("13612345678", "13600000000")
    )
    url = reverse("students:phone_check")
    html = desk_client.get(url, {"g1_phone": "136 1234 5678"}).content.decode()
    assert "哥哥" in html and "别校" not in html
    assert "11 位手机号" in desk_client.get(url, {"g0_phone": "1361"}).content.decode()
    assert desk_client.get(url, {"g0_phone": "13699999999"}).content.decode().strip() == ""


def test_the_list_and_its_export_filter_by_advisor(client, campus, make_staff):
    advisor = make_staff(Role.ADVISOR)
    desk = make_staff()
    mine = make_student(campus, desk, name="我的学生", phones=("13300000011", "13300000012"))
    make_student(campus, desk, name="未接档", phones=("13300000013", "13300000014"))
    from students.services import student_assign_advisor

    student_assign_advisor(student=mine, advisor=advisor, by=make_staff(Role.CS_SUPERVISOR))
    client.force_login(advisor.user)
    html = client.get(reverse("students:list"), {"advisor": "mine"}).content.decode()
    assert "我的学生" in html and "未接档" not in html
    html = client.get(reverse("students:list"), {"advisor": "none"}).content.decode()
    assert "未接档" in html and "我的学生" not in html
    sheet = load_workbook(
        io.BytesIO(client.get(reverse("students:export"), {"advisor": "mine"}).content)
    ).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["我的学生"]


def test_forged_ids_in_forms_are_refused_without_a_500(client, campus, make_staff):
    supervisor = make_staff(Role.CS_SUPERVISOR)
    student = make_student(campus, make_staff())
    client.force_login(supervisor.user)
    assert client.post(reverse("students:handover"), {"student": "abc", "advisor": "1"}).status_code == 404
    response = client.post(
        reverse("students:handover"), {"student": student.pk, "advisor": "x'--"}, follow=True
    )
    assert response.status_code == 200 and "请选择本校区的班主任" in response.content.decode()
    url = reverse("students:guardians", args=[student.pk])
    assert client.post(url, {"action": "remove", "guardian": "1e9"}).status_code == 404
    assert client.post(reverse("students:duty"), {"action": "close", "finding": "-1"}).status_code == 404
    assert client.get(reverse("students:detail", args=[student.pk]), {"tab": "<script>"}).status_code == 200


@pytest.mark.parametrize("role", list(Role))
def test_every_page_answers_each_role_with_the_page_or_a_refusal(client, campus, make_staff, role):
    desk = make_staff()
    student = make_student(campus, desk)
    from students.services import lead_create

    lead = lead_create(
        campus=campus, by=desk, data={"name": "小李", "phone": "13700000001", "source": "phone"}
    )
    client.force_login(make_staff(role).user)
    names = ["list", "new", "import", "handover", "leads", "reception", "duty", "export"]
    urls = [reverse(f"students:{name}") for name in names] + [
        reverse("students:detail", args=[student.pk]),
        reverse("students:edit", args=[student.pk]),
        reverse("students:lead", args=[lead.pk]),
        reverse("students:lead_convert", args=[lead.pk]),
        reverse("home"),
    ]
    for url in urls:
        assert client.get(url).status_code in (200, 403), url


def test_the_admin_lists_students_for_hq(client, campus, make_staff):
    make_student(campus, make_staff(), name="管理员可见")
    client.force_login(make_staff(Role.HQ_ADMIN).user)
    for url in ("/admin/students/student/", "/admin/students/lead/", "/admin/students/hygieneround/"):
        assert client.get(url).status_code == 200
    assert "管理员可见" in client.get("/admin/students/student/").content.decode()


def test_an_enrolled_students_assessment_is_analysed_from_the_file(client, campus, make_staff):
    teacher = make_staff(Role.TEACHER)
    student = make_student(campus, make_staff(), name="测评生")
    client.force_login(teacher.user)
    url = reverse("students:assessments", args=[student.pk])
    client.post(url, {"action": "record", "subject": "数学", "taken_at": "2020-01-01T09:00", "score": "85"})
    assessment = student.entry_assessments.get()
    home = client.get(reverse("home")).content.decode()
    assert "测评生 数学 试卷分析" in home and "已逾期" in home
    response = client.post(url, {"action": "analysis", "assessment": assessment.pk, "analysis": "审题不清"}, follow=True)
    assert "必填" in response.content.decode()
    client.post(url, {"action": "analysis", "assessment": assessment.pk, "analysis": "审题不清", "teaching_plan": "专项训练"})
    assessment.refresh_from_db()
    assert assessment.teaching_plan == "专项训练"
    assert "测评生 数学" not in client.get(reverse("home")).content.decode()


def test_the_first_call_button_does_not_redirect_off_site(client, campus, make_staff):
    from students.services import student_assign_advisor

    advisor = make_staff(Role.ADVISOR)
    assignment = student_assign_advisor(
        student=make_student(campus, make_staff()), advisor=advisor, by=make_staff(Role.CS_SUPERVISOR)
    )
    client.force_login(advisor.user)
    url = reverse("students:first_call", args=[assignment.pk])
    response = client.post(url, {"next": "https://evil.example/"})
    assert response["Location"] == reverse("home")
    assignment.refresh_from_db()
    assert assignment.first_call_done_at is not None


def test_a_dean_reads_the_file_without_the_editing_buttons(client, campus, make_staff):
    student = make_student(campus, make_staff())
    client.force_login(make_staff(Role.DEAN).user)
    html = client.get(reverse("students:detail", args=[student.pk])).content.decode()
    assert student.name in html and "添加家长" not in html and "修改档案" not in html
    refused = client.post(reverse("students:guardians", args=[student.pk]), {"action": "add", "phone": "13900000000"})
    assert refused.status_code == 403 and student.guardians.count() == 2


def test_the_file_shows_the_tabs_the_apps_registered_in_their_order_and_no_tab_without_one(desk_client, campus):
    from core.contributions import StudentTab, student_tabs

    student = make_student(campus, desk_client.staff, name="周小舟")
    url = reverse("students:detail", args=[student.pk])
    html = desk_client.get(url).content.decode()
    assert 'href="?tab=family"' in html and 'href="?tab=history"' in html and "?tab=stand_in" not in html
    stand_in = StudentTab(
        key="stand_in",
        label="替身",
        order=45,
        template="stand_in/student_part.html",
        context=lambda request, s: {"text": "替身内容"},
    )
    with student_tabs.register_temporarily(stand_in):
        html = desk_client.get(url, {"tab": "stand_in"}).content.decode()
        assert "替身内容 · 周小舟" in html
        tabs = [html.index(f'href="?tab={key}"') for key in ("lessons", "followups", "stand_in", "history")]
        assert tabs == sorted(tabs)


def test_a_guardian_added_with_a_phone_of_the_family_is_refused_naming_who_has_it(desk_client, campus):
    student = make_student(campus, desk_client.staff)
    url = reverse("students:guardians", args=[student.pk])
    html = desk_client.post(
        url, {"action": "add", "name": "外婆", "relation": "grandparent", "phone": "138-0000-0002"}, follow=True
    ).content.decode()
    assert "与家长 张伟的号码重复" in html
    assert student.guardians.count() == 2
