"""Cases written from docs/rules.md alone, by a tester who has not read the NYC pack or the evaluator.

Each case names the docs/rules.md clause it tests, the findings it expects (rule id: level) and, for every rule
it expects not to fire, why. The rule ids are the pack's (listed through the public API, not read from the
pack's conditions). Where the engine disagrees, the expectation is kept and the case is marked xfail(strict)
with the docs/rules.md line it rests on.

The violent-or-serious list is "not yet entered" (docs/rules.md), so the cases load the pack with a fictional
list of their own (`FICT-A` …), as the pack loader allows for tests; no real offence is written from memory.
"""

import datetime as dt
from pathlib import Path

import pytest

from vigil.rules.engine import evaluate_rules
from vigil.rules.pack import load_pack

PACK_PATH = Path(__file__).resolve().parents[3] / "jurisdictions" / "nyc" / "rules.toml"
OFFENCES = [
    {"offence": "FICT-A", "listed_from": dt.date(2014, 1, 1), "source": "fictional, independent cases"},
    {"offence": "FICT-B", "listed_from": dt.date(2014, 1, 1), "source": "fictional, independent cases"},
    {"offence": "FICT-LATE", "listed_from": dt.date(2025, 9, 1), "source": "fictional: listed after the arrest"},
]
PACKS = {"fictional": load_pack(PACK_PATH, offences=OFFENCES), "shipped": load_pack(PACK_PATH)}

PV, NI, INFO = "possible_violation", "needs_information", "information"
DOC, NYPD, PROB = "doc-detainer-hold", "nypd-detainer-hold", "probation-detainer-hold"
B48, SHARE, OFFICE = "nypd-48-hour-branch", "release-information-shared", "doc-property-office"
RESOURCES, PERIMETER, REQUEST = "city-resources-used", "nypd-perimeter-role", "city-assistance-request"
CITY, HHC, SCHOOL, OTHER = (
    "city-site-non-public-area",
    "hhc-non-public-area",
    "public-school-non-public-area",
    "non-city-site-non-public-area",
)
COURT, ICOURT, WELLS = "court-civil-arrest", "immigration-court-civil-arrest", "local-civil-immigration-arrest"
HOME, FORCED, PROTECTED = "home-entry-administrative-warrant", "home-forced-entry", "protected-area"

JUDICIAL = "federal_judicial_arrest"
ADMIN = "ice_administrative"
NO_MATCH = {"database_match": False}
NO_INCARCERATION = {"incarcerations": []}


def conv(sentence, offence="FICT-A", cid="c1", **extra):
    return {"id": cid, "sentence_date": sentence, "offence": offence, "jurisdiction": "NY", **extra}


def held(custody="doc", warrant=ADMIN, arrest="2025-06-01", **extra):
    """A person in city custody on a local criminal arrest (the instant arrest), held past release on a
    detention request."""
    record = {
        "targeted": "targeted",
        "custody": custody,
        "warrant": warrant,
        "arrest_by": "local",
        "arrest_basis": "criminal",
        "request": "detention",
        "honored": "held_past_release",
        "instant_arrest_date": arrest,
    }
    return record | extra


def incident(*detentions, date="2025-06-10", **facts):
    out = {"id": "independent", "date": date, **facts}
    if detentions:
        out["detentions"] = list(detentions)
    return out


def court_arrest(warrant=ADMIN, basis="civil_immigration", attendance="party_or_witness", **extra):
    return {
        "custody": "federal",
        "warrant": warrant,
        "arrest_by": "federal",
        "arrest_basis": basis,
        "court_attendance": attendance,
    } | extra


def nypd_48(would, released, **extra):
    """An NYPD detainer hold (detainer form only) of a person with a listed conviction long ago who was
    previously removed and re-entered: the 2014 text's 48-hour exception applies if the hold is short enough."""
    facts = {
        "would_release_at": would,
        "released_at": released,
        "convictions": [conv("2005-03-01")],
        "incarcerations": [],
        "database_match": False,
        "previously_removed_reentered": True,
    }
    return held(custody="nypd", warrant="detainer_only", arrest=would[:10], **(facts | extra))


