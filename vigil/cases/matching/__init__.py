"""Matching cases to legal providers, apart from the database: plain dataclasses in, plain dataclasses out.

`assign` proposes an assignment of all waiting cases, `rank_providers` ranks the providers for one case,
`read_problem` reads the JSON that `manage.py match_cases` takes (docs/cases.md, "Matching").
"""

from .greedy import greedy
from .input import Problem, read_problem
from .model import (
    Assignment,
    Case,
    CaseResult,
    MatchingInputError,
    Objective,
    Provider,
    RankedProvider,
    Reason,
    tier_of,
)
from .solver import Weights, assign, evaluate, rank_providers

__all__ = [
    "Assignment",
    "Case",
    "CaseResult",
    "MatchingInputError",
    "Objective",
    "Problem",
    "Provider",
    "RankedProvider",
    "Reason",
    "Weights",
    "assign",
    "evaluate",
    "greedy",
    "rank_providers",
    "read_problem",
    "tier_of",
]
