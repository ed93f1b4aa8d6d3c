"""/api/v1 endpoints of cardreader (API.md). Thin: parse, check the role, call a service."""

from ninja import Router

router = Router(tags=["cardreader"])
