"""Modules stay small enough to read in one sitting: none in the core apps over 600 lines (split along the
responsibilities its docstring names instead)."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE_APPS = ("incidents", "intake", "alerts", "messaging")
LIMIT = 600


def _modules(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        parts = path.relative_to(ROOT / app).parts
        if parts[0] in ("migrations", "tests"):
            continue
        yield path


@pytest.mark.parametrize("app", CORE_APPS)
def test_it_keeps_every_core_module_under_the_line_limit(app):
    too_long = {
        str(path.relative_to(ROOT)): n
        for path in _modules(app)
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > LIMIT
    }
    assert too_long == {}


def test_it_finds_the_modules_it_measures():
    assert any(path.name == "actions.py" for path in _modules("incidents"))
