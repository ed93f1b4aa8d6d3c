"""gunicorn as production runs it (docker-compose's `web`, the Dockerfile) and as
`bench/swipe_load.py` measures it: one file, so what is measured is what is served."""

bind = "0.0.0.0:8000"
workers = 3
accesslog = "-"
