"""Who may do what in scheduling: the one table its pages, its API and its navigation
read. hq_admin is never listed: core.roles.allows lets it do everything."""

from core.roles import Role

SCHEDULERS = frozenset({Role.FRONT_DESK, Role.DEAN, Role.ADVISOR, Role.PRINCIPAL})

ROLES: dict[str, frozenset[str]] = {
    # timetables and lessons (a teacher sees their own)
    "view": SCHEDULERS | {Role.TEACHER, Role.CS_SUPERVISOR, Role.CONSULTANT},
    # book, change and confirm lessons; teachers and their matching; changes of teacher; group classes
    "schedule": SCHEDULERS,
    # lessons nobody checked in for, check-ins without a lesson
    "reconcile": SCHEDULERS | {Role.CS_SUPERVISOR},
    # the teachers' clock-ins and their profiles
    "manage_teachers": frozenset({Role.DEAN, Role.PRINCIPAL, Role.FRONT_DESK}),
    # correct a wrong or missing clock, with a reason (the dean keeps the time-keeping)
    "correct_clocks": frozenset({Role.DEAN}),
    # a group session's check-in list: who swiped, who is on leave, who is absent
    "session_checkins": frozenset({Role.DEAN, Role.FRONT_DESK}),
}
