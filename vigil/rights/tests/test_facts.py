"""The facts files: read and checked on load; citations of unknown ids refused."""

import re
from pathlib import Path

import pytest

from vigil.rights import facts
from vigil.rights.facts import FactsFileError, UnknownFact, check_citations, cite, fact_book, read_facts_file

GOOD = """
jurisdiction = "xx"

[[fact]]
id = "silence"
statement = "One may stay silent."
source = "a source"
status = "verified"

[[fact]]
id = "door"
statement = "A second statement."
source = "another source"
status = "UNVERIFIED"

[[never_say]]
text = "Something wrong."
"""


def write(tmp_path, text, name="facts.toml"):
    path = Path(tmp_path) / name
    path.write_text(text, encoding="utf-8")
    return path


def test_it_reads_both_shipped_files_with_every_status_in_use():
    book = fact_book()
    assert {f.jurisdiction for f in book.facts.values()} == {"us", "nyc"}
    assert {f.status for f in book.facts.values()} == {"verified", "UNVERIFIED", "contested"}
    assert len(book.never_say) == 10


def test_it_cites_a_known_fact_with_its_source_and_status():
    fact = cite("silence")
    assert fact.source == "U.S. Const. amend. V"
    assert fact.status == "verified" and not fact.flagged
    assert cite("home-entry").flagged


def test_it_refuses_an_unknown_fact_id():
    with pytest.raises(UnknownFact, match="they-cannot-enter"):
        cite("they-cannot-enter")


def test_it_refuses_citations_naming_every_unknown_id():
    with pytest.raises(UnknownFact) as raised:
        check_citations(["silence", "made-up", "no-run", "also-made-up"])
    assert raised.value.fact_ids == ["also-made-up", "made-up"]
    assert [f.id for f in check_citations(["no-run", "silence"])] == ["no-run", "silence"]


def test_every_see_names_a_fact():
    book = fact_book()
    for fact in book.facts.values():
        for ref in fact.see:
            assert ref in book.facts


def test_the_shipped_statements_are_the_notes_words():
    """Spot checks against the wording of the legal notes (the files must not paraphrase)."""
    assert cite("no-sign").statement == (
        "Do not sign anything you do not understand, or before speaking to a lawyer (papers can give up a hearing)."
    )
    assert cite("nyc-wells-demarco").source == "nycourts.gov/Reporter/3dseries/2018/2018_07740.htm"
    assert cite("court-keep-going").source == "INA 240(b)(5)"


def test_a_fact_without_a_source_is_never_verified(tmp_path):
    path = write(tmp_path, GOOD.replace('source = "a source"', 'source = "not given"'))
    with pytest.raises(FactsFileError, match=r'fact 1 \(id "silence"\).*cannot be verified'):
        read_facts_file(path)
    for fact in fact_book().facts.values():
        assert fact.source != "not given" or fact.status != "verified"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('status = "UNVERIFIED"', 'status = "probably"'), r'fact 2 \(id "door"\), field status'),
        (('statement = "A second statement."\n', ""), r'fact 2 \(id "door"\), field statement: Field required'),
        (('id = "door"', 'id = "Door Step"'), r"fact 2 \(id \"Door Step\"\), field id"),
        (('id = "door"', 'id = "silence"'), r"field fact: .*'silence' appears twice"),
        (
            ('source = "a source"', 'source = "a source"\nsauce = "typo"'),
            r'fact 1 \(id "silence"\), field sauce: Extra',
        ),
        (('jurisdiction = "xx"', ""), r"field jurisdiction: Field required"),
        (('text = "Something wrong."', "text = 3"), r"never_say 1, field text"),
    ],
)
def test_a_malformed_file_fails_naming_the_entry_and_field(tmp_path, change, message):
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(FactsFileError, match=message) as raised:
        read_facts_file(path)
    assert str(path) in str(raised.value)


def test_a_file_that_is_not_toml_fails_naming_the_file(tmp_path):
    path = write(tmp_path, "[[fact]\nid = ")
    with pytest.raises(FactsFileError, match=re.escape(str(path))):
        read_facts_file(path)


def test_a_see_naming_no_fact_fails(tmp_path):
    path = write(tmp_path, GOOD.replace('status = "verified"', 'status = "verified"\nsee = ["ghost"]'))
    with pytest.raises(FactsFileError, match='fact "silence", field see: unknown id.*ghost'):
        facts.FactBook([read_facts_file(path)])


def test_an_id_in_two_files_fails(tmp_path):
    first = read_facts_file(write(tmp_path, GOOD, "a.toml"))
    second = read_facts_file(write(tmp_path, GOOD.replace('"xx"', '"yy"'), "b.toml"))
    with pytest.raises(FactsFileError, match="'silence' is in both xx and yy"):
        facts.FactBook([first, second])
