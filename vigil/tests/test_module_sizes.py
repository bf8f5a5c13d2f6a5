"""Modules stay small enough to read in one sitting: none in any app or in the benchmarks over 600 lines
(split along the responsibilities its docstring names instead). Tests and migrations are not counted."""

from pathlib import Path

import pytest

VIGIL = Path(__file__).resolve().parents[1]
REPOSITORY = VIGIL.parent
LIMIT = 600
APPS = sorted(path.parent.name for path in VIGIL.glob("*/apps.py"))
PACKAGES = (*(f"vigil/{app}" for app in APPS), "vigil/lib", "bench")


def _modules(package: str):
    root = REPOSITORY / package
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if parts[0] in ("migrations", "tests"):
            continue
        yield path


@pytest.mark.parametrize("package", PACKAGES)
def test_it_keeps_every_module_under_the_line_limit(package):
    too_long = {
        str(path.relative_to(REPOSITORY)): n
        for path in _modules(package)
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > LIMIT
    }
    assert too_long == {}


def test_it_finds_the_modules_it_measures():
    assert {"incidents", "intake", "alerts", "messaging", "geo", "cases", "rights"} <= set(APPS)
    assert any(path.name == "actions.py" for path in _modules("vigil/incidents"))
    assert any(path.name == "gen_reports.py" for path in _modules("bench"))
