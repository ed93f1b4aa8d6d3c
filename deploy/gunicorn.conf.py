"""gunicorn as production runs it (docker-compose's `web`, the Dockerfile) and as
`bench/swipe_load.py` measures it: one file, so what is measured is what is served.

Sync workers, three for two cores: a swipe is short and mostly the worker's own CPU (the
ORM building 13 queries) rather than waiting on PostgreSQL, so threads add GIL contention,
not throughput. Measured with `bench/swipe_load.py` (bench/RESULTS.md): 2 gthread workers
× 8 threads served as many swipes a second as 3 sync workers with a worse tail (closed
loop p99 536 against 387 ms; open loop 50/s p99 3.6 s against 0.7 s, machine loaded).
`GUNICORN_CMD_ARGS` overrides any of this for a measurement."""

bind = "0.0.0.0:8000"
worker_class = "sync"
workers = 3
accesslog = "-"
