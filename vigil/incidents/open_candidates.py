"""Open candidate incidents for grouping, in the database: their sealed summaries, this process's cache of
the parsed ones, and the search for every candidate a report could join.

The search reads candidates by where they are filed (`Incident.grouping_cell`, see `grouping.cells`) and
by the time of their last report, through one index both engines have without extensions; it takes
every candidate it finds, however many a surge has opened, rather than the newest few.
"""

from __future__ import annotations

import base64
import functools
import itertools
import json

from django.db import connection, transaction

from vigil.incidents import grouping
from vigil.incidents.models import Incident
from vigil.lib import rows

# Parsed grouping summaries by incident id, kept while the incident's report count is unchanged: parsing
# a summary costs more than comparing against it, and most candidates do not change between two reports.
_STATE_CACHE: dict[object, tuple[bytes, grouping.CandidateState]] = {}  # by id as the driver returns it
_STATE_CACHE_LIMIT = 20000


def _seal_summary(incident_id, state: grouping.CandidateState) -> bytes:
    """The packed state (base64: the field holds text, which key rotation decrypts and re-encrypts as such)."""
    from vigil.lib import crypto

    return crypto.encrypt_text(base64.b64encode(state.to_bytes()).decode(), _summary_aad(incident_id))


def _open_summary(incident_id, blob) -> grouping.CandidateState:
    """A sealed summary, packed or (written before packing) JSON."""
    from vigil.lib import crypto

    text = crypto.decrypt_text(bytes(blob), _summary_aad(incident_id))
    if text.startswith("{"):
        return grouping.CandidateState.from_dict(json.loads(text))
    return grouping.CandidateState.from_bytes(base64.b64decode(text))


def _summary_aad(incident_id) -> bytes:
    return _summary_aad_prefix() + str(incident_id).encode()


@functools.cache
def _summary_aad_prefix() -> bytes:
    from vigil.lib import crypto

    column = Incident._meta.get_field("grouping_summary").column
    return crypto.associated_data(Incident._meta.db_table, column, "")


# The index the search reads through (see Incident.Meta).
CELL_INDEX = "incident_grouping_cell"

_CANDIDATE_COLUMNS = (
    "id",
    "area",
    "languages",
    "has_solved_submission",
    "report_count",
    "grouping_summary",
    "grouping_cell",
)


def search_cells(report) -> list[str] | None:
    """The keys (`grouping.cells`) under which every open candidate the report could join is filed; None
    when the report has neither point nor area, and only its borough (or nothing) bounds the search.

    Steps:
    1. Always: candidates filed under no place, and under the report's borough alone.
    2. A point: the grid cells within `Rules.max_distance_m` (beyond it a point never joins a point), and
       the report's neighborhood and the neighboring ones (a candidate without a point is compared by area).
    3. An area without a point: that neighborhood and the neighboring ones, and the grid cells covering
       all of them (a candidate with a point is compared by the area its point is in).
    A candidate without a point in a neighborhood farther than the neighbors could only join against
    `Rules.other_area` and strong text; it is not searched for, nor is a candidate with a point outside
    the neighborhoods of a report without a point.
    """
    if report.lat is None or report.lon is None:
        if not report.area:
            return None
        return ["", *([grouping.borough_cell(report.borough)] if report.borough else []), *_area_cells(report.area)]
    out = ["", *([grouping.borough_cell(report.borough)] if report.borough else [])]
    out += grouping.cells_around(report.lat, report.lon, grouping.DEFAULT_RULES.max_distance_m)
    if report.area:
        out += [grouping.area_cell(area) for area in (report.area, *sorted(neighbors(report.area)))]
    return out


@functools.lru_cache(maxsize=1024)
def _area_cells(area: str) -> tuple[str, ...]:
    """The keys of a neighborhood, its neighbors and the grid cells covering all of them."""
    from vigil.geo.areas import area_bounds

    members = (area, *sorted(neighbors(area)))
    out = [grouping.area_cell(code) for code in members]
    cells: dict[str, None] = {}
    for code in members:
        bounds = area_bounds(code)
        if bounds is not None:
            cells.update(dict.fromkeys(grouping.cells_in_bounds(*bounds)))
    return (*out, *cells)


