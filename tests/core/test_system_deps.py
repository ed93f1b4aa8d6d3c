"""`make run` / `make test` on a fresh Debian: bin/system-deps names what is missing and,
without root, prints the exact apt-get command and stops."""

import os
import re
import subprocess
from pathlib import Path

import pytest

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


def test_without_root_make_test_also_names_libatomic1(tmp_path):
    done = subprocess.run([str(ROOT / "bin/system-deps"), "test"], env=fake_bin(tmp_path, "1000"),
                          capture_output=True, text=True, timeout=60)
    assert "libatomic1" in done.stdout.split()


def bare(relation: str) -> str:
    # "libc6:amd64 (>= 2.34)" → "libc6"
    return relation.strip().split(" ")[0].split(":")[0]


def minimal_base() -> set[str]:
    """The packages of a Debian 12 `debootstrap --variant=minbase`: those of Priority
    required (and any Essential one) and apt, which minbase adds whatever its priority
    (bookworm's apt is Priority important), then everything they depend on (Depends, Pre-Depends;
    of alternatives the first one installed, as debootstrap chooses; a virtual name through
    the installed package that provides it). Computed from dpkg's own data, not a list in
    this file: since bookworm, libraries such as libc6, libgcc-s1, libstdc++6 and zlib1g are
    Priority optional and are in the base only because a required package needs them (libc6
    everything, libstdc++6 apt, zlib1g dpkg); no required package needs libatomic1."""
    fields = "${Package}\t${Status}\t${Priority}\t${Essential}\t${Provides}\t${Depends}, ${Pre-Depends}\n"
    listing = subprocess.run(["dpkg-query", "-W", f"-f={fields}"], capture_output=True, text=True, check=True).stdout
    rows = [row for row in (line.split("\t") for line in listing.splitlines()) if row[1] == "install ok installed"]
    names = {row[0] for row in rows}
    provided = {bare(virtual): row[0] for row in rows for virtual in row[4].split(",") if virtual.strip()}
    depends: dict[str, list[str]] = {}
    for name, _status, _priority, _essential, _provides, relations in rows:
        depends[name] = []
        for relation in relations.split(","):
            for alternative in map(bare, relation.split("|")):
                found = alternative if alternative in names else provided.get(alternative)
                if found:
                    depends[name].append(found)
                    break
    todo = [row[0] for row in rows if row[2] == "required" or row[3] == "yes" or row[0] == "apt"]
    base: set[str] = set()
    while todo:
        name = todo.pop()
        if name not in base:
            base.add(name)
            todo.extend(depends[name])
    return base


def owner(library: str) -> str | None:
    """The package that holds `library`, as ldd printed it. Bookworm is usrmerged: /lib is
    /usr/lib, and dpkg knows a file only under the path its package ships it at."""
    candidates = []
    for path in (library, os.path.realpath(library)):
        candidates += [path, path.removeprefix("/usr") if path.startswith("/usr/") else "/usr" + path]
    for path in candidates:
        found = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True)
        if found.returncode == 0:
            # "libatomic1:amd64: /usr/lib/…"; a diverted file lists several: "a, b: /path"
            return bare(found.stdout.splitlines()[0].rsplit(": ", 1)[0].split(",")[0])
    return None


def test_every_library_of_playwrights_node_is_in_the_base_or_in_system_deps():
    playwright = pytest.importorskip("playwright", reason="the playwright package is not installed")
    node = Path(playwright.__file__).parent / "driver" / "node"
    assert node.exists(), f"Playwright's driver has no node at {node}"
    linked = subprocess.run(["ldd", str(node)], capture_output=True, text=True, check=True).stdout
    named = set(re.findall(r"[a-z0-9][a-z0-9.+-]+", (ROOT / "bin/system-deps").read_text()))
    base = minimal_base()
    missing = []
    for line in linked.splitlines():
        if "=> not found" in line:
            missing.append(f"{line.split()[0]} (not installed here)")
            continue
        path = next((word for word in line.split() if word.startswith("/")), None)
        if path is None:  # linux-vdso: in the kernel, no file
            continue
        package = owner(path)
        if package is None:
            missing.append(f"{path} (no package holds it)")
        elif package not in base and package not in named:
            missing.append(f"{path} from {package}")
    assert not missing, f"{node} links libraries bin/system-deps does not install: {missing}"
