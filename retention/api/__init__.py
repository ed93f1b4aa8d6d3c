"""/api/v1 endpoints of retention (API.md § Follow-ups, § Order saving and refunds), one
router a topic. Thin: parse, check the role, call a service."""

from ninja import Router

router = Router(tags=["retention"])
