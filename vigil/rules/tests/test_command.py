"""manage.py evaluate_rules: a thin shell over the core."""

import json

import pytest
from django.core.management import CommandError, call_command


def run(tmp_path, incidents, capsys):
    path = tmp_path / "in.json"
    path.write_text(json.dumps(incidents))
    call_command("evaluate_rules", "--jurisdiction", "nyc", str(path))
    return json.loads(capsys.readouterr().out)


def test_it_prints_findings_per_object(tmp_path, capsys):
    out = run(
        tmp_path,
        [
            {
                "id": "a",
                "date": "2025-06-10",
                "detentions": [{"custody": "doc", "honored": "held_past_release", "warrant": "ice_administrative"}],
            }
        ],
        capsys,
    )
    assert out[0]["id"] == "a"
    first = out[0]["findings"][0]
    assert first["rule"] == "doc-detainer-hold" and first["level"] == "possible_violation"
    assert {"citation", "facts", "pack"} <= set(first)


def test_it_names_the_object_and_field_of_bad_input(tmp_path, capsys):
    with pytest.raises(CommandError, match=r"object 1 \(id 'b'\): field 'detentions\[0\]\.custody'"):
        run(
            tmp_path,
            [{"id": "a", "date": "2025-06-10"}, {"id": "b", "date": "2025-06-10", "detentions": [{"custody": "dok"}]}],
            capsys,
        )
