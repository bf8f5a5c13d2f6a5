"""The documentation is checked like code: what it promises exists, and what exists is documented."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def env_reads() -> set[str]:
    names = set()
    for path in (ROOT / "vigil").rglob("*.py"):
        if "tests" in path.parts:
            continue
        names.update(re.findall(r'env_(?:str|bool|int|float|list)\(\s*"([A-Z0-9_]+)"', path.read_text()))
    return names


def test_it_documents_every_environment_variable_in_env_example():
    documented = set(re.findall(r"^([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert env_reads() - documented == set()


def test_it_documents_no_variable_that_nothing_reads():
    documented = set(re.findall(r"^([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    read_elsewhere = {"PORT"}  # read by scripts/run.sh and the Makefile
    assert documented - env_reads() - read_elsewhere == set()


def test_it_has_a_make_target_for_every_command_the_readme_shows():
    readme = (ROOT / "README.md").read_text()
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][\w-]*):", makefile, re.M))
    shown = set(re.findall(r"make ([a-z][\w-]*)", readme)) - {"bench-"}
    assert {"run", "test", "install"} <= shown
    assert shown - targets == set()


def test_it_has_a_benchmark_for_every_bench_target():
    makefile = (ROOT / "Makefile").read_text()
    for script in re.findall(r"\$\(PY\) (bench/\w+\.py)", makefile):
        assert (ROOT / script).exists(), script


def test_it_names_the_system_checks_the_readme_mentions():
    from vigil import checks

    source = Path(checks.__file__).read_text()
    for check_id in ("vigil.E001", "vigil.E002", "vigil.E003", "vigil.E004", "vigil.E007", "vigil.E010"):
        assert check_id in source


def test_it_lists_every_retention_period_with_its_default():
    from django.conf import settings

    page = (ROOT / "docs" / "privacy.md").read_text()
    for key in settings.RETENTION:
        assert f"`{key}`" in page, key
    source = (ROOT / "vigil" / "settings.py").read_text()
    for key, variable, default in re.findall(r'"(\w+)": env_int\("(RETENTION_\w+)", (\d+)\)', source):
        row = next(line for line in page.splitlines() if f"`{key}`" in line)
        assert f"| {default} |" in row and variable in row, key


def test_it_describes_every_api_path():
    from vigil.lib.openapi import document

    page = (ROOT / "docs" / "api.md").read_text()
    for path, operations in document()["paths"].items():
        for method in operations:
            assert f"`{method.upper()} {path}`" in page, (method, path)


def markdown_pages():
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_it_resolves_every_relative_link_of_the_readme_and_docs_to_a_file_in_the_repository():
    checked = 0
    for page in markdown_pages():
        for target in re.findall(r"\]\(([^)\s]+)\)", page.read_text()):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue  # a web address or an anchor on the same page
            path = (page.parent / target.split("#")[0]).resolve()
            assert path.is_relative_to(ROOT) and path.exists(), f"{page.name}: {target}"
            checked += 1
    assert checked >= 3


def test_it_points_at_nothing_outside_the_repository():
    files = [*markdown_pages(), ROOT / "Makefile", *(p for p in (ROOT / ".ci").rglob("*") if p.is_file())]
    for path in files:
        assert "../shared" not in path.read_text(), path
