"""/api/v1: the JSON contract of API.md, one router per app."""

from billing.api import router as billing_router
from cardreader.api import router as cardreader_router
from core.api import router as core_router
from core.apikit import build_api
from retention.api import router as retention_router
from scheduling.api import router as scheduling_router
from students.api import router as students_router

api = build_api()
api.add_router("", core_router)
api.add_router("", students_router)
api.add_router("", billing_router)
api.add_router("", cardreader_router)
api.add_router("", scheduling_router)
api.add_router("", retention_router)
