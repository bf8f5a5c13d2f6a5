"""Grouping reports into candidate incidents: the pure core.

Every report is placed, on arrival, into an open candidate incident or starts one. The decision uses
the three signals an operator would use: time (reports about one scene arrive within a couple of
hours), place (a phone's point, or the neighborhood the text names when there is no point) and text
(street names, numbers and details, in whichever of a dozen languages the reporter wrote).

Text is compared through a signature: a set of hashed features taken from text folded the same way
whatever the language (case, accents, digits of every script, Arabic letter variants, traditional
Chinese characters, Cyrillic romanized), then cut by script: whole words with their character
trigrams for alphabetic scripts, character bigrams for Chinese and Japanese, words with syllable
bigrams for Korean, and numbers as tokens of their own, because a street number is often the only
thing two reports in two languages share. Details a report points at an event by (a car wash, an
e-bike checkpoint, a van's colour) become features of their own whatever the language they are named
in, from a hand-written list of their forms (`data/details.txt`). No language model is involved, so a report in Haitian Creole
is compared exactly like one in English.

How much a shared feature counts depends on how rare it is among recent incidents (`FeatureStats`: a
street name says a lot, "papeles" or "3 vans" nothing), and the score adds up log-odds contributions
(`Rules`, fitted on the benchmark's generated sets): distance or area, time gap, matched text, and
conflicts (both sides name street numbers or, given the jurisdiction's street list, street names,
details or bus and train lines, and not the same ones), and no join at all for a report that gives no
place and shares nothing with the candidate.

This package imports nothing from Django. The database layer keeps one `CandidateState` per open
incident and, with a `GroupingContext` held per process (neighbors, street list, feature statistics),
asks which of the open candidates a new report belongs to, then starts or updates one. `Grouper` does
the same in memory for batch work and the benchmark (bench/clustering.py).

One module per part, lowest first: `folding` (text to one form), `wordlists` (the word tables of
`data/`: stop words, street-type words, the forms of details), `details` (what a report names
besides the place, a car wash or a white van, in any language), `features` (hashed units and
signatures), `statistics` (word statistics), `rules` (the fitted values), `distance`, `cells` (where an open
candidate is filed for the database's search), `reports` (what
grouping knows of one report), `candidates` (the summary of an open incident), `scoring` (a report
against candidates, and the choice), `context` (per process, for the database layer) and `stream` (in
memory). Each imports only modules before it in that list.
"""

from vigil.incidents.grouping.candidates import MAX_CANDIDATE_SIGNATURE, OUTLIER_M, CandidateState
from vigil.incidents.grouping.cells import (
    area_cell,
    borough_cell,
    candidate_cell,
    cells_around,
    cells_in_bounds,
    point_cell,
)
from vigil.incidents.grouping.context import GroupingContext
from vigil.incidents.grouping.distance import meters_between
from vigil.incidents.grouping.features import (
    KIND_DIGIT,
    KIND_MULTIPLIER,
    KIND_NUMBER,
    KIND_PART,
    KIND_WORD,
    Signature,
    Unit,
    conflict_word_features,
    features_signature,
    key_features,
    place_word_features,
    text_units,
)
from vigil.incidents.grouping.folding import normalize_text
from vigil.incidents.grouping.reports import ReportFeatures, report_weights
from vigil.incidents.grouping.rules import DEFAULT_RULES, DEFAULT_THRESHOLD, Rules
from vigil.incidents.grouping.scoring import (
    COMMON_NUMBER_WEIGHT,
    EXCLUDED,
    Neighbors,
    Probe,
    choose_candidate,
    score,
    text_evidence,
)
from vigil.incidents.grouping.statistics import FeatureStats
from vigil.incidents.grouping.stream import Grouper

__all__ = [
    "area_cell",
    "borough_cell",
    "candidate_cell",
    "cells_around",
    "cells_in_bounds",
    "point_cell",
    "CandidateState",
    "Grouper",
    "GroupingContext",
    "ReportFeatures",
    "FeatureStats",
    "Rules",
    "DEFAULT_RULES",
    "DEFAULT_THRESHOLD",
    "choose_candidate",
    "features_signature",
    "report_weights",
    "text_units",
    "normalize_text",
    "score",
    "text_evidence",
    "EXCLUDED",
    "key_features",
    "conflict_word_features",
    "place_word_features",
    "meters_between",
    "Probe",
    "Neighbors",
    "Signature",
    "Unit",
    "COMMON_NUMBER_WEIGHT",
    "MAX_CANDIDATE_SIGNATURE",
    "OUTLIER_M",
    "KIND_PART",
    "KIND_NUMBER",
    "KIND_WORD",
    "KIND_DIGIT",
    "KIND_MULTIPLIER",
]
