"""The case table of the NYC pack: each case names the clause it tests, the findings it expects and, for
every rule it expects not to fire, why. The offence list of these cases is fictional (`TEST 1` …): the NYC
pack's own list is entered by the coalition's lawyer (docs/rules.md), and no offence is written from memory."""

import datetime as dt
from pathlib import Path

PACK = Path(__file__).resolve().parents[3] / "jurisdictions" / "nyc" / "rules.toml"
OFFENCES = [
    {"offence": "TEST 1", "listed_from": dt.date(2014, 1, 1), "source": "fictional, for the tests"},
    {"offence": "TEST 2", "listed_from": dt.date(2014, 1, 1), "source": "fictional, for the tests"},
    {"offence": "TEST 3", "listed_from": dt.date(2025, 9, 1), "source": "fictional: added to the list later"},
]
PV, NI, INFO = "possible_violation", "needs_information", "information"
DOC, NYPD, PROB = "doc-detainer-hold", "nypd-detainer-hold", "probation-detainer-hold"
B48, SHARE, WELLS = "nypd-48-hour-branch", "release-information-shared", "local-civil-immigration-arrest"
CITY, HHC, SCHOOL, OTHER = (
    "city-site-non-public-area",
    "hhc-non-public-area",
    "public-school-non-public-area",
    "non-city-site-non-public-area",
)
COURT, ICOURT = "court-civil-arrest", "immigration-court-civil-arrest"


def conviction(sentence, offence="TEST 1", **kw):
    return {"id": kw.pop("id", "c1"), "sentence_date": sentence, "offence": offence, **kw}


def hold(custody="doc", warrant="ice_administrative", **kw):
    """A person held past release, arrested by local police on a criminal charge on 2025-06-01 (the instant
    arrest)."""
    record = {"custody": custody, "honored": "held_past_release", "warrant": warrant}
    record |= {"arrest_by": "local", "arrest_basis": "criminal"}
    record.setdefault("instant_arrest_date", "2025-06-01")
    return {**record, **kw}


def incident(*detentions, date="2025-06-10", **facts):
    return {"id": "case", "date": date, **facts, "detentions": list(detentions)}


NONE = {"convictions": [], "database_match": False}
JW = "federal_judicial_arrest"

