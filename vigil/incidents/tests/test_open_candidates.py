"""The candidate search: every open candidate a report could join, found by where it is filed, however many
a surge has opened."""

import math
import random
from datetime import timedelta

import pytest
from django.utils import timezone

from vigil.incidents import grouping, open_candidates
from vigil.incidents.grouping import cells_around, meters_between, point_cell
from vigil.incidents.models import Incident
from vigil.intake import actions
from vigil.intake.validation import build_input

# Roosevelt Ave & 74 St, Jackson Heights (QN0301).
CORNER = (40.74685, -73.89143)


def submit(text, lat=None, lon=None, minutes_ago=60.0, area=None):
    raw = {"text": text, "occurred_at": (timezone.now() - timedelta(minutes=minutes_ago)).isoformat()}
    if lat is not None:
        raw.update(lat=lat, lon=lon)
    if area:
        raw["area"] = area
    return actions.submit_report(build_input(raw), channel="api")[0]


def moved(point, meters, bearing_deg):
    lat, lon = point
    b = math.radians(bearing_deg)
    return (
        lat + meters * math.cos(b) / 111_195.0,
        lon + meters * math.sin(b) / (111_195.0 * math.cos(math.radians(lat))),
    )


def test_it_looks_under_every_cell_a_point_within_the_limit_can_be_in():
    rng = random.Random(7)
    for _ in range(2000):
        here = (rng.uniform(40.5, 40.9), rng.uniform(-74.25, -73.7))
        there = moved(here, rng.uniform(0, 999), rng.uniform(0, 360))
        assert meters_between(*here, *there) < 1000
        assert point_cell(*there) in cells_around(*here, 1000.0)


def test_it_looks_under_a_few_cells_only():
    assert len(cells_around(*CORNER, 1000.0)) <= 25


@pytest.mark.django_db
def test_it_files_an_incident_under_the_cell_of_its_point():
    report = submit("ICE at Roosevelt Ave and 74 St", *CORNER)
    incident = Incident.objects.get(pk=report.incident_id)
    assert incident.grouping_cell == point_cell(*CORNER)


@pytest.mark.django_db
def test_it_finds_an_older_true_match_beyond_two_hundred_newer_candidates():
    first = submit("ICE agents at Roosevelt Ave and 74 St, 3 vans", *CORNER, minutes_ago=120)
    # 250 newer scenes elsewhere in Queens, 1.2 km apart: the old search took the 200 newest open
    # candidates of the borough and never saw the first.
    for i, (lat, lon) in enumerate(queens_grid(250)):
        submit(f"agents at building {1000 + i}, one car", lat, lon, minutes_ago=119 - i * 0.3)
    assert Incident.objects.filter(grouping_open=True, borough="QN").count() > 200
    later = submit("ICE still at Roosevelt and 74th, 3 vans", *moved(CORNER, 30, 90), minutes_ago=40)
    assert later.incident_id == first.incident_id


@pytest.mark.django_db
def test_it_reads_candidates_by_their_cells():
    submit("ICE agents at Roosevelt Ave and 74 St", *CORNER)
    far = submit("ICE at the courthouse, 120 Schermerhorn St, Brooklyn", 40.6908, -73.9890)
    report = submit("ICE at Roosevelt and 74", *moved(CORNER, 40, 0), minutes_ago=50)
    found = {state.incident_id for state, _row in _candidates_for(report)}
    assert str(report.incident_id) in found
    assert str(far.incident_id) not in found
    sql = open_candidates._candidate_sql(cells=12, in_borough=True, partner=False)
    assert "grouping_cell" in sql
    assert "LIMIT" not in sql.upper()


@pytest.mark.django_db
def test_it_finds_a_candidate_with_a_point_for_a_report_giving_only_its_neighborhood():
    first = submit("ICE inside the laundromat on Roosevelt, 2 black vans", *CORNER)
    later = submit("jackson heights laundromat, 2 black vans still outside", area="QN0301", minutes_ago=45)
    assert later.incident_id == first.incident_id


def queens_grid(count):
    """Points 1.2 km apart in Queens, none within 1.2 km of CORNER."""
    from vigil.geo.areas import resolve_point

    out = []
    lat = 40.56
    while len(out) < count and lat < 40.80:
        lon = -73.96
        while len(out) < count and lon < -73.70:
            found = resolve_point(lat, lon)
            if found is not None and found.borough == "QN" and meters_between(lat, lon, *CORNER) > 1200:
                out.append((lat, lon))
            lon += 0.0142
        lat += 0.0108
    assert len(out) == count
    return out


def _candidates_for(report):
    return open_candidates.candidate_states(report, report.occurred_at - timedelta(hours=3))


def test_it_files_a_candidate_without_a_point_under_its_area_then_borough():
    assert grouping.candidate_cell(None, None, "QN0301", "QN") == "aQN0301"
    assert grouping.candidate_cell(None, None, "", "QN") == "bQN"
    assert grouping.candidate_cell(None, None, "", "") == ""


def test_it_reads_through_the_index_the_model_declares():
    assert open_candidates.CELL_INDEX in {index.name for index in Incident._meta.indexes}
