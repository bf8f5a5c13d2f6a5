"""Durable work of locating (vigil/cases/locating_actions.py): the next locate task, a hearing's moments."""

from vigil.work.registry import durable


@durable
def locate_again(case_id):
    from vigil.cases.locating_actions import locate_again as add_next_locate_task

    add_next_locate_task(case_id)


@durable
def hearing_near(hearing_id):
    from vigil.cases.locating_actions import hearing_near as raise_urgency

    raise_urgency(hearing_id)
