"""Helpers for the interpreter tests: a roster member available all day, a request for a case."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from vigil.cases import interpreting_actions as actions
from vigil.cases.tests.conftest import open_case


def tomorrow_at(hour: float):
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    return start + timedelta(hours=hour)


def make_interpreter(
    caseworker,
    name="Interpreter One",
    languages=("es",),
    modes=("phone", "video", "in_person"),
    boroughs=("QN",),
    window=(8, 18),
):
    interpreter = actions.add_interpreter(
        organization=caseworker.organization,
        actor=caseworker,
        display_name=name,
        languages=languages,
        modes=modes,
        boroughs=boroughs,
        is_fictional=True,
    )
    if window:
        actions.add_availability(
            interpreter, starts_at=tomorrow_at(window[0]), ends_at=tomorrow_at(window[1]), modes=modes, actor=caseworker
        )
    return interpreter


def make_request(caseworker, case=None, *, language="es", mode="phone", borough="", start=10, end=11):
    case = case or open_case(caseworker)
    return actions.request_interpretation(
        actor=caseworker,
        case=case,
        language=language,
        mode=mode,
        borough=borough,
        starts_at=tomorrow_at(start),
        ends_at=tomorrow_at(end),
    )