CASES = [
    # ---------------- §§ 9-131 / 14-154 / 9-205: a judicial warrant AND (qualifying conviction or DB match)
    dict(
        name="doc: administrative warrant, qualifying conviction",
        clause="§ 9-131: 'only with BOTH a judicial warrant AND a violent-or-serious conviction': an I-200 "
        "(table: ice_administrative = no) fails the first condition",
        facts=incident(held(convictions=[conv("2022-01-10")], **NO_MATCH)),
        expect={DOC: PV, WELLS: PV},
        silent={
            NYPD: "custody is DOC, not NYPD",
            PROB: "custody is DOC, not Probation",
            B48: "the 48-hour exception is NYPD's only",
        },
    ),
    dict(
        name="doc: administrative warrant, conviction and match unknown",
        clause="§ 9-131: the judicial-warrant condition already fails, so the unknown conviction cannot save "
        "the hold (Kleene: all is false if one part is false)",
        facts=incident(held()),
        expect={DOC: PV, WELLS: PV},
    ),
    dict(
        name="doc: judicial warrant, conviction and match unknown",
        clause="§ 9-131: judicial warrant present, second condition unknown: information needed naming both",
        facts=incident(held(warrant=JUDICIAL)),
        expect={DOC: NI},
        unknown={DOC: ["detentions[0].convictions", "detentions[0].database_match"]},
        silent={WELLS: "table, Wells (holds): 'a hold on it [federal_judicial_arrest] is not a detainer hold'"},
    ),
    dict(
        name="doc: judicial warrant and a qualifying conviction",
        clause="§ 9-131: both conditions met: the hold is allowed",
        facts=incident(held(warrant=JUDICIAL, convictions=[conv("2022-01-10")], **NO_MATCH)),
        silent={
            DOC: "judicial warrant AND a listed conviction sentenced inside the five years",
            WELLS: "a hold on a federal judicial arrest warrant is not a detainer hold",
        },
    ),
    dict(
        name="doc: judicial warrant, no convictions, no match",
        clause="§ 9-131: the judicial warrant alone is not enough (BOTH … AND)",
        facts=incident(held(warrant=JUDICIAL, convictions=[], **NO_MATCH)),
        expect={DOC: PV},
        silent={WELLS: "a hold on a federal judicial arrest warrant is not a detainer hold"},
    ),
    dict(
        name="doc: judicial warrant and a database match, no conviction",
        clause="§ 9-131: '… within five years before the instant arrest, or a terrorist-screening database match'",
        facts=incident(held(warrant=JUDICIAL, convictions=[], database_match=True)),
        silent={DOC: "judicial warrant and a database match", WELLS: "judicial arrest warrant: not a detainer hold"},
    ),
    dict(
        name="doc: database match on an administrative warrant",
        clause="§ 9-131: the database match stands in for the conviction, not for the judicial warrant (the "
        "table's 'BOTH a judicial warrant AND …'; an I-200 never satisfies § 9-131 per the warrant table)",
        facts=incident(held(convictions=[], database_match=True)),
        expect={DOC: PV, WELLS: PV},
    ),
    dict(
        name="doc: hold honored by handing over at release on an I-200",
        clause="docs/rules.md, settled: honoring a detainer is holding past release; handing the person over at "
        "release shares the release date (§ 9-131 sharing limits)",
        facts=incident(held(request="transfer", honored="handed_over_at_release", convictions=[], **NO_MATCH)),
        expect={SHARE: PV},
        silent={DOC: "handed over at release, not held past it: not a detainer hold (settled in docs/rules.md)"},
    ),
    dict(
        name="doc: detainer received and not honored",
        clause="§ 9-131 limits honoring a detainer; one not honored is not a hold",
        facts=incident(held(honored="not_honored", convictions=[], **NO_MATCH)),
        silent={DOC: "the detainer was not honored", WELLS: "no civil arrest or hold by local officers"},
    ),
    dict(
        name="doc: the record's warrant overrides the incident's",
        clause="Facts: 'A detention record's warrant … overrides the incident's'",
        facts=incident(held(warrant=ADMIN, convictions=[conv("2022-01-10")], **NO_MATCH), warrant=JUDICIAL),
        expect={DOC: PV, WELLS: PV},
    ),
    dict(
        name="doc: the record's custody overrides the incident's",
        clause="Facts: 'A detention record's … custody overrides the incident's'",
        facts=incident(held(custody="doc", convictions=[], **NO_MATCH), custody="nypd"),
        expect={DOC: PV},
        silent={NYPD: "the record says DOC custody, which overrides the incident's NYPD"},
    ),
    dict(
        name="doc: warrant 'unknown', qualifying conviction",
        clause="Facts: '\"unknown\" is unknown'; table: unknown warrant = 'no / unknown' → information needed",
        facts=incident(held(warrant="unknown", convictions=[conv("2022-01-10")], **NO_MATCH)),
        expect={DOC: NI},
        unknown={DOC: ["detentions[0].warrant"]},
    ),
    # ---------------- the five years
    dict(
        name="five years: sentence on the window's first day",
        clause="Conventions: 'the instant arrest's date minus five calendar years …; the window's first day "
        "is inside' (arrest 2025-06-01, sentence 2020-06-01)",
        facts=incident(held(warrant=JUDICIAL, convictions=[conv("2020-06-01")], **NO_INCARCERATION, **NO_MATCH)),
        silent={DOC: "the conviction is inside the window: both conditions met"},
    ),
    dict(
        name="five years: sentence the day before the window",
        clause="Conventions: the window starts 2020-06-01 for an arrest on 2025-06-01; a sentence on "
        "2020-05-31 with no incarceration is outside",
        facts=incident(held(warrant=JUDICIAL, convictions=[conv("2020-05-31")], **NO_INCARCERATION, **NO_MATCH)),
        expect={DOC: PV},
    ),
    dict(
        name="five years: arrest on 29 February, sentence on 28 February",
        clause="Conventions: 'an arrest on 29 February starts the window on 28 February; the window's first "
        "day is inside'",
        facts=incident(
            held(
                warrant=JUDICIAL,
                arrest="2024-02-29",
                convictions=[conv("2019-02-28")],
                **NO_INCARCERATION,
                **NO_MATCH,
            ),
            date="2024-03-05",
        ),
        silent={DOC: "sentenced on the window's first day (28 February 2019)"},
    ),
    dict(
        name="five years: arrest on 29 February, sentence on 27 February",
        clause="Conventions: the window for a 29 February 2024 arrest starts 28 February 2019; 27 February is outside",
        facts=incident(
            held(
                warrant=JUDICIAL,
                arrest="2024-02-29",
                convictions=[conv("2019-02-27")],
                **NO_INCARCERATION,
                **NO_MATCH,
            ),
            date="2024-03-05",
        ),
        expect={DOC: PV},
    ),
    dict(
        name="five years: plea outside the window, sentence inside",
        clause="Legal facts: 'Convicted = judgment (conviction and sentence), CPL § 1.20(15)': the sentence "
        "date decides",
        facts=incident(
            held(
                warrant=JUDICIAL,
                convictions=[conv("2020-06-15", plea_or_verdict_date="2020-04-01")],
                **NO_INCARCERATION,
                **NO_MATCH,
            )
        ),
        silent={DOC: "sentenced inside the window; the plea date does not matter"},
    ),
    dict(
        name="five years: conviction on the instant charge",
        clause="Conventions: 'A conviction counts if sentenced before the instant arrest (so never one on the "
        "instant charge)'",
        facts=incident(
            held(
                warrant=JUDICIAL,
                convictions=[conv("2025-06-05", plea_or_verdict_date="2025-06-03")],
                **NO_INCARCERATION,
                **NO_MATCH,
            )
        ),
        expect={DOC: PV},
    ),
    dict(
        name="five years: incarceration for that conviction extends the window",
        clause="Legal facts: 'incarceration does not count toward the five years' (sentence 2020-03-01, 92 days "
        "before the window, then 305 days incarcerated for it)",
        facts=incident(
            held(
                warrant=JUDICIAL,
                convictions=[conv("2020-03-01")],
                incarcerations=[{"from": "2020-03-01", "to": "2020-12-31", "conviction": "c1"}],
                **NO_MATCH,
            )
        ),
        silent={DOC: "with the incarceration left out the sentence is inside the five years (both readings)"},
    ),
    dict(
        name="five years: incarceration for another conviction only",
        clause="Conventions: 'where the two readings differ the finding is information needed, \"depends on "
        "which incarceration is excluded; for legal review\"'",
        facts=incident(
            held(
                warrant=JUDICIAL,
                convictions=[
                    conv("2020-03-01"),
                    conv("2019-01-01", offence="FICT-UNLISTED", cid="c2"),
                ],
                incarcerations=[{"from": "2020-04-01", "to": "2020-12-31", "conviction": "c2"}],
                **NO_MATCH,
            )
        ),
        expect={DOC: NI},
        note_contains={DOC: "depends on which incarceration is excluded; for legal review"},
    ),
    dict(
        name="five years: detention after the instant arrest never counts",
        clause="Conventions: 'the days of incarceration between the conviction's sentence and the instant "
        "arrest (so detention after the instant arrest never counts)' (sentence 7 days before the window)",
        facts=incident(
            held(
                warrant=JUDICIAL,
                convictions=[conv("2020-05-25")],
                incarcerations=[{"from": "2025-06-01", "to": "2025-06-09", "conviction": "c1"}],
                **NO_MATCH,
            )
        ),
        expect={DOC: PV},
    ),
    dict(
        name="five years: pre-sentence detention never counts",
        clause="Conventions: excluded days are those 'between the conviction's sentence and the instant "
        "arrest' (jail before the sentence is not excluded)",
        facts=incident(
            held(
                warrant=JUDICIAL,
                convictions=[conv("2020-05-25")],
                incarcerations=[{"from": "2020-01-01", "to": "2020-05-24", "conviction": "c1"}],
                **NO_MATCH,
            )
        ),
        expect={DOC: PV},
    ),
    dict(
        name="five years: out-of-state equivalent",
        clause="Legal facts: 'or an out-of-state/federal equivalent, PL § 70.06(1)(b)(i)'; Facts: `offence`, "
        "'for another jurisdiction the section it is the equivalent of'",
        facts=incident(
            held(warrant=JUDICIAL, convictions=[conv("2022-01-10", jurisdiction="NJ")], **NO_MATCH),
        ),
        silent={DOC: "the New Jersey equivalent of a listed offence, inside the window"},
    ),
    dict(
        name="five years: offence listed after the instant arrest",
        clause="Conventions: a conviction counts 'for an offence on the list on the instant arrest's date' "
        "(FICT-LATE listed 2025-09-01, arrest 2025-06-01, incident 2025-10-01)",
        facts=incident(
            held(warrant=JUDICIAL, convictions=[conv("2022-01-10", offence="FICT-LATE")], **NO_MATCH),
            date="2025-10-01",
        ),
        expect={DOC: PV},
    ),
    dict(
        name="five years: the shipped pack's list is not entered",
        clause="Legal facts: 'the list itself is not in the sources: not yet entered': whether a conviction "
        "qualifies cannot be known, so a judicial-warrant hold with a conviction is information needed",
        pack="shipped",
        facts=incident(held(warrant=JUDICIAL, convictions=[conv("2022-01-10")], **NO_INCARCERATION, **NO_MATCH)),
        expect={DOC: NI},
    ),
    # ---------------- NYPD § 14-154 and the 48-hour branch
    dict(
        name="nypd: administrative warrant, no conviction",
        clause="§ 14-154: same two conditions as § 9-131; Wells: no detainer holds by local officers",
        facts=incident(held(custody="nypd", convictions=[], **NO_MATCH)),
        expect={NYPD: PV, WELLS: PV},
        silent={DOC: "custody is NYPD", PROB: "custody is NYPD"},
    ),
    dict(
        name="nypd 48 hours: across a weekend",
        clause="48 hours: 'real elapsed hours from the would-be release, leaving out whole local days that are "
        "Saturdays, Sundays' (Fri 18:00 to Mon 12:00: 66 h real, 18 h counted); 2014 text: conviction at any "
        "time AND previous removal",
        facts=incident(nypd_48("2025-06-06T18:00", "2025-06-09T12:00"), date="2025-06-09"),
        expect={B48: INFO, WELLS: PV},
        unverified={B48: True},
        silent={NYPD: "inside the 48-hour exception (issue: 'a hold inside it gives no § 14-154 finding')"},
    ),
    dict(
        name="nypd 48 hours: past 48 on weekdays",
        clause="48 hours: Mon 09:00 to Wed 10:00 is 49 counted hours, outside the exception",
        facts=incident(nypd_48("2025-06-02T09:00", "2025-06-04T10:00"), date="2025-06-04"),
        expect={NYPD: PV, WELLS: PV},
        silent={B48: "49 counted hours: outside the 48-hour exception"},
    ),
    dict(
        name="nypd 48 hours: across a federal holiday (Juneteenth 2025)",
        clause="48 hours: 'leaving out whole local days that are … listed holidays (US federal holidays …)' "
        "(Wed 10:00 to Fri 20:00: 58 h real, 34 h counted)",
        facts=incident(nypd_48("2025-06-18T10:00", "2025-06-20T20:00"), date="2025-06-20"),
        expect={B48: INFO, WELLS: PV},
        silent={NYPD: "inside the 48-hour exception once 19 June is left out"},
    ),
    dict(
        name="nypd 48 hours: an observed holiday (Friday 3 July 2026)",
        clause="48 hours: 'US federal holidays with observed days' (Thu 12:00 to Mon 13:00: 97 h real, 25 h "
        "counted; 49 h if the observed Friday were not left out)",
        facts=incident(nypd_48("2026-07-02T12:00", "2026-07-06T13:00"), date="2026-07-06"),
        expect={B48: INFO, WELLS: PV},
        silent={NYPD: "inside the 48-hour exception once the observed holiday is left out"},
    ),
    dict(
        name="nypd 48 hours: across the daylight-saving change",
        clause="48 hours: 'real elapsed hours', New York time (Fri 7 Mar 2025 12:00 EST to Tue 11 Mar 11:30 "
        "EDT: 47.5 counted hours)",
        facts=incident(nypd_48("2025-03-07T12:00", "2025-03-11T11:30"), date="2025-03-11"),
        expect={B48: INFO, WELLS: PV},
        silent={NYPD: "inside the 48-hour exception"},
    ),
    dict(
        name="nypd 48 hours: a day past the holiday list",
        clause="48 hours: 'a day past the list gives information needed' (2031: 49 h real, any holiday on "
        "7 January would bring it inside)",
        facts=incident(nypd_48("2031-01-06T09:00", "2031-01-08T10:00"), date="2031-01-08"),
        expect={NYPD: NI, WELLS: PV},
        unknown={NYPD: ["calendar.holidays"]},
    ),
    dict(
        name="nypd 48 hours: a day past the holiday list, the branch itself",
        clause="48 hours: 'a day past the list gives information needed', asked by the rule whose outcome the "
        "hours decide (settled in docs/rules.md)",
        facts=incident(nypd_48("2031-01-06T09:00", "2031-01-08T10:00"), date="2031-01-08"),
        expect={NYPD: NI},
        silent={B48: "the branch only decides whether § 14-154's finding applies; the question is asked there"},
    ),
    dict(
        name="nypd 48 hours: database match instead of a previous removal",
        clause="2014 text: 'conviction at any time AND previous removal, or a database match'",
        facts=incident(
            nypd_48(
                "2025-06-06T18:00",
                "2025-06-09T12:00",
                convictions=[],
                previously_removed_reentered=False,
                database_match=True,
            ),
            date="2025-06-09",
        ),
        expect={B48: INFO, WELLS: PV},
        silent={NYPD: "inside the 48-hour exception on a database match"},
    ),
    dict(
        name="nypd 48 hours: no previous removal",
        clause="2014 text: 'conviction at any time AND previous removal, or a database match' (neither)",
        facts=incident(
            nypd_48("2025-06-06T18:00", "2025-06-09T12:00", previously_removed_reentered=False), date="2025-06-09"
        ),
        expect={NYPD: PV, WELLS: PV},
        silent={B48: "no previous removal and no database match: the exception's conditions fail"},
    ),
    # ---------------- Probation § 9-205
    dict(
        name="probation: administrative warrant, no conviction",
        clause="§ 9-205: 'Probation, same terms'",
        facts=incident(held(custody="probation", convictions=[], **NO_MATCH)),
        expect={PROB: PV, WELLS: PV},
        silent={DOC: "custody is Probation", NYPD: "custody is Probation"},
    ),
    dict(
        name="probation: judicial warrant and a qualifying conviction",
        clause="§ 9-205: same terms as § 9-131, both conditions met",
        facts=incident(held(custody="probation", warrant=JUDICIAL, convictions=[conv("2023-02-01")], **NO_MATCH)),
        silent={PROB: "both conditions met", WELLS: "judicial arrest warrant: not a detainer hold"},
    ),
    # ---------------- information sharing, DOC office
    dict(
        name="sharing: DOC shares a release date, no conviction, no match, not required",
        clause="§ 9-131: 'limits on sharing release dates, custody status, court dates' (sharing conditions "
        "UNVERIFIED (§ 9-131(h)))",
        facts=incident(
            {
                "custody": "doc",
                "request": "notification",
                "honored": "not_honored",
                "instant_arrest_date": "2025-06-01",
                "convictions": [],
                "database_match": False,
                "info_shared": True,
                "info_shared_by": "doc",
                "sharing_required_by_law": False,
            }
        ),
        expect={SHARE: PV},
        unverified={SHARE: True},
        silent={DOC: "nothing was held; the detainer was not honored"},
    ),
    dict(
        name="sharing: DOC tells ICE the release time, no conviction, no match",
        clause="§ 9-131: 'limits on sharing release dates, custody status, court dates'; Facts: `honored` "
        "'release_time_told' (the release date was given to immigration authorities); `info_shared` left unknown",
        facts=incident(
            {
                "custody": "doc",
                "warrant": "detainer_only",
                "request": "notification",
                "honored": "release_time_told",
                "instant_arrest_date": "2025-06-01",
                "convictions": [],
                "database_match": False,
                "info_shared_by": "doc",
                "sharing_required_by_law": False,
            }
        ),
        expect={SHARE: PV},
    ),
    dict(
        name="sharing: required by law",
        clause="§ 9-131 sharing limits: sharing a law required is outside them",
        facts=incident(
            {
                "custody": "doc",
                "instant_arrest_date": "2025-06-01",
                "convictions": [],
                "database_match": False,
                "info_shared": True,
                "info_shared_by": "doc",
                "sharing_required_by_law": True,
            }
        ),
        silent={SHARE: "a law required the sharing"},
    ),
    dict(
        name="sharing: by Probation, person with a database match",
        clause="§ 9-205 'same terms': a database match allows what § 9-131 allows",
        facts=incident(
            {
                "custody": "probation",
                "instant_arrest_date": "2025-06-01",
                "convictions": [],
                "database_match": True,
                "info_shared": True,
                "info_shared_by": "probation",
                "sharing_required_by_law": False,
            }
        ),
        silent={SHARE: "the person has a database match"},
    ),
    dict(
        name="doc office: civil enforcement",
        clause="§ 9-131: 'no ICE office on DOC property for civil enforcement' (office verified)",
        facts=incident(doc_property_office=True, doc_property_office_purpose="civil_enforcement"),
        expect={OFFICE: PV},
        unverified={OFFICE: False},
    ),
    dict(
        name="doc office: purpose unknown",
        clause="§ 9-131 office; issue: 'purpose unknown → needs information'",
        facts=incident(doc_property_office=True),
        expect={OFFICE: NI},
    ),
    dict(
        name="doc office: criminal enforcement",
        clause="§ 9-131: the office bar is for civil enforcement only",
        facts=incident(doc_property_office=True, doc_property_office_purpose="criminal_enforcement"),
        silent={OFFICE: "the office's purpose is criminal enforcement"},
    ),
    # ---------------- § 10-178
    dict(
        name="city resources: civil immigration operation",
        clause="§ 10-178: 'no city resources for immigration enforcement (civil provisions …)'",
        facts=incident(city_resources_used=True, operation_purpose="civil_immigration"),
        expect={RESOURCES: PV},
    ),
    dict(
        name="city resources: criminal presence/entry/re-entry",
        clause="§ 10-178: '… and criminal provisions on presence, entry, re-entry'",
        facts=incident(city_resources_used=True, operation_purpose="criminal_presence_entry"),
        expect={RESOURCES: PV},
    ),
    dict(
        name="city resources: other criminal enforcement",
        clause="§ 10-178 covers only civil provisions and criminal presence/entry/re-entry",
        facts=incident(city_resources_used=True, operation_purpose="criminal_other"),
        silent={RESOURCES: "a criminal operation other than presence, entry or re-entry"},
    ),
    dict(
        name="city assistance request recorded",
        clause="§ 10-178(d): 'requests recorded and reported quarterly'",
        facts=incident(city_assistance_requested=True),
        expect={REQUEST: INFO},
        silent={RESOURCES: "no city resources reported used"},
    ),
    dict(
        name="nypd perimeter role, purpose unknown",
        clause="§ 10-178; issue: 'NYPD in a traffic or perimeter role only: needs information on the "
        "operation's purpose'",
        facts=incident(nypd_role="traffic_or_perimeter"),
        expect={PERIMETER: NI},
        unknown={PERIMETER: ["operation_purpose"]},
    ),
    # ---------------- LL 246/2017 and other sites
    dict(
        name="city agency office, inside, I-200",
        clause="LL 246/2017: non-public areas of city agencies' sites need 'a judicial warrant or order'; "
        "table: ice_administrative = no",
        facts=incident(operator="city_agency", non_public_area_entered=True, warrant=ADMIN),
        expect={CITY: PV},
        silent={HHC: "not an H+H site", SCHOOL: "not a school", OTHER: "a city site"},
    ),
    dict(
        name="contractor-run shelter, inside, no warrant shown",
        clause="LL 246/2017: '… and their human-services contractors' sites'",
        facts=incident(operator="city_contractor", non_public_area_entered=True, warrant="none_shown"),
        expect={CITY: PV},
    ),
    dict(
        name="city agency office, inside, state court order",
        clause="Table: state_local_court satisfies LL 246/2017 ('yes')",
        facts=incident(operator="city_agency", non_public_area_entered=True, warrant="state_local_court"),
        silent={CITY: "a state or local court order is a judicial warrant or order"},
    ),
    dict(
        name="city agency office, inside, federal judicial search warrant",
        clause="Table: federal_judicial_search satisfies LL 246/2017 ('yes')",
        facts=incident(operator="city_agency", non_public_area_entered=True, warrant="federal_judicial_search"),
        silent={CITY: "a federal judicial search warrant is a judicial warrant"},
    ),
    dict(
        name="city agency office, inside, immigration judge's order",
        clause="Table: immigration_judge_order for LL 246/2017: 'no (for legal review)' (read as a possible "
        "violation, for legal review; docs/rules.md does not say whether this is a violation or a question)",
        facts=incident(operator="city_agency", non_public_area_entered=True, warrant="immigration_judge_order"),
        expect={CITY: PV},
    ),
    dict(
        name="city agency site, parking lot",
        clause="Facts: 'non_public_area_entered (what the responder saw; a parking lot is not inside)'",
        facts=incident(operator="city_agency", non_public_area_entered=False, warrant=ADMIN),
        silent={CITY: "no non-public area entered"},
    ),
    dict(
        name="city agency office, the day before LL 246 took effect",
        clause="LL 246 of 2017 '(effective 2018-04-16)'; 'rules are judged by the law in force that day'",
        facts=incident(operator="city_agency", non_public_area_entered=True, warrant=ADMIN, date="2018-04-15"),
        silent={CITY: "LL 246/2017 not in force on 2018-04-15"},
    ),
    dict(
        name="city agency office, the day LL 246 took effect",
        clause="LL 246 of 2017 '(effective 2018-04-16)'",
        facts=incident(operator="city_agency", non_public_area_entered=True, warrant=ADMIN, date="2018-04-16"),
        expect={CITY: PV},
    ),
    dict(
        name="NYC Health + Hospitals, inside, I-200",
        clause="LL 246/2017: 'NYC Health + Hospitals UNVERIFIED'",
        facts=incident(operator="hhc", non_public_area_entered=True, warrant=ADMIN),
        expect={HHC: PV},
        unverified={HHC: True},
        silent={CITY: "H+H has its own (UNVERIFIED) rule", OTHER: "H+H is a city site"},
    ),
    dict(
        name="private hospital, inside, I-200",
        clause="LL 246/2017 covers city agencies and contractors; issue: 'MTA and private sites: for information'",
        facts=incident(operator="private", non_public_area_entered=True, warrant=ADMIN),
        expect={OTHER: INFO},
        silent={CITY: "a private site", HHC: "a private hospital, not H+H"},
    ),
    dict(
        name="MTA, inside, I-200",
        clause="LL 246/2017 does not name the MTA; issue: 'MTA and private sites: for information'",
        facts=incident(operator="mta", non_public_area_entered=True, warrant=ADMIN),
        expect={OTHER: INFO},
        silent={CITY: "the MTA is not a city agency under LL 246"},
    ),
    # ---------------- schools
    dict(
        name="public school, inside, no warrant shown",
        clause="Public schools: 'no consent; officers wait outside while the schools' lawyers review' "
        "(policy, UNVERIFIED as law)",
        facts=incident(
            operator="public_school", non_public_area_entered=True, warrant="none_shown", protected_area="school"
        ),
        expect={SCHOOL: PV, PROTECTED: INFO},
        unverified={SCHOOL: True},
        silent={CITY: "the school rule governs public schools"},
    ),
    dict(
        name="public school, parking lot",
        clause="Facts: 'a parking lot is not inside'",
        facts=incident(operator="public_school", non_public_area_entered=False, warrant="none_shown"),
        silent={SCHOOL: "agents stayed in the parking lot"},
    ),
    dict(
        name="public school, inside, federal judicial arrest warrant",
        clause="Table: federal_judicial_arrest satisfies 'LL 246/2017, schools, other sites' ('yes')",
        facts=incident(operator="public_school", non_public_area_entered=True, warrant=JUDICIAL),
        silent={SCHOOL: "a judicial warrant"},
    ),
    dict(
        name="charter school, inside, I-200",
        clause="Public schools: the Chancellor's letter covers public schools, not charter schools",
        facts=incident(operator="charter_school", non_public_area_entered=True, warrant=ADMIN),
        silent={SCHOOL: "a charter school is not under the Chancellor's letter", CITY: "not a city agency site"},
    ),
    # ---------------- Civil Rights Law § 28
    dict(
        name="court: witness at a state criminal court, I-200",
        clause="CRL § 28: 'no civil arrest of a party, potential witness … at … a court proceeding without a "
        "judicial warrant or order' (verified for state/city courts)",
        facts=incident(court_arrest(), court="state_or_city"),
        expect={COURT: PV},
        unverified={COURT: False},
        silent={ICOURT: "a state court, not immigration court", WELLS: "arrested by federal officers"},
    ),
    dict(
        name="court: witness at a state court, federal criminal warrant",
        clause="CRL § 28: 'criminal arrests outside'",
        facts=incident(court_arrest(warrant=JUDICIAL, basis="criminal"), court="state_or_city"),
        silent={COURT: "a criminal arrest on a judicial warrant"},
    ),
    dict(
        name="court: family member of a party, I-205",
        clause="CRL § 28: '… or their family or household member going to, at or returning from'",
        facts=incident(court_arrest(attendance="family_of_party_or_witness"), court="state_or_city"),
        expect={COURT: PV},
    ),
    dict(
        name="court: not attending the proceeding",
        clause="CRL § 28 protects only people going to, at or returning from a proceeding",
        facts=incident(court_arrest(attendance="no"), court="state_or_city"),
        silent={COURT: "not attending a proceeding"},
    ),
    dict(
        name="court: civil arrest on a state court order",
        clause="Table: state_local_court satisfies CRL § 28 ('yes')",
        facts=incident(court_arrest(warrant="state_local_court"), court="state_or_city"),
        silent={COURT: "a judicial order"},
    ),
    dict(
        name="court: before CRL § 28 was in force",
        clause="CRL § 28 'in force 2020-12-15' (incident 2020-12-14)",
        facts=incident(court_arrest(), court="state_or_city", date="2020-12-14"),
        silent={COURT: "not yet in force"},
    ),
    dict(
        name="court: respondent leaving 26 Federal Plaza",
        clause="CRL § 28: 'UNVERIFIED for immigration courts'",
        facts=incident(court_arrest(), court="immigration"),
        expect={ICOURT: PV},
        unverified={ICOURT: True},
        silent={COURT: "an immigration court, not a state or city court"},
    ),
    # ---------------- Wells v. DeMarco
    dict(
        name="wells: NYPD civil immigration arrest on an I-200",
        clause="Wells v. DeMarco: 'no civil immigration arrests … by state or local officers'",
        facts=incident(
            {"custody": "nypd", "warrant": ADMIN, "arrest_by": "local", "arrest_basis": "civil_immigration"}
        ),
        expect={WELLS: PV},
        unverified={WELLS: False},
    ),
    dict(
        name="wells: local arrest on a criminal basis",
        clause="Wells covers civil immigration arrests (issue: 'arrests on a criminal warrant are outside it')",
        facts=incident({"custody": "nypd", "warrant": JUDICIAL, "arrest_by": "local", "arrest_basis": "criminal"}),
        silent={WELLS: "a criminal arrest"},
    ),
    dict(
        name="wells: before 2018",
        clause="Wells: 'the pack uses 2018-01-01 as its start' (DOC hold on 2017-12-31)",
        facts=incident(held(arrest="2017-12-20", convictions=[], **NO_MATCH), date="2017-12-31"),
        expect={DOC: PV},
        silent={WELLS: "before the pack's start for Wells"},
    ),
    # ---------------- home entry, protected areas
    dict(
        name="home entry on an administrative warrant",
        clause="Home entry on an administrative warrant: 'no city or state rule here; contested … for information'",
        facts=incident(home_entered=True, forced_entry=False, warrant=ADMIN),
        expect={HOME: INFO},
        silent={FORCED: "no forced entry"},
    ),
    dict(
        name="home entry, forced, on an administrative warrant",
        clause="Home entry: for information; issue: 'forced entry first'",
        facts=incident(home_entered=True, forced_entry=True, warrant=ADMIN),
        expect={FORCED: INFO, HOME: INFO},
        order=[FORCED, HOME],
    ),
    dict(
        name="home entry on a judicial search warrant",
        clause="Home entry rule is about an administrative warrant alone",
        facts=incident(home_entered=True, forced_entry=False, warrant="federal_judicial_search"),
        silent={HOME: "a judicial search warrant, not an administrative warrant"},
    ),
    dict(
        name="protected area: house of worship after the rescission",
        clause="'DHS protected-areas memo 2021-10-27, rescinded 2025-01-20 | for information'",
        facts=incident(protected_area="worship"),
        expect={PROTECTED: INFO},
    ),
    dict(
        name="protected area: none",
        clause="Protected-areas memo: only its listed places",
        facts=incident(protected_area="none", operator="private", non_public_area_entered=False),
        silent={PROTECTED: "not a protected area", OTHER: "no non-public area entered"},
    ),
]

