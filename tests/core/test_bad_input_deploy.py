"""Behind a proxy, correctly: X-Forwarded-Proto believed only when configured, gunicorn
reachable through the proxy alone, and a Content-Security-Policy on every page."""

import json
import re
from pathlib import Path

import pytest
import yaml
from django.test import Client, override_settings

from core.roles import Role

from .test_settings import PRODUCTION, run_python

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PROXY_HEADER = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([getattr(s, 'SECURE_PROXY_SSL_HEADER', None), s.SECURE_SSL_REDIRECT]))"
)


def settings_of(env: dict[str, str]) -> list:
    result = run_python(env, PROXY_HEADER)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_clients_x_forwarded_proto_is_not_believed_unless_configured():
    assert settings_of(PRODUCTION) == [None, True]
    assert settings_of({**PRODUCTION, "TRUST_X_FORWARDED_PROTO": "True"}) == [["HTTP_X_FORWARDED_PROTO", "https"], True]


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_PROXY_SSL_HEADER=None)
def test_without_a_trusted_proxy_a_forged_header_is_still_redirected_to_https():
    response = Client().get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 301 and response["Location"].startswith("https://")


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_behind_the_trusted_proxy_its_header_says_the_request_was_https():
    assert Client().get("/accounts/login/", headers={"X-Forwarded-Proto": "https"}).status_code == 200


def test_compose_publishes_the_proxy_only_and_trusts_its_header():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}
    assert {"80:80", "443:443"} == set(services["proxy"]["ports"])
    assert services["web"]["environment"]["TRUST_X_FORWARDED_PROTO"] == "True"
    caddyfile = "\n".join(line for line in (ROOT / "deploy" / "Caddyfile").read_text(encoding="utf-8").splitlines()
                          if not line.lstrip().startswith("#"))
    assert "reverse_proxy web:8000" in caddyfile and "trusted_proxies" not in caddyfile
    volume = services["proxy"]["volumes"][0].split(":")[0]
    assert (ROOT / volume).resolve() == (ROOT / "deploy" / "Caddyfile").resolve()


def test_the_readme_documents_the_new_settings():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("TRUST_X_FORWARDED_PROTO", "CONTENT_SECURITY_POLICY"):
        assert f"| `{name}` |" in readme, name


def test_every_page_has_a_content_security_policy_without_inline_code(make_staff):
    client = Client()
    assert "script-src 'self'" in client.get("/accounts/login/")["Content-Security-Policy"]
    client.force_login(make_staff(Role.FRONT_DESK).user)
    for url in ("/", "/kiosk/", "/students/"):
        policy = client.get(url)["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_json_and_files_carry_no_page_policy(api_as):
    assert "Content-Security-Policy" not in api_as(Role.FRONT_DESK).get("/api/v1/me")


# A template rendered for the browser; those under pdf/ (and *_pdf.html) only feed weasyprint.
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=|javascript:", re.IGNORECASE)


def test_no_browser_template_holds_inline_script_style_or_handlers():
    templates = [
        path for path in ROOT.glob("*/templates/**/*.html")
        if "pdf" not in path.parts and not path.name.endswith("_pdf.html")
    ] + list((ROOT / "templates").rglob("*.html"))
    offenders = []
    for path in templates:
        text = path.read_text(encoding="utf-8")
        # <script type="application/json"> is data, not code
        offenders += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in INLINE.finditer(text)
                      if "application/json" not in text[m.start():m.start() + 80]]
    assert templates and not offenders, offenders
