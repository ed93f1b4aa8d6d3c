"""Who may do what in retention: the one table its pages, its API, its services, its
navigation and what it shows on the student file and the landing page read. hq_admin is
never listed: core.roles.allows lets it do everything.

Rules about one object stay with their service: an advisor logs calls and keeps records
of their own students only, a teacher of the students they teach
(`check_may_follow_up`, `check_keeps_records`); a save case is worked by the save group or
the family's own advisor or consultant (`save_case_can_act`); each refund step is signed
by its one role (`refund_step_allowed`)."""

from core.models import Staff
from core.roles import EVERY_ROLE, Role, allows

# who calls families (API.md § Follow-ups)
CALLERS = frozenset({Role.ADVISOR, Role.CONSULTANT, Role.CS_SUPERVISOR, Role.PRINCIPAL})
# who oversees the advisors' calls
SUPERVISORS = frozenset({Role.CS_SUPERVISOR, Role.PRINCIPAL})
# the save group (挽单小组) of the seed, with the advisors and consultants who own families
SAVE_CASE_READERS = CALLERS | {Role.DEAN}

ROLES: dict[str, frozenset[str]] = {
    # --- follow-ups ---
    # log a contact with a family (回访)
    "log": CALLERS,
    # a student's follow-ups: the student file's 回访 tab and GET /students/{id}/follow-ups
    "read": EVERY_ROLE,
    # the campus's follow-up log (回访记录) with its filters
    "follow_ups": CALLERS,
    # the calls due: the advisor's day (工作台) and GET /follow-ups/due
    "day": SUPERVISORS | {Role.ADVISOR},
    # --- monthly records ---
    # a month of one's students (月度记录)
    "records": frozenset({Role.TEACHER, Role.ADVISOR, Role.DEAN, Role.CS_SUPERVISOR, Role.PRINCIPAL}),
    # what is missing this month (月度缺漏)
    "records_missing": frozenset({Role.ADVISOR, Role.DEAN, Role.CS_SUPERVISOR, Role.PRINCIPAL}),
    # 月测评 by the teacher; the advisor files it (并入档案); the dean oversees teaching
    "assess": frozenset({Role.TEACHER, Role.ADVISOR, Role.DEAN, Role.PRINCIPAL}),
    # 分析结果及时通知教员和学员家长
    "share_assessment": frozenset({Role.TEACHER, Role.ADVISOR, Role.CS_SUPERVISOR, Role.PRINCIPAL}),
    # 两次课后要求教员做出学习计划
    "plan": frozenset({Role.TEACHER, Role.DEAN, Role.PRINCIPAL}),
    # 做好学员成长记录一月两次 (教务 and the advisor)
    "growth": frozenset({Role.ADVISOR, Role.TEACHER, Role.DEAN, Role.CS_SUPERVISOR, Role.PRINCIPAL}),
    # 根据家长的要求及学生的情况，要求教师布置作业
    "set_homework": frozenset({Role.TEACHER}),
    # 让授课老师检查作业；必要时由客服督促并检查
    "check_homework": frozenset({Role.TEACHER, Role.ADVISOR}),
    # 及时向家长反映学生作业完成情况
    "show_homework": frozenset({Role.TEACHER, Role.ADVISOR}),
    # 让各科的授课老师写详细的阶段性总结、月总结
    "summarise": frozenset({Role.TEACHER}),
    # 客服电话调查 / 问卷调查反馈
    "survey": SUPERVISORS | {Role.ADVISOR},
    # --- order saving and refunds ---
    # the campus's save cases and one case's page
    "save_cases": SAVE_CASE_READERS,
    # report a parent's refund request to the save group (上报挽单)
    "save_case_open": CALLERS,
    # the campus's refunds, one application and its PDF
    "refunds": SAVE_CASE_READERS | {Role.FINANCE},
    # the reasons analysis (退费原因分析) and its export
    "refund_analysis": SUPERVISORS | {Role.FINANCE},
    # the campus's management fee and refund reasons (退费设置)
    "refund_settings": frozenset({Role.PRINCIPAL}),
    # --- staff rules and penalties (辅导中期 §1–8) ---
    # a person's own incidents (everyone); the campus's for the supervisors (`penalties_campus`)
    "penalties": EVERY_ROLE,
    "penalties_campus": SUPERVISORS,
    # record an incident by hand (客服主管/分校长 执行处罚)
    "penalty_record": SUPERVISORS,
    # void an incident, with a reason; sign a person's monthly statement off
    "penalty_void": frozenset({Role.PRINCIPAL}),
    "statement_sign_off": frozenset({Role.PRINCIPAL}),
    # the rules, and their edit (a principal: the campus's own version)
    "staff_rules": SUPERVISORS,
    "staff_rule_edit": frozenset({Role.PRINCIPAL}),
    # the weekly spot-check of logged follow-ups (客服部定期抽检)
    "spot_checks": SUPERVISORS,
    # --- KPIs (五大指标) ---
    # the dashboard, its drill-down and export, GET /kpis: an advisor their own figures,
    # the CS supervisor and the principal the campus and each advisor
    "kpis": SUPERVISORS | {Role.ADVISOR},
}


def may(staff: Staff, action: str) -> bool:
    """Whether `staff` may do `action` of the table (hq_admin: always)."""
    return allows(ROLES[action], staff.role)
