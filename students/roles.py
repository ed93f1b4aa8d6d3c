"""Who may do what in students/: the one table its pages, its API, its services and its
navigation read. hq_admin is never listed: core.roles.allows lets it do everything, with
one exception the services keep (`check_opens_files`): a student file is opened at the
opener's own campus, and hq_admin, who works across every campus, has none of its own, so
it opens no file — on the pages and through the API alike."""

from core.roles import EVERY_ROLE, Role

# the desks that meet families: reception, advisors, consultants and their supervisors
DESKS = frozenset({Role.FRONT_DESK, Role.ADVISOR, Role.CONSULTANT, Role.CS_SUPERVISOR, Role.PRINCIPAL})
SUPERVISORS = frozenset({Role.CS_SUPERVISOR, Role.PRINCIPAL})

ROLES: dict[str, frozenset[str]] = {
    # the student list and search, a file and its tabs, its PDF, the roster export
    "view": EVERY_ROLE,
    # the roster export (guardians' phones included; a teacher's pages show none)
    "export": EVERY_ROLE - {Role.TEACHER},
    # open a student file: by hand, by enrolling a lead, by importing a roster
    "open_file": DESKS,
    # change a file and its family
    "edit": DESKS,
    # change a student's number (学生编号; the manual's 手动修改学生编号)
    "number": frozenset({Role.FRONT_DESK, Role.ADVISOR}),
    # hand a student over to an advisor (接档; SPEC: the supervisor, the principal oversees)
    "handover": SUPERVISORS,
    # tick off the first call after a hand-over (an advisor: their own hand-over only)
    "first_call": SUPERVISORS | {Role.ADVISOR},
    # leads, trial lessons and the reception log
    "leads": DESKS,
    # the outcome of a trial lesson (the teacher who gave it as well)
    "trial_outcome": DESKS | {Role.TEACHER},
    # record and analyse assessment tests
    "assess": DESKS | {Role.TEACHER, Role.DEAN},
    # the hourly lobby round and its findings
    "lobby": frozenset({Role.FRONT_DESK, Role.CS_SUPERVISOR, Role.PRINCIPAL}),
}
