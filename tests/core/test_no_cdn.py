"""Nothing is fetched from the internet at run time: a center's network is often poor."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.IGNORECASE)
IMPORTS = re.compile(r"""(?:import\s*\(|from\s+|@import\s+url\()\s*["']https?://""", re.IGNORECASE)


def page_files() -> list[Path]:
    found = []
    for pattern in ("templates/**/*.html", "*/templates/**/*.html", "static/**/*.js", "static/**/*.css"):
        found.extend(p for p in ROOT.glob(pattern) if ".venv" not in p.parts)
    return found


def test_pages_load_scripts_and_styles_only_from_our_static_files():
    files = page_files()
    assert any(p.name == "base.html" for p in files)
    offenders = [str(p.relative_to(ROOT)) for p in files if EXTERNAL.search(p.read_text()) or IMPORTS.search(p.read_text())]
    assert offenders == []


def test_htmx_is_vendored():
    assert (ROOT / "static/vendor/htmx.min.js").stat().st_size > 10_000