CASES = [
    # --- §§ 9-131 / 14-154 / 9-205: both conditions (a judicial warrant AND a conviction or a database match)
    dict(
        name="administrative warrant, conviction unknown",
        clause="§ 9-131: condition 1 (judicial warrant) fails alone: a possible violation, not a question",
        facts=incident(hold()),
        expect={DOC: PV, WELLS: PV},
    ),
    dict(
        name="judicial warrant, conviction and database match unknown",
        clause="§ 9-131: condition 2 unknown: information needed naming both facts",
        facts=incident(hold(warrant=JW)),
        expect={DOC: NI},
        unknown={DOC: ["detentions[0].convictions", "detentions[0].database_match"]},
        silent={WELLS: "a hold on a federal judicial arrest warrant is not a hold on a detainer"},
    ),
    dict(
        name="judicial warrant, no qualifying conviction",
        clause="§ 9-131: condition 2 fails: the judicial warrant alone is not enough",
        facts=incident(hold(warrant=JW, **NONE)),
        expect={DOC: PV},
    ),
    dict(
        name="qualifying conviction, administrative warrant only",
        clause="§ 9-131: condition 1 fails: the conviction alone is not enough",
        facts=incident(hold(convictions=[conviction("2022-01-10")], database_match=False)),
        expect={DOC: PV},
    ),
    dict(
        name="judicial warrant and a database match",
        clause="§ 9-131: condition 2 met by a terrorist-screening database match",
        facts=incident(hold(warrant=JW, database_match=True)),
        silent={DOC: "judicial warrant and database match: both conditions hold"},
    ),
    dict(
        name="sentence inside the window, plea outside",
        clause="look-back: 'convicted' is the judgment (conviction and sentence), CPL § 1.20(15)",
        facts=incident(
            hold(
                warrant=JW,
                database_match=False,
                convictions=[conviction("2021-03-01", plea_or_verdict_date="2019-12-01")],
            )
        ),
        silent={DOC: "sentenced 2021-03-01, inside the five years before the 2025-06-01 arrest"},
    ),
    dict(
        name="sentence outside the window",
        clause="look-back: five calendar years before the instant arrest",
        facts=incident(
            hold(warrant=JW, database_match=False, convictions=[conviction("2019-06-01")], incarcerations=[])
        ),
        expect={DOC: PV},
    ),
    dict(
        name="conviction on the instant charge",
        clause="look-back: only convictions before the instant arrest count",
        facts=incident(hold(warrant=JW, database_match=False, convictions=[conviction("2025-06-05")])),
        expect={DOC: PV},
    ),
    dict(
        name="out-of-state equivalent",
        clause="look-back: an out-of-state or federal conviction equivalent to a listed offence (PL § 70.06(1)(b)(i))",
        facts=incident(
            hold(warrant=JW, database_match=False, convictions=[conviction("2022-02-01", jurisdiction="NJ")])
        ),
        silent={DOC: "the New Jersey conviction is recorded as the equivalent of listed TEST 1"},
    ),
    dict(
        name="offence added to the list after the arrest",
        clause="offence list: dated; an offence counts from the day it entered the list",
        facts=incident(hold(warrant=JW, database_match=False, convictions=[conviction("2022-02-01", "TEST 3")])),
        expect={DOC: PV},
    ),
    dict(
        name="offence on the list before the arrest",
        clause="offence list: dated (TEST 3 listed 2025-09-01, arrest 2025-10-01)",
        facts=incident(
            hold(
                warrant=JW,
                database_match=False,
                instant_arrest_date="2025-10-01",
                convictions=[conviction("2022-02-01", "TEST 3")],
            ),
            date="2025-10-03",
        ),
        silent={DOC: "TEST 3 was on the list on the day of the instant arrest"},
    ),
    dict(
        name="29 February: the first day of the window",
        clause="look-back: five calendar years before an arrest on 29 February start on 28 February",
        facts=incident(
            hold(
                warrant=JW,
                database_match=False,
                instant_arrest_date="2024-02-29",
                convictions=[conviction("2019-02-28")],
            ),
            date="2024-03-01",
        ),
        silent={DOC: "sentenced 2019-02-28, the window's first day"},
    ),
    dict(
        name="29 February: the day before the window",
        clause="look-back: five calendar years before an arrest on 29 February",
        facts=incident(
            hold(
                warrant=JW,
                database_match=False,
                instant_arrest_date="2024-02-29",
                convictions=[conviction("2019-02-27")],
                incarcerations=[],
            ),
            date="2024-03-01",
        ),
        expect={DOC: PV},
    ),
    dict(
        name="incarceration for another offence",
        clause="excluded incarceration: the two readings differ",
        facts=incident(
            hold(
                warrant=JW,
                database_match=False,
                convictions=[conviction("2019-01-01")],
                incarcerations=[{"from": "2020-01-01", "to": "2021-12-31", "conviction": "c2"}],
            )
        ),
        expect={DOC: NI},
        note={DOC: "depends on which incarceration is excluded; for legal review"},
    ),
    dict(
        name="incarceration for the conviction itself",
        clause="excluded incarceration: both readings leave it out",
        facts=incident(
            hold(
                warrant=JW,
                database_match=False,
                convictions=[conviction("2019-01-01")],
                incarcerations=[{"from": "2020-01-01", "to": "2021-12-31", "conviction": "c1"}],
            )
        ),
        silent={DOC: "two years in prison for that conviction extend the window past its 2019 sentence"},
    ),
    dict(
        name="detention after the instant arrest",
        clause="excluded incarceration: only time between sentence and instant arrest leaves the five years",
        facts=incident(
            hold(
                warrant=JW,
                database_match=False,
                convictions=[conviction("2019-01-01")],
                incarcerations=[{"from": "2025-06-01", "to": "2025-12-31", "conviction": "c1"}],
            )
        ),
        expect={DOC: PV},
    ),
    dict(
        name="NYC pack as shipped: an offence the incomplete list does not name",
        clause="offence list: not yet entered, so whether an offence is on it is unknown",
        facts=incident(hold(warrant=JW, database_match=False, convictions=[conviction("2022-01-10", "PL § 1")])),
        pack="shipped",
        expect={DOC: NI},
        unknown={DOC: ["detentions[0].convictions[0].offence"]},
    ),
    dict(
        name="custody unknown, held, administrative warrant",
        clause="§ 9-131: the rule asks for custody when it is unknown",
        facts=incident(hold(custody=None)),
        expect={DOC: NI, NYPD: NI, PROB: NI},
        unknown={DOC: ["detentions[0].custody"]},
    ),
    dict(
        name="warrant on the record overrides the incident's",
        clause="facts: a detention record's warrant overrides the incident-level one for that person",
        facts=incident(
            hold(custody=None, warrant=JW, database_match=True), custody="doc", warrant="ice_administrative"
        ),
        silent={
            DOC: "the record's judicial warrant, not the incident's I-200, counts; with a match both conditions hold"
        },
    ),
    dict(
        name="custody from the incident",
        clause="facts: without a custody fact on the record, the incident's custody applies",
        facts=incident(hold(custody=None), custody="doc"),
        expect={DOC: PV},
        facts_of={DOC: {"custody": "doc", "detentions[0].warrant": "ice_administrative"}},
    ),
    dict(
        name="not honored",
        clause="§ 9-131: a detainer not honored is no hold",
        facts=incident(hold(honored="not_honored")),
        silent={DOC: "the person was not held", WELLS: "no hold and no local arrest"},
    ),
    # --- § 14-154 and its 48-hour branch
    dict(
        name="NYPD hold, administrative warrant, no conviction",
        clause="§ 14-154: condition 1 fails",
        facts=incident(hold("nypd", **NONE)),
        expect={NYPD: PV, WELLS: PV},
        silent={DOC: "custody is NYPD", B48: "no listed conviction and no database match"},
    ),
    dict(
        name="NYPD 48-hour branch: 40 hours over a weekend",
        clause="§ 14-154 (2014): 48 hours from would-be release, Saturdays and Sundays left out",
        facts=incident(
            hold(
                "nypd",
                convictions=[conviction("2010-01-05")],
                database_match=False,
                previously_removed_reentered=True,
                would_release_at="2025-06-06T18:00",
                released_at="2025-06-10T10:00",
            )
        ),
        expect={B48: INFO, WELLS: PV},
        silent={NYPD: "40 counted hours, inside the 48-hour branch (conviction at any time and a previous removal)"},
    ),
    dict(
        name="NYPD 48-hour branch across a weekend and a federal holiday",
        clause="§ 14-154 (2014): holidays left out (Labor Day 2025-09-01)",
        facts=incident(
            hold(
                "nypd",
                convictions=[conviction("2010-01-05")],
                database_match=False,
                previously_removed_reentered=True,
                would_release_at="2025-08-29T00:00",
                released_at="2025-09-03T00:00",
            ),
            date="2025-09-03",
        ),
        expect={B48: INFO, WELLS: PV},
        silent={NYPD: "Friday and Tuesday: 48 counted hours, the weekend and Labor Day left out"},
    ),
    dict(
        name="NYPD 48-hour branch: 56 hours across a holiday weekend",
        clause="§ 14-154 (2014): past 48 counted hours the branch ends",
        facts=incident(
            hold(
                "nypd",
                convictions=[conviction("2010-01-05")],
                database_match=False,
                previously_removed_reentered=True,
                would_release_at="2025-08-29T12:00",
                released_at="2025-09-03T20:00",
            ),
            date="2025-09-03",
        ),
        expect={NYPD: PV, WELLS: PV},
        silent={B48: "56 counted hours: outside the branch"},
    ),
    dict(
        name="NYPD hold across the spring daylight-saving change",
        clause="§ 14-154 (2014): hours in New York time; 48.5 real hours counted",
        facts=incident(
            hold(
                "nypd",
                convictions=[conviction("2010-01-05")],
                database_match=False,
                previously_removed_reentered=True,
                instant_arrest_date="2025-03-05",
                would_release_at="2025-03-07T00:00",
                released_at="2025-03-11T00:30",
            ),
            date="2025-03-11",
        ),
        expect={NYPD: PV},
        silent={B48: "Friday 24 h + Monday 24 h + 0.5 h: past 48"},
    ),
    dict(
        name="NYPD hold across the autumn daylight-saving change",
        clause="§ 14-154 (2014): hours in New York time; 47.5 real hours counted",
        facts=incident(
            hold(
                "nypd",
                convictions=[conviction("2010-01-05")],
                database_match=False,
                previously_removed_reentered=True,
                instant_arrest_date="2025-10-29",
                would_release_at="2025-10-31T00:00",
                released_at="2025-11-03T23:30",
            ),
            date="2025-11-04",
        ),
        expect={B48: INFO},
        silent={NYPD: "Friday 24 h + Monday 23.5 h: inside 48 though 25-hour Sunday lies between"},
    ),
    dict(
        name="NYPD hold past the holiday list",
        clause="calendar: a day past the dated holiday list gives information needed",
        facts=incident(
            hold(
                "nypd",
                convictions=[conviction("2028-01-05")],
                database_match=False,
                previously_removed_reentered=True,
                instant_arrest_date="2031-01-05",
                would_release_at="2031-01-09T12:00",
                released_at="2031-01-10T12:00",
            ),
            date="2031-01-10",
        ),
        expect={NYPD: NI},
        unknown={NYPD: ["calendar.holidays"]},
    ),
    dict(
        name="NYPD hold with a database match, administrative warrant, 10 hours",
        clause="§ 14-154 (2014): the branch also covers a database match",
        facts=incident(
            hold(
                "nypd",
                database_match=True,
                would_release_at="2025-06-04T08:00",
                released_at="2025-06-04T18:00",
            )
        ),
        expect={B48: INFO, WELLS: PV},
        silent={NYPD: "inside the 48-hour branch"},
    ),
    dict(
        name="NYPD hold with a judicial warrant and a database match",
        clause="§ 14-154: both conditions hold",
        facts=incident(hold("nypd", warrant=JW, database_match=True)),
        silent={NYPD: "both conditions hold", WELLS: "a hold on a judicial arrest warrant, not a detainer"},
    ),
    # --- § 9-205
    dict(
        name="Probation hold, administrative warrant",
        clause="§ 9-205: the same terms as § 9-131",
        facts=incident(hold("probation", **NONE)),
        expect={PROB: PV, WELLS: PV},
        silent={DOC: "custody is Probation"},
    ),
    dict(
        name="Probation hold, judicial warrant and a qualifying conviction",
        clause="§ 9-205: both conditions hold",
        facts=incident(hold("probation", warrant=JW, database_match=False, convictions=[conviction("2023-05-05")])),
        silent={PROB: "both conditions hold"},
    ),
    # --- § 9-131: sharing and the office on DOC property
    dict(
        name="release date shared by DOC, no conviction, no match, not required",
        clause="§ 9-131 (sharing, UNVERIFIED)",
        facts=incident(
            {
                "info_shared": True,
                "info_shared_by": "doc",
                "sharing_required_by_law": False,
                "instant_arrest_date": "2025-06-01",
                **NONE,
            }
        ),
        expect={SHARE: PV},
        unverified={SHARE: True},
    ),
    dict(
        name="release date shared by DOC about a database match",
        clause="§ 9-131 (sharing): DOC may disclose about a database match",
        facts=incident({"info_shared": True, "info_shared_by": "doc", "database_match": True}),
        silent={SHARE: "the person is a possible database match"},
    ),
    dict(
        name="release date shared, by whom unknown",
        clause="§ 9-131 (sharing): the rule asks who shared",
        facts=incident({"info_shared": True, "sharing_required_by_law": False, **NONE}),
        expect={SHARE: NI},
        unknown={SHARE: ["detentions[0].info_shared_by"]},
    ),
    dict(
        name="release date shared by NYPD",
        clause="§ 9-131 (sharing) reaches DOC and Probation",
        facts=incident({"info_shared": True, "info_shared_by": "nypd", **NONE}),
        silent={SHARE: "NYPD is neither DOC nor Probation"},
    ),
    dict(
        name="office on DOC property for civil enforcement",
        clause="§ 9-131: no office for civil immigration enforcement",
        facts=incident(doc_property_office=True, doc_property_office_purpose="civil_enforcement"),
        expect={"doc-property-office": PV},
    ),
    dict(
        name="office on DOC property, purpose unknown",
        clause="§ 9-131: purpose unknown gives information needed",
        facts=incident(doc_property_office=True),
        expect={"doc-property-office": NI},
        unknown={"doc-property-office": ["doc_property_office_purpose"]},
    ),
    dict(
        name="office on DOC property for criminal enforcement",
        clause="§ 9-131: the bar is on civil enforcement",
        facts=incident(doc_property_office=True, doc_property_office_purpose="criminal_enforcement"),
        silent={"doc-property-office": "stated purpose is criminal enforcement"},
    ),
    # --- § 10-178
    dict(
        name="city resources for civil enforcement",
        clause="§ 10-178: civil provisions",
        facts=incident(city_resources_used=True, operation_purpose="civil_immigration"),
        expect={"city-resources-used": PV},
    ),
    dict(
        name="city resources for a presence/entry/re-entry offence",
        clause="§ 10-178: criminal provisions on presence, entry or re-entry",
        facts=incident(city_resources_used=True, operation_purpose="criminal_presence_entry"),
        expect={"city-resources-used": PV},
    ),
    dict(
        name="city resources for another criminal matter",
        clause="§ 10-178: other criminal enforcement is outside the definition",
        facts=incident(city_resources_used=True, operation_purpose="criminal_other"),
        silent={"city-resources-used": "not immigration enforcement as § 10-178 defines it"},
    ),
    dict(
        name="NYPD in a perimeter role, purpose unknown",
        clause="§ 10-178: a traffic or perimeter role needs the operation's purpose",
        facts=incident(nypd_role="traffic_or_perimeter"),
        expect={"nypd-perimeter-role": NI},
        unknown={"nypd-perimeter-role": ["operation_purpose"]},
        silent={"city-resources-used": "city resources not recorded as used (not asked)"},
    ),
    dict(
        name="a request for city assistance",
        clause="§ 10-178(d): every request is recorded and reported",
        facts=incident(city_assistance_requested=True),
        expect={"city-assistance-request": INFO},
        note={
            "city-assistance-request": (
                "§ 10-178(d) requires the agency to record this request; the quarterly report can be checked."
            )
        },
    ),
    # --- city property (Local Law 246 of 2017), schools, hospitals
    dict(
        name="contractor-run shelter, inside, administrative warrant",
        clause="LL 246/2017: city human-services contractors",
        facts=incident(operator="city_contractor", non_public_area_entered=True, warrant="ice_administrative"),
        expect={CITY: PV},
    ),
    dict(
        name="city agency site, inside, state court order",
        clause="LL 246/2017: a judicial warrant or order opens non-public areas",
        facts=incident(operator="city_agency", non_public_area_entered=True, warrant="state_local_court"),
        silent={CITY: "a court order was shown"},
    ),
    dict(
        name="city site before Local Law 246 took effect",
        clause="LL 246/2017: effective 2018-04-16",
        facts=incident(operator="city_agency", non_public_area_entered=True, warrant="none_shown", date="2018-04-15"),
        silent={CITY: "not in force on 2018-04-15"},
    ),
    dict(
        name="public school parking lot",
        clause="Chancellor's letter: a school's parking lot is not inside the school",
        facts=incident(operator="public_school", non_public_area_entered=False, warrant="none_shown"),
        silent={SCHOOL: "no non-public area entered", CITY: "a public school is not this rule's operator"},
    ),
    dict(
        name="inside a public school",
        clause="Chancellor's letter: no consent to enter school facilities",
        facts=incident(operator="public_school", non_public_area_entered=True, warrant="ice_administrative"),
        expect={SCHOOL: PV},
        unverified={SCHOOL: True},
    ),
    dict(
        name="private hospital, inside",
        clause="city property rules do not reach private sites: for information",
        facts=incident(operator="private", non_public_area_entered=True, warrant="none_shown"),
        expect={OTHER: INFO},
        silent={CITY: "a private operator", HHC: "a private operator"},
    ),
    dict(
        name="NYC Health + Hospitals, inside",
        clause="LL 246/2017 for H+H: UNVERIFIED",
        facts=incident(operator="hhc", non_public_area_entered=True, warrant="ice_administrative"),
        expect={HHC: PV},
        unverified={HHC: True},
        silent={OTHER: "H+H is a city site"},
    ),
    dict(
        name="operator unknown, inside, nothing shown",
        clause="LL 246/2017: the rule asks for the operator",
        facts=incident(non_public_area_entered=True, warrant="none_shown"),
        expect={CITY: NI, HHC: NI, SCHOOL: NI},
        unknown={CITY: ["operator"]},
    ),
    dict(
        name="MTA, non-public area",
        clause="MTA sites: for information",
        facts=incident(operator="mta", non_public_area_entered=True, warrant="ice_administrative"),
        expect={OTHER: INFO},
    ),
    # --- Civil Rights Law § 28
    dict(
        name="witness at Queens Criminal Court arrested on an I-200",
        clause="Civil Rights Law § 28: civil arrest of a potential witness at a state or city court",
        facts=incident(
            {
                "arrest_by": "federal",
                "arrest_basis": "civil_immigration",
                "warrant": "ice_administrative",
                "court_attendance": "party_or_witness",
            },
            court="state_or_city",
        ),
        expect={COURT: PV},
        unverified={COURT: False},
        silent={WELLS: "federal officers made the arrest"},
    ),
    dict(
        name="witness at Queens Criminal Court arrested on a federal criminal warrant",
        clause="Civil Rights Law § 28: criminal arrests are outside it",
        facts=incident(
            {
                "arrest_by": "federal",
                "arrest_basis": "criminal",
                "warrant": JW,
                "court_attendance": "party_or_witness",
            },
            court="state_or_city",
        ),
        silent={COURT: "a criminal arrest", WELLS: "federal officers, criminal warrant"},
    ),
    dict(
        name="respondent leaving 26 Federal Plaza",
        clause="Civil Rights Law § 28 at a federal immigration court: UNVERIFIED",
        facts=incident(
            {
                "arrest_by": "federal",
                "arrest_basis": "civil_immigration",
                "warrant": "none_shown",
                "court_attendance": "party_or_witness",
            },
            court="immigration",
        ),
        expect={ICOURT: PV},
        unverified={ICOURT: True},
        silent={COURT: "not a state or city court"},
    ),
    dict(
        name="family member of a party at family court",
        clause="Civil Rights Law § 28: a family or household member of a party",
        facts=incident(
            {"arrest_basis": "civil_immigration", "court_attendance": "family_of_party_or_witness"},
            court="state_or_city",
            warrant="none_shown",
        ),
        expect={COURT: PV},
    ),
    dict(
        name="arrest at a court, attendance unknown",
        clause="Civil Rights Law § 28: the rule asks why the person was at court",
        facts=incident({"arrest_basis": "civil_immigration", "warrant": "none_shown"}, court="state_or_city"),
        expect={COURT: NI},
        unknown={COURT: ["detentions[0].court_attendance"]},
    ),
    dict(
        name="court arrest the day before the Act was signed",
        clause="Civil Rights Law § 28: in force 2020-12-15",
        facts=incident(
            {"arrest_basis": "civil_immigration", "warrant": "none_shown", "court_attendance": "party_or_witness"},
            court="state_or_city",
            date="2020-12-14",
        ),
        silent={COURT: "not in force on 2020-12-14"},
    ),
    dict(
        name="court arrest on the day the Act was signed",
        clause="Civil Rights Law § 28: in force 2020-12-15",
        facts=incident(
            {"arrest_basis": "civil_immigration", "warrant": "none_shown", "court_attendance": "party_or_witness"},
            court="state_or_city",
            date="2020-12-15",
        ),
        expect={COURT: PV},
    ),
    dict(
        name="court arrest with a state court's order",
        clause="Civil Rights Law § 28: a judicial warrant or order",
        facts=incident(
            {
                "arrest_basis": "civil_immigration",
                "warrant": "state_local_court",
                "court_attendance": "party_or_witness",
            },
            court="state_or_city",
        ),
        silent={COURT: "a state court's order was shown"},
    ),
    # --- Wells v. DeMarco
    dict(
        name="local police make a civil immigration arrest",
        clause="Wells v. DeMarco: no civil immigration arrests by state or local officers",
        facts=incident({"arrest_by": "local", "arrest_basis": "civil_immigration"}),
        expect={WELLS: PV},
    ),
    dict(
        name="local police arrest on a criminal warrant",
        clause="Wells v. DeMarco: arrests on a criminal warrant are outside it",
        facts=incident({"arrest_by": "local", "arrest_basis": "criminal", "honored": "not_honored"}),
        silent={WELLS: "a criminal arrest, and no hold"},
    ),
    # --- homes and protected areas
    dict(
        name="forced home entry on an administrative warrant",
        clause="home entry: for information, forced entry first",
        facts=incident(home_entered=True, forced_entry=True, warrant="ice_administrative"),
        expect={"home-forced-entry": INFO, "home-entry-administrative-warrant": INFO},
        order=["home-forced-entry", "home-entry-administrative-warrant"],
    ),
    dict(
        name="home entry on a judicial arrest warrant",
        clause="home entry on an administrative warrant alone",
        facts=incident(home_entered=True, forced_entry=False, warrant=JW),
        silent={
            "home-entry-administrative-warrant": "a judicial warrant was shown",
            "home-forced-entry": "no forced entry",
        },
    ),
    dict(
        name="enforcement outside a school",
        clause="the rescinded 2021 protected-areas memo: for information",
        facts=incident(protected_area="school", operator="public_school", non_public_area_entered=False),
        expect={"protected-area": INFO},
        silent={SCHOOL: "no non-public area entered"},
    ),
    dict(
        name="enforcement at no protected place",
        clause="the rescinded 2021 protected-areas memo",
        facts=incident(protected_area="none"),
        silent={"protected-area": "not a place the memo covered"},
    ),
]
