"""Who may do what in cardreader: the one table its pages, its API, its navigation and its
landing panel read. hq_admin is never listed: core.roles.allows lets it do everything.
A lesson used by hand is billing's action `deduct` (billing/roles.py)."""

from core.roles import EVERY_ROLE, Role

ROLES: dict[str, frozenset[str]] = {
    # the reception kiosk and a swipe by a member of staff (a reader token swipes too)
    "swipe": frozenset({Role.FRONT_DESK}),
    # issue, report lost, replace and return cards
    "cards": frozenset({Role.FRONT_DESK, Role.PRINCIPAL}),
    # print a check-in's slip
    "slip": frozenset({Role.FRONT_DESK, Role.PRINCIPAL, Role.ADVISOR}),
    # a card, a student's check-ins
    "read": EVERY_ROLE,
}