# A disagreement settled in docs/rules.md ("Settled disagreements") that the pack does not follow yet: the case
# name and why.
XFAIL = {
    "doc: hold honored by handing over at release on an I-200": (
        "the pack now reads the hand-over as sharing the release date, but with `sharing_required_by_law` "
        "unknown it asks (needs_information) where the case expects a possible violation: whether an "
        "administrative warrant or a detainer makes the hand-over required by law is for the coalition's lawyer"
    ),
}


def _param(case):
    marks = []
    if case["name"] in XFAIL:
        marks.append(pytest.mark.xfail(strict=True, reason=XFAIL[case["name"]]))
    return pytest.param(case, id=case["name"], marks=marks)


def test_every_case_names_its_clause_and_why_each_silent_rule_is_silent():
    assert len(CASES) >= 20
    ids = {rule.id for rule in PACKS["fictional"].rules}
    assert len({case["name"] for case in CASES}) == len(CASES)
    for case in CASES:
        assert case["clause"].strip()
        assert case.get("expect") or case.get("silent"), case["name"]
        assert set(case.get("expect", {})) | set(case.get("silent", {})) <= ids, case["name"]
        assert all(why.strip() for why in case.get("silent", {}).values()), case["name"]
    assert set(XFAIL) <= {case["name"] for case in CASES}


