"""What a newcomer reads first holds: every command the README shows works as shown, every check id it
names exists, and nothing the project's files point at lies outside the repository."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
MAKEFILE = (ROOT / "Makefile").read_text()
CHECK_ID = re.compile(r"vigil\.[EW]\d{3}")


def check_ids_in_code() -> set[str]:
    return set(CHECK_ID.findall((ROOT / "vigil" / "checks.py").read_text()))


def check_ids_in_readme() -> set[str]:
    """The ids the README names, ranges ("vigil.E001–vigil.E010") spelled out id by id."""
    named = set(CHECK_ID.findall(README))
    for kind, low, high in re.findall(r"vigil\.([EW])(\d{3})`?\s*[–-]\s*`?vigil\.[EW](\d{3})", README):
        named |= {f"vigil.{kind}{n:03d}" for n in range(int(low), int(high) + 1)}
    return named


def test_it_names_only_check_ids_that_exist():
    assert check_ids_in_readme() - check_ids_in_code() == set()


def test_it_names_every_check_id_there_is():
    assert check_ids_in_code() - check_ids_in_readme() == set()


def test_it_shows_only_make_targets_that_exist():
    benches = {f"bench-{name}" for name in re.search(r"^BENCHES := (.+)$", MAKEFILE, re.M).group(1).split()}
    targets = set(re.findall(r"^([a-z][\w-]*):", MAKEFILE, re.M)) | benches
    shown = set(re.findall(r"make ([a-z][\w-]*)", README)) - {"bench-"}
    assert shown - targets == set()
    assert benches, "make bench-<name> is shown: there is at least one"
    for name in benches:
        script = re.search(rf"^BENCH_SCRIPT_{name[6:]} := (.+)$", MAKEFILE, re.M)
        assert (ROOT / (script.group(1) if script else f"bench/{name[6:]}.py")).exists(), name


def test_it_collects_tests_only_from_folders_that_exist():
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    for folder in config["tool"]["pytest"]["ini_options"]["testpaths"]:
        assert (ROOT / folder).is_dir(), folder


def test_it_says_what_the_ci_script_assumes_of_the_machine():
    """`.ci/run` installs with apt-get and starts PostgreSQL with pg_ctlcluster: root on Debian."""
    script = (ROOT / ".ci" / "run").read_text()
    head = "\n".join(line for line in script.splitlines()[:12] if line.startswith("#"))
    assert "root" in head and "Debian" in head
    section = README[README.index("## Test it") : README.index("## In production")]
    assert ".ci/run" in section and "root" in section and "Debian" in section


# Places outside the repository that the project's own files must not read from (they exist on some
# developers' machines only).
OUTSIDE = re.compile(r"""["'`](/work/|/home/|~/|\.\./)""")


def test_it_points_at_nothing_outside_the_repository_from_makefile_scripts_or_ci():
    files = [ROOT / "Makefile", *(ROOT / "scripts").glob("*"), *(p for p in (ROOT / ".ci").rglob("*") if p.is_file())]
    for path in files:
        assert not OUTSIDE.search(path.read_text()), path


def test_it_reads_benchmark_data_from_the_repository_only():
    for path in sorted((ROOT / "bench").glob("*.py")):
        assert not OUTSIDE.search(path.read_text()), path


@pytest.fixture
def fresh_clone(tmp_path):
    """The repository as just cloned: no var/ (no keys, no database), the shared environment in .venv.

    The code and data are linked, not copied; the Makefile and scripts are copied, since they are what
    is tested. `make -o` marks the install steps as done, so no test ever installs anything.
    """
    clone = tmp_path / "clone"
    clone.mkdir()
    for name in ("vigil", "jurisdictions", "locale", "bench"):
        (clone / name).symlink_to(ROOT / name)
    (clone / ".venv").symlink_to(ROOT / ".venv")
    shutil.copy(ROOT / "Makefile", clone / "Makefile")
    shutil.copy(ROOT / "manage.py", clone / "manage.py")
    shutil.copytree(ROOT / "scripts", clone / "scripts")
    return clone


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_it_prints_a_demo_code_on_a_fresh_clone_without_make_run_first(fresh_clone, tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        # MAKELEVEL and MAKEFLAGS too: under `make test` the inner make would print its directories.
        if not key.startswith(
            ("FIELD_", "BLIND_", "SECRET_", "DATABASE_", "REDIS_", "DEBUG", "VIGIL_", "MAKE", "MFLAGS")
        )
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    result = subprocess.run(
        ["make", "-o", ".venv/.installed", "-o", "var/catalogs.stamp", "demo-code", "ACCOUNT=dispatcher"],
        cwd=fresh_clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert re.fullmatch(r"\d{6}", result.stdout.strip().splitlines()[-1]), result.stdout[-500:]
