"""The layout of src/ (issue 11): the layer check of `make lint` fails on an
include that goes up a layer, on an include that does not name its folder
and on an include cycle, and the unsafe archive stays out of the real API
and the issuer."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ["base", "http", "state", "site", "lessons", "unsafe"]


def layers(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["/usr/bin/python3", str(ROOT / "tools" / "layers.py"),
                           *LAYERS], cwd=tree, capture_output=True,
                          text=True, timeout=60)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of src/ to break."""
    shutil.copytree(ROOT / "src", tmp_path / "src")
    return tmp_path


def add_include(path: Path, header: str) -> None:
    text = path.read_text()
    marker = "\n#include "
    i = text.index(marker)
    path.write_text(text[:i] + f'\n#include "{header}"' + text[i:])


def test_the_tree_as_committed_passes() -> None:
    p = layers(ROOT)
    assert p.returncode == 0, p.stdout
    assert "includes point down, no cycle" in p.stdout


def test_an_include_up_a_layer_fails(tree: Path) -> None:
    add_include(tree / "src" / "base" / "buf.c", "site/site.h")
    p = layers(tree)
    assert p.returncode == 1
    assert ('src/base/buf.c: #include "site/site.h" goes up from base/ '
            'to site/') in p.stdout


def test_an_include_without_its_folder_fails(tree: Path) -> None:
    add_include(tree / "src" / "http" / "cookie.c", "buf.h")
    p = layers(tree)
    assert p.returncode == 1
    assert 'src/http/cookie.c: #include "buf.h" does not name its layer' \
        in p.stdout


def test_a_cycle_within_a_layer_fails(tree: Path) -> None:
    # site/prefs is included by site/site; prefs including site closes a
    # loop, as it once did.
    add_include(tree / "src" / "site" / "prefs.c", "site/site.h")
    p = layers(tree)
    assert p.returncode == 1
    assert "include cycle: " in p.stdout
    assert "site/prefs" in p.stdout and "site/site" in p.stdout


def test_a_file_outside_the_layers_fails(tree: Path) -> None:
    (tree / "src" / "stray.c").write_text("int stray;\n")
    p = layers(tree)
    assert p.returncode == 1
    assert "src/stray.c: every module lives in a layer folder" in p.stdout


def test_api_and_issuer_hold_nothing_of_the_unsafe_archive() -> None:
    """S-J8: the forger and the weak verifier are linked by the lab program
    only; nm finds none of their symbols in api.fcgi and auth.fcgi."""
    check = ROOT / "tools" / "no-unsafe.sh"
    archive = ROOT / "build" / "libunsafe.a"
    p = subprocess.run([str(check), str(archive),
                        str(ROOT / "cgi-bin" / "api.fcgi"),
                        str(ROOT / "cgi-bin" / "auth.fcgi")],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stdout
    assert p.stdout.count("holds none of the") == 2
    # The check can fail: the lab program does link the archive.
    p = subprocess.run([str(check), str(archive),
                        str(ROOT / "cgi-bin" / "jwtlab.fcgi")],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 1
    assert "forge_token" in p.stdout and "weakjwt_accepts" in p.stdout
