"""The models of retention, one module a topic: follow-ups and monthly records; order saving
and refunds."""
