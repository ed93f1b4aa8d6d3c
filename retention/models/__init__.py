"""The models of retention, one module a topic: follow-ups and monthly records; order saving
and refunds; staff rules and penalties; the stored KPIs of closed months."""

from . import followups, kpis, records, refunds, saving, staff
from .followups import *  # noqa: F403
from .kpis import *  # noqa: F403
from .records import *  # noqa: F403
from .refunds import *  # noqa: F403
from .saving import *  # noqa: F403
from .staff import *  # noqa: F403

__all__ = [*followups.__all__, *kpis.__all__, *records.__all__, *refunds.__all__, *saving.__all__, *staff.__all__]
