"""Two caseworkers sending to one provider at once cannot overfill it (row locks; SQLite's one writer)."""

import threading

import pytest
from django.db import connection

from conftest import make_staff
from vigil.accounts.models import Role
from vigil.cases import actions
from vigil.cases.models import Referral
from vigil.cases.tests.conftest import make_provider, open_case


@pytest.mark.django_db(transaction=True)
def test_two_caseworkers_sending_at_once_cannot_overfill_a_provider(org):
    provider = make_provider("one-slot-legal", open_slots=1)
    caseworkers = [make_staff(f"sender-{i}", Role.CASEWORKER, org) for i in range(2)]
    cases = [open_case(caseworkers[i], person_name=f"Person {i}") for i in range(2)]
    proposed = [
        actions.propose_referral(cases[i], provider, "detained_removal_defense", actor=caseworkers[i]) for i in range(2)
    ]
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def send(i):
        try:
            barrier.wait(timeout=10)
            actions.send_referral(proposed[i], actor=caseworkers[i])
            outcomes.append("sent")
        except actions.CaseActionRefused as exc:
            outcomes.append(exc.code)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(outcomes) == ["no_capacity", "sent"]
    assert Referral.objects.filter(provider=provider, state="sent").count() == 1
    assert actions.capacity_left(provider) == 0