@pytest.mark.parametrize("case", [_param(case) for case in CASES])
def test_the_engine_finds_what_docs_rules_md_says(case):
    pack = PACKS[case.get("pack", "fictional")]
    findings = evaluate_rules(pack, [case["facts"]])[0]["findings"]
    by_rule = {}
    for finding in findings:
        by_rule.setdefault(finding["rule"], finding)
    got = {rule: finding["level"] for rule, finding in by_rule.items()}
    for rule, level in case.get("expect", {}).items():
        assert got.get(rule) == level, f"{case['clause']}: {rule} expected {level}, engine gives {got}"
        assert by_rule[rule]["pack"] == pack.hash
    for rule, why in case.get("silent", {}).items():
        assert rule not in got, f"{case['clause']}: {rule} should be silent ({why}), engine gives {got[rule]}"
    for rule, names in case.get("unknown", {}).items():
        assert sorted(by_rule[rule]["unknown"]) == sorted(names), by_rule[rule]
    for rule, text in case.get("note_contains", {}).items():
        assert text in (by_rule[rule]["note"] or ""), by_rule[rule]
    for rule, flag in case.get("unverified", {}).items():
        assert by_rule[rule]["unverified"] is flag, by_rule[rule]
    if "order" in case:
        assert [f["rule"] for f in findings if f["rule"] in case["order"]] == case["order"]
