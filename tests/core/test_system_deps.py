"""`make run` / `make test` on a fresh Debian: bin/system-deps names what is missing and,
without root, prints the exact apt-get command and stops."""

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def fake_bin(tmp_path: Path, uid: str) -> dict[str, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, body in {
        "id": f'echo {uid}',
        "dpkg-query": "exit 1",  # nothing installed
        "apt-get": 'echo "apt-get $*" >> "$APT_LOG"',
    }.items():
        script = bin_dir / name
        script.write_text(f"#!/bin/sh\n{body}\n")
        script.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "APT_LOG": str(tmp_path / "apt.log")}


def test_without_root_it_prints_the_command_and_fails(tmp_path):
    done = subprocess.run([str(ROOT / "bin/system-deps"), "test"], env=fake_bin(tmp_path, "1000"),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "sudo apt-get update && sudo apt-get install -y --no-install-recommends" in done.stdout
    for package in ("libpango-1.0-0", "libharfbuzz-subset0", "fonts-noto-cjk"):
        assert package in done.stdout
    assert not (tmp_path / "apt.log").exists()


def test_as_root_it_updates_then_installs(tmp_path):
    done = subprocess.run([str(ROOT / "bin/system-deps"), "run"], env=fake_bin(tmp_path, "0"),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    calls = (tmp_path / "apt.log").read_text().splitlines()
    assert calls[0] == "apt-get update"
    assert calls[1].startswith("apt-get install -y") and "fonts-noto-cjk" in calls[1]
    assert "chromium" not in calls[1]  # only `make test` needs the browser
