"""Who may do what in billing: the one table its pages, its API, its navigation and its
landing panels read. hq_admin is never listed: core.roles.allows lets it do everything."""

from core.roles import EVERY_ROLE, Role

SELLERS = frozenset({Role.FRONT_DESK, Role.CONSULTANT, Role.ADVISOR, Role.PRINCIPAL})
CASHIERS = SELLERS | {Role.FINANCE}

ROLES: dict[str, frozenset[str]] = {
    # the billing pages: a student's packages and payments, receipts, statements, agreements
    "view": CASHIERS | {Role.DEAN, Role.CS_SUPERVISOR},
    # a package and its ledger through the API: what the student file shows every role
    "read": EVERY_ROLE,
    # sell a package (those who sell and renew at a campus)
    "sell": SELLERS,
    # take an instalment, read the payment records
    "pay": CASHIERS,
    # use a lesson by hand, with a reason (the desk that checks students in)
    "deduct": frozenset({Role.FRONT_DESK}),
    # reverse a wrong ledger entry
    "correct": frozenset({Role.FRONT_DESK, Role.PRINCIPAL}),
    # the lobby shelf: articles, stock, sales
    "shelf": frozenset({Role.FRONT_DESK, Role.PRINCIPAL, Role.FINANCE}),
}
