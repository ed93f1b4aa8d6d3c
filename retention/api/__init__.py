"""/api/v1 endpoints of retention (API.md § Follow-ups, § Order saving and refunds, § Staff
rules), one
router a topic. Thin: parse, check the role, call a service."""

from ninja import Router

from .followups import router as followups_router
from .kpis import router as kpis_router
from .penalties import router as penalties_router
from .refunds import router as refunds_router

router = Router(tags=["retention"])
router.add_router("", followups_router)
router.add_router("", refunds_router)
router.add_router("", penalties_router)
router.add_router("", kpis_router)
