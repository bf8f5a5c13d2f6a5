"""Locating the person: checks of where they are, the repeated locate task (a durable job), transfers
(timeline, urgency, the open referral checked again), hearings in their court's time zone and the urgency
they raise."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from vigil.cases import actions
from vigil.cases import locating_actions as locating
from vigil.cases.models import CaseEvent, CaseTask, Referral
from vigil.cases.tests.conftest import make_provider, open_case, send
from vigil.cases.tests.locating import load_facilities
from vigil.work.actions import run_pending_now
from vigil.work.models import Job


def _open_locate_tasks(case):
    return CaseTask.objects.filter(case=case, kind="locate", done_at__isnull=True)


def _make_due(handler_suffix):
    """Bring the queued jobs of a handler to now (the time they wait for has come)."""
    jobs = Job.objects.filter(handler__endswith=handler_suffix, state=Job.State.PENDING)
    assert jobs.exists()
    jobs.update(run_after=timezone.now() - timedelta(seconds=1))


@pytest.mark.django_db
def test_a_confirmed_location_completes_the_open_locate_task(caseworker):
    facilities = load_facilities()
    case = open_case(caseworker)
    assert _open_locate_tasks(case).count() == 1
    locating.record_location(
        case, actor=caseworker, source="detainee_locator", facility=facilities["demo-county-jail"], confirmed=True
    )
    assert _open_locate_tasks(case).count() == 0
    assert locating.is_located(case)
    assert locating.current_court(case).code == "demo-detained-docket"
    assert not Job.objects.filter(handler__endswith="locate_again").exists()


@pytest.mark.django_db
def test_a_check_that_does_not_confirm_brings_a_new_locate_task_n_hours_later(settings, caseworker):
    settings.LOCATE_EVERY_HOURS = 3
    case = open_case(caseworker)
    before = timezone.now()
    locating.record_location(case, actor=caseworker, source="detainee_locator", confirmed=False)
    assert _open_locate_tasks(case).count() == 0
    job = Job.objects.get(handler__endswith="locate_again")
    assert timedelta(hours=3) <= job.run_after - before < timedelta(hours=3, minutes=1)
    assert run_pending_now() == 0  # not yet due
    _make_due("locate_again")
    assert run_pending_now() == 1
    assert _open_locate_tasks(case).count() == 1


@pytest.mark.django_db
def test_two_checks_in_a_row_queue_one_next_task(caseworker):
    case = open_case(caseworker)
    for _ in range(2):
        locating.record_location(case, actor=caseworker, source="family", confirmed=False)
    assert Job.objects.filter(handler__endswith="locate_again").count() == 1


@pytest.mark.django_db
def test_marking_a_locate_task_done_without_a_location_queues_the_next(caseworker):
    case = open_case(caseworker)
    actions.complete_task(_open_locate_tasks(case).get(), actor=caseworker)
    _make_due("locate_again")
    run_pending_now()
    assert _open_locate_tasks(case).count() == 1


@pytest.mark.django_db
def test_no_new_locate_task_once_the_person_is_located_or_the_case_closed(caseworker):
    facilities = load_facilities()
    located, closed = open_case(caseworker), open_case(caseworker, person_name="Other Person")
    for case in (located, closed):
        locating.record_location(case, actor=caseworker, source="family", confirmed=False)
    locating.record_location(
        located, actor=caseworker, source="detainee_locator", facility=facilities["demo-county-jail"], confirmed=True
    )
    actions.close_case(closed, "lost_contact", actor=caseworker)
    _make_due("locate_again")
    assert run_pending_now() == 2
    assert not CaseTask.objects.filter(kind="locate", done_at__isnull=True, case__in=[located, closed]).exists()


@pytest.mark.django_db
def test_a_later_check_that_no_longer_finds_the_person_starts_locating_again(caseworker):
    facilities = load_facilities()
    case = open_case(caseworker)
    locating.record_location(
        case, actor=caseworker, source="detainee_locator", facility=facilities["demo-county-jail"], confirmed=True
    )
    locating.record_location(case, actor=caseworker, source="detainee_locator", confirmed=False)
    assert not locating.is_located(case)
    _make_due("locate_again")
    run_pending_now()
    assert _open_locate_tasks(case).count() == 1


@pytest.mark.django_db
def test_the_first_confirmed_location_is_not_a_transfer(caseworker):
    facilities = load_facilities()
    case = open_case(caseworker)
    locating.record_location(
        case, actor=caseworker, source="detainee_locator", facility=facilities["demo-county-jail"], confirmed=True
    )
    case.refresh_from_db()
    assert not case.events.filter(kind=CaseEvent.Kind.TRANSFER).exists()
    assert case.urgency_tier == 1


@pytest.mark.django_db
def test_a_transfer_is_on_the_timeline_raises_urgency_and_withdraws_a_referral_the_provider_cannot_keep(caseworker):
    facilities = load_facilities()
    serves_new_york_only = make_provider("ny-only-legal")
    serves_new_york_only.courts.set([facilities["demo-county-jail"].court])
    case = open_case(caseworker)
    locating.record_location(
        case, actor=caseworker, source="detainee_locator", facility=facilities["demo-county-jail"], confirmed=True
    )
    referral = send(case, serves_new_york_only, caseworker)
    record = locating.record_location(
        case,
        actor=caseworker,
        source="detainee_locator",
        facility=facilities["demo-southern-detention"],
        confirmed=True,
    )
    case.refresh_from_db()
    transfer = case.events.get(kind=CaseEvent.Kind.TRANSFER)
    assert transfer.detail == "Demo Southern Detention Center (fictional)"
    assert "transfer_feared" in case.urgent_needs and case.urgency_tier == 2
    referral.refresh_from_db()
    assert referral.state == Referral.State.WITHDRAWN
    assert case.state == "screening"  # back in the queue, for a provider that serves the new court
    assert record.withdrawn_referrals == ["Ny-Only-Legal"]


@pytest.mark.django_db
def test_a_transfer_keeps_a_referral_whose_provider_serves_the_new_court_or_lists_none(caseworker):
    facilities = load_facilities()
    southern = make_provider("southern-legal")
    southern.courts.set([facilities["demo-southern-detention"].court])
    unlisted = make_provider("unlisted-legal")
    kept = []
    for provider in (southern, unlisted):
        case = open_case(caseworker, person_name=provider.slug)
        locating.record_location(
            case, actor=caseworker, source="detainee_locator", facility=facilities["demo-county-jail"], confirmed=True
        )
        referral = send(case, provider, caseworker)
        locating.record_location(
            case, actor=caseworker, source="lawyer", facility=facilities["demo-southern-detention"], confirmed=True
        )
        referral.refresh_from_db()
        kept.append(referral.state)
    assert kept == ["sent", "sent"]


@pytest.mark.django_db
def test_an_older_check_written_late_is_history_not_a_transfer(caseworker):
    facilities = load_facilities()
    case = open_case(caseworker)
    locating.record_location(
        case,
        actor=caseworker,
        source="detainee_locator",
        facility=facilities["demo-southern-detention"],
        confirmed=True,
    )
    locating.record_location(
        case,
        actor=caseworker,
        source="family",
        facility=facilities["demo-harbor-processing"],
        confirmed=True,
        checked_at=timezone.now() - timedelta(days=1),
    )
    assert not case.events.filter(kind=CaseEvent.Kind.TRANSFER).exists()
    assert locating.current_location(case).facility.code == "demo-southern-detention"


@pytest.mark.django_db
def test_it_refuses_a_confirmed_location_without_a_place_and_a_check_in_the_future(caseworker):
    case = open_case(caseworker)
    with pytest.raises(actions.CaseActionRefused) as refused:
        locating.record_location(case, actor=caseworker, source="family", confirmed=True)
    assert refused.value.code == "location_place"
    with pytest.raises(actions.CaseActionRefused) as refused:
        locating.record_location(
            case, actor=caseworker, source="family", place="x", checked_at=timezone.now() + timedelta(hours=1)
        )
    assert refused.value.code == "checked_future"
    assert not case.locations.exists()


@pytest.mark.django_db
def test_it_seals_a_place_typed_in(caseworker):
    case = open_case(caseworker)
    record = locating.record_location(
        case, actor=caseworker, source="family", place="Unlisted Hold Room 77", confirmed=True
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT place FROM cases_locationrecord WHERE id = %s",
            [record.pk.hex if connection.vendor == "sqlite" else record.pk],
        )
        (stored,) = cursor.fetchone()
    assert b"Unlisted" not in bytes(stored)
    assert type(record).objects.get(pk=record.pk).place == "Unlisted Hold Room 77"


# --- Hearings --------------------------------------------------------------------------------------


def _in(zone: str, delta: timedelta) -> tuple[date, time]:
    moment = (timezone.now() + delta).astimezone(ZoneInfo(zone)).replace(second=0, microsecond=0)
    return moment.date(), moment.time()


@pytest.mark.django_db
def test_a_hearing_is_stored_in_utc_from_the_courts_time_zone(caseworker):
    facilities = load_facilities()
    court = facilities["demo-southern-detention"].court
    case = open_case(caseworker)
    hearing = locating.add_hearing(
        case, actor=caseworker, kind="master", day=date(2027, 1, 12), at=time(9, 0), court=court, source="notice"
    )
    hearing.refresh_from_db()
    assert hearing.time_zone == "America/Chicago"
    assert hearing.starts_at == datetime(2027, 1, 12, 15, 0, tzinfo=ZoneInfo("UTC"))
    assert case.events.filter(kind=CaseEvent.Kind.HEARING_SET, reason_code="master").exists()


@pytest.mark.django_db
def test_a_hearing_already_past_in_the_courts_zone_is_refused_in_words(caseworker):
    facilities = load_facilities()
    court = facilities["demo-southern-detention"].court
    case = open_case(caseworker)
    day, at = _in("America/Chicago", -timedelta(minutes=30))
    with pytest.raises(actions.CaseActionRefused) as refused:
        locating.add_hearing(case, actor=caseworker, kind="bond", day=day, at=at, court=court, source="lawyer")
    assert refused.value.code == "hearing_past"
    assert "already passed" in str(refused.value.message)
    assert not case.hearings.exists()


@pytest.mark.django_db
def test_a_hearing_within_72_hours_makes_the_case_tier_3(caseworker):
    case = open_case(caseworker)
    day, at = _in("America/New_York", timedelta(hours=30))
    locating.add_hearing(case, actor=caseworker, kind="bond", day=day, at=at, source="family")
    case.refresh_from_db()
    assert {"hearing_or_removal_within_72h", "hearing_within_14_days"} <= set(case.urgent_needs)
    assert case.urgency_tier == 3


@pytest.mark.django_db
def test_a_hearing_within_14_days_makes_the_case_tier_2_and_tier_3_when_72_hours_are_left(caseworker):
    case = open_case(caseworker)
    day, at = _in("America/New_York", timedelta(days=10))
    hearing = locating.add_hearing(case, actor=caseworker, kind="master", day=day, at=at, source="notice")
    case.refresh_from_db()
    assert case.urgent_needs == ["hearing_within_14_days"] and case.urgency_tier == 2
    job = Job.objects.get(handler__endswith="hearing_near")
    assert abs(job.run_after - (hearing.starts_at - timedelta(hours=72))) < timedelta(seconds=5)
    # Seven days later: the job's moment has come (the hearing is moved closer to stand for the time passed).
    type(hearing).objects.filter(pk=hearing.pk).update(starts_at=timezone.now() + timedelta(hours=70))
    _make_due("hearing_near")
    run_pending_now()
    case.refresh_from_db()
    assert case.urgency_tier == 3


@pytest.mark.django_db
def test_a_hearing_is_refused_for_a_closed_case_and_an_unknown_kind(caseworker):
    case = open_case(caseworker)
    day, at = _in("America/New_York", timedelta(days=30))
    with pytest.raises(actions.CaseActionRefused):
        locating.add_hearing(case, actor=caseworker, kind="trial", day=day, at=at, source="notice")
    actions.close_case(case, "duplicate", actor=caseworker)
    with pytest.raises(actions.CaseActionRefused) as refused:
        locating.add_hearing(case, actor=caseworker, kind="master", day=day, at=at, source="notice")
    assert refused.value.code == "closed"


@pytest.mark.django_db(transaction=True)
def test_a_purged_case_takes_its_locations_and_hearings_and_leaves_none_of_the_place_typed_in(settings, caseworker):
    from vigil.cases.locating import Hearing, LocationRecord
    from vigil.privacy import actions as privacy
    from vigil.privacy.tests.storage import database_bytes

    settings.RETENTION = {**settings.RETENTION, "case_closed": 30}
    case = open_case(caseworker)
    record = locating.record_location(case, actor=caseworker, source="family", place="Hold Room 41-B", confirmed=True)
    day, at = _in("America/New_York", timedelta(days=20))
    hearing = locating.add_hearing(case, actor=caseworker, kind="master", day=day, at=at, source="family")
    ciphertext = bytes(LocationRecord.objects.filter(pk=record.pk).values_list("place", flat=True).get())
    assert ciphertext in database_bytes()
    actions.close_case(case, "removed", actor=caseworker)
    type(case).objects.filter(pk=case.pk).update(closed_at=timezone.now() - timedelta(days=31))

    privacy.purge_expired()

    assert not LocationRecord.objects.filter(pk=record.pk).exists()
    assert not Hearing.objects.filter(pk=hearing.pk).exists()
    assert ciphertext not in database_bytes()