def neighbors(area: str) -> set[str]:
    """Neighborhoods within a kilometre of this one (grouping compares areas by them)."""
    from vigil.geo.areas import nearby_neighborhoods

    return set(nearby_neighborhoods(area, 1000))


@functools.cache
def _candidate_sql(*, cells: int, in_borough: bool, partner: bool) -> str:
    """The open candidates near in time: under `cells` keys when given (through the index on the cell and
    the time), else in the report's borough, else all. No order and no limit: every one is scored.
    Written out rather than built by the ORM each time: compiling the query cost ten times what running
    it did (vigil/lib/rows.py)."""
    c = lambda name: rows.column(Incident, name)  # noqa: E731
    where = [c("grouping_open"), f"{c('last_report_at')} >= %s"]
    where.append(f"{c('organization')} = %s" if partner else f"{c('organization')} IS NULL")
    source = rows.table(Incident)
    if cells:
        where.append(f"{c('grouping_cell')} IN ({', '.join(['%s'] * cells)})")
        if connection.vendor == "sqlite":
            # SQLite plans without statistics and took the organization's index, which in a surge of one
            # partner's reports holds every open incident; PostgreSQL's planner has its statistics.
            source += f' INDEXED BY "{CELL_INDEX}"'
    elif in_borough:
        where.append(f"{c('borough')} IN (%s, '')")
    # The summary's tag, not the summary (see `candidate_states`): bytes 3 to 16 of the sealed value
    # (`_summary_tag`), by a function both engines have for binary values.
    columns = [f"substr({c(name)}, 3, 14)" if name == "grouping_summary" else c(name) for name in _CANDIDATE_COLUMNS]
    return "SELECT {} FROM {} WHERE {}".format(  # noqa: S608 (names from metadata)
        ", ".join(columns), source, " AND ".join(where)
    )


