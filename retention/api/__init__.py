"""/api/v1 endpoints of retention (API.md § Follow-ups, § Order saving and refunds), one
router a topic. Thin: parse, check the role, call a service."""

from ninja import Router

router = Router(tags=["retention"])

# --- follow-ups ------------------------------------------------------------------------
from .followups import router as followups_router  # noqa: E402

router.add_router("", followups_router)
# --- end of follow-ups -----------------------------------------------------------------
