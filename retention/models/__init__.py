"""The models of retention, one module a topic: follow-ups and monthly records; order saving
and refunds."""

# --- order saving (挽单) and refunds (退费) ---
from .refunds import CampusRefundFee, Refund, RefundReason, RefundSignature, RefundStep  # noqa: F401 — re-exported
from .saving import SaveCase, SaveCaseEntry  # noqa: F401

# --- end of order saving and refunds ---