def candidate_states(report, since, readings=()) -> list[tuple[grouping.CandidateState, dict]]:
    """Every open candidate the report could join (see `search_cells`) whose last report is at or after
    `since`, each with the few columns grouping updates; with `readings` (other places the report's text
    may name, `grouping.ReportFeatures`), those it could join at each of them too. A summary is read and
    parsed again only when it was written again since this process saw it."""
    # Reports group only with incidents of the same owner: the network's (public intake) or one partner's,
    # so no organization ever reads another's reports through a shared incident.
    params = [rows.prep(Incident, "last_report_at", since)]
    if report.partner_id:
        params.append(rows.prep(Incident, "organization", report.partner_id))
    cells = search_cells(report)
    if cells is not None:
        for reading in readings:
            cells += search_cells(reading)
    if cells:
        cells = list(dict.fromkeys(cells))
        params += cells
    elif report.borough:
        params.append(report.borough)
    # Raw values: most candidates are only scored, so only the chosen one's columns are converted. The
    # summaries come as their tags (`_summary_tag`): in a surge a report has hundreds of candidates, nearly
    # all parsed already, and reading every sealed summary again cost more than scoring them.
    current = rows.select(
        Incident,
        _CANDIDATE_COLUMNS,
        _candidate_sql(cells=len(cells or ()), in_borough=bool(report.borough), partner=bool(report.partner_id)),
        params,
        raw=True,
    )
    if len(_STATE_CACHE) > _STATE_CACHE_LIMIT:
        # The oldest parsed first: a surge's candidates are read again and again, and forgetting them all
        # at once would parse every one of them again for the next reports.
        for key in list(itertools.islice(_STATE_CACHE, len(_STATE_CACHE) // 4)):
            del _STATE_CACHE[key]
    cache = _STATE_CACHE
    stale = [db_id for db_id, *_rest, tag, _cell in current if tag and _stale(cache.get(db_id), tag)]
    for at in range(0, len(stale), _SUMMARIES_PER_QUERY):
        _read_summaries(stale[at : at + _SUMMARIES_PER_QUERY])
    out = []
    for db_id, area, languages, solved, count, tag, cell in current:
        if not tag:
            continue
        row = {
            "area": area,
            "languages": languages,
            "has_solved_submission": solved,
            "report_count": count,
            "grouping_cell": cell,
        }
        out.append((cache[db_id][1], row))
    return out


# Summaries read again per query, at most: well below either engine's limit on parameters.
_SUMMARIES_PER_QUERY = 500


def _stale(cached, tag) -> bool:
    return cached is None or cached[0] != bytes(tag)


def _read_summaries(db_ids: list) -> None:
    """Read and parse the sealed summaries of these incidents into the cache (written since this process
    last parsed them, or never parsed)."""
    sql = "SELECT {}, {} FROM {} WHERE {} IN ({})".format(  # noqa: S608 (names from metadata)
        rows.column(Incident, "id"),
        rows.column(Incident, "grouping_summary"),
        rows.table(Incident),
        rows.column(Incident, "id"),
        ", ".join(["%s"] * len(db_ids)),
    )
    for db_id, summary in rows.select(Incident, ("id", "grouping_summary"), sql, list(db_ids), raw=True):
        if summary:
            _parsed_summary(db_id, summary)


def _parsed_summary(db_id, summary) -> grouping.CandidateState:
    """The summary as this process last parsed it, parsed again only when it was written again since."""
    cached = _STATE_CACHE.get(db_id)
    tag = _summary_tag(summary)
    if cached is None or cached[0] != tag:
        # Written since this process last read it (a report grouped by another process, a report
        # moved out by a dispatcher, a rebuild): read it again.
        pk = rows.convert(Incident, "id", db_id)
        cached = _STATE_CACHE[db_id] = (tag, _open_summary(pk, summary))
    return cached[1]


@functools.cache
def _incident_sql() -> str:
    c = lambda name: rows.column(Incident, name)  # noqa: E731
    return "SELECT {} FROM {} WHERE {} = %s".format(  # noqa: S608 (names from metadata)
        ", ".join(c(name) for name in (*_CANDIDATE_COLUMNS, "grouping_open")), rows.table(Incident), c("id")
    )


def _incident_state(incident_id) -> tuple[grouping.CandidateState | None, dict] | None:
    """One incident's summary (None when it is closed to grouping) and the columns grouping updates;
    None if there is no such incident."""
    found = rows.select(
        Incident,
        (*_CANDIDATE_COLUMNS, "grouping_open"),
        _incident_sql(),
        [rows.prep(Incident, "id", incident_id)],
        raw=True,
    )
    if not found:
        return None
    db_id, area, languages, solved, count, summary, cell, grouping_open = found[0]
    row = {
        "area": area,
        "languages": languages,
        "has_solved_submission": solved,
        "report_count": count,
        "grouping_cell": cell,
    }
    open_state = (
        _parsed_summary(db_id, summary) if summary and rows.convert(Incident, "grouping_open", grouping_open) else None
    )
    return open_state, row


def _cache_key(incident_id):
    """The id as the database driver returns it (hex text on SQLite, a UUID on PostgreSQL)."""
    return rows.prep(Incident, "id", incident_id)


def _summary_tag(sealed) -> bytes:
    """What tells one write of a summary from any other: its key version and random nonce, fresh at every
    encryption (a report count is not enough: a report moved out and another grouped in restore it)."""
    return bytes(sealed[2:16])


def _remember(incident_id: str, sealed: bytes, state: grouping.CandidateState) -> None:
    key = _cache_key(incident_id)
    tag = _summary_tag(sealed)

    def store():
        _STATE_CACHE[key] = (tag, state)

    transaction.on_commit(store)
