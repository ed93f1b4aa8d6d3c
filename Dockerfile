FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# weasyprint needs pango; harfbuzz's subsetter keeps PDFs fast; Noto CJK renders Chinese
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY . .
RUN pip install . \
 && SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
 && useradd --system --home /app tutoring && mkdir -p /app/var/media && chown -R tutoring /app/var
USER tutoring
EXPOSE 8000
CMD ["gunicorn", "tutoring.wsgi:application", "-c", "deploy/gunicorn.conf.py"]
