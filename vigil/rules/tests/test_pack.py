"""The pack is checked whole on load; the core imports nothing from Django and catches nothing broadly."""

import ast
import re
from pathlib import Path

import pytest

from vigil.rules.pack import PackError, load_pack
from vigil.rules.tests.cases import PACK

RULES_DIR = Path(__file__).resolve().parents[1]
# The evaluator's core; the rest of the app (models, mapping, views, jobs) is the product around it.
CORE = [RULES_DIR / name for name in ("__init__.py", "engine.py", "facts.py", "lang.py", "pack.py")]


def broken(tmp_path, old, new):
    text = PACK.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "rules.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "rule", "field"),
    [
        ('violation = "@detainer_unmet"', 'violation = { eq = ["$custody"] }', "doc-detainer-hold", "violation.eq"),
        ('level = "information"', 'level = "violation"', "nypd-48-hour-branch", "level"),
        (
            'ask_when_unknown = ["operator"]',
            'ask_when_unknown = ["operater"]',
            "city-site-non-public-area",
            "ask_when_unknown[0]",
        ),
        ('sources = ["wells"]', 'sources = ["wels"]', "local-civil-immigration-arrest", "sources[0]"),
        ("in_force_from = 2020-12-15", 'in_force_from = "2020-12-15"', "court-civil-arrest", "in_force_from"),
    ],
)
def test_it_refuses_a_pack_with_one_broken_rule_whole_naming_rule_and_field(tmp_path, old, new, rule, field):
    with pytest.raises(PackError) as caught:
        load_pack(broken(tmp_path, old, new))
    assert caught.value.rule == rule and caught.value.field == field, str(caught.value)


def first_line(prefix):
    return next(line for line in PACK.read_text(encoding="utf-8").splitlines() if line.startswith(prefix))


def test_it_refuses_a_missing_translation_entry(tmp_path):
    with pytest.raises(PackError) as caught:
        load_pack(broken(tmp_path, first_line("pl = "), ""))
    assert caught.value.rule == "doc-detainer-hold" and caught.value.field == "explanation.pl"


def test_it_shows_the_english_for_a_placeholder(tmp_path):
    pack = load_pack(broken(tmp_path, first_line("pl = "), 'pl = { reviewed = false, shows = "en" }'))
    rule = next(rule for rule in pack.rules if rule.id == "doc-detainer-hold")
    english = rule.explanation["en"]["text"]
    assert rule.explain("pl") == {"text": english, "reviewed": False, "english": english}


def test_it_carries_an_explanation_per_catalog_of_the_deployment_english_beside_the_unreviewed():
    from django.conf import settings

    pack = load_pack(PACK)
    assert list(pack.languages) == [code for code, _ in settings.LANGUAGES]
    for rule in pack.rules:
        shown = rule.explain("es")
        assert shown["reviewed"] is False and shown["english"] == rule.explanation["en"]["text"]


def test_it_hashes_the_content_not_the_layout(tmp_path):
    same = broken(tmp_path, "# The NYC rule pack", "# The NYC rule pack (a comment changed)")
    assert load_pack(same).hash == load_pack(PACK).hash
    other = tmp_path / "other.toml"
    other.write_text(PACK.read_text(encoding="utf-8").replace("2020-12-15\n", "2020-12-16\n", 1), encoding="utf-8")
    assert load_pack(other).hash != load_pack(PACK).hash


def test_it_has_a_core_that_imports_nothing_from_django():
    for path in CORE:
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            names += [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not any(n == "django" or n.startswith("django.") for n in names), path


def test_it_has_no_broad_except_in_the_rules():
    for path in RULES_DIR.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ExceptHandler):
                caught = ast.unparse(node.type) if node.type else ""
                assert caught and not re.search(r"\b(Exception|BaseException)\b", caught), (path, node.lineno)
