"""/api/v1 endpoints of retention (API.md § Follow-ups, § Order saving and refunds), one
router a topic. Thin: parse, check the role, call a service."""

from ninja import Router

router = Router(tags=["retention"])

# --- order saving (挽单) and refunds (退费) ---
from .refunds import router as refunds_router  # noqa: E402 — the package's router exists first

router.add_router("", refunds_router)
# --- end of order saving and refunds ---
