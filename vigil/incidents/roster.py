"""Who can be sent: on call now, covering the incident's area, speaking its reporters' languages."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def parse_hours(text: str) -> list[list]:
    """'mon 18:00-23:00, sat 08:00-20:00' → [[0, '18:00', '23:00'], [5, '08:00', '20:00']]."""
    slots = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            day, span = part.split()
            start, end = span.split("-")
            weekday = WEEKDAYS.index(day.lower()[:3])
        except ValueError as exc:
            raise ValueError(part) from exc
        for clock in (start, end):
            hours, _, minutes = clock.partition(":")
            if not (hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60):
                raise ValueError(part)
        slots.append([weekday, f"{int(start[:-3]):02d}:{start[-2:]}", f"{int(end[:-3]):02d}:{end[-2:]}"])
    return slots


def format_hours(slots: list) -> str:
    return ", ".join(f"{WEEKDAYS[d]} {a}-{b}" for d, a, b in slots)


def on_call(slots: list, now=None) -> bool:
    if not slots:
        return True  # no hours given: always on call
    local = timezone.localtime(now)
    clock = local.strftime("%H:%M")
    for day, start, end in slots:
        if day != local.weekday():
            continue
        if start <= end and start <= clock < end:
            return True
        if start > end and (clock >= start or clock < end):  # overnight shift
            return True
    return False


@dataclass
class Candidate:
    user: object
    on_call: bool
    covers_area: bool
    speaks: list[str]

    @property
    def rank(self):
        return (not self.on_call, not self.covers_area, -len(self.speaks), self.user.username)


def rank_responders(incident, responders, now=None) -> list[Candidate]:
    out = []
    for user in responders:
        profile = getattr(user, "responder", None)
        if profile is not None and not profile.active:
            continue
        areas = set(profile.areas) if profile else set()
        languages = set(profile.languages) if profile else set()
        out.append(
            Candidate(
                user=user,
                on_call=on_call(profile.on_call if profile else [], now),
                covers_area=bool(areas & {incident.area, incident.borough}),
                speaks=sorted(languages & set(incident.languages)),
            )
        )
    return sorted(out, key=lambda c: c.rank)


ON_DUTY_SIGN_IN_MINUTES = 30


def readers_on_duty(organization_id, languages, now=None) -> dict[str, list]:
    """For each language code, the people of the organization on duty now who read it: responders within
    their on-call hours, and other staff signed in within the last ON_DUTY_SIGN_IN_MINUTES. One query."""
    from datetime import timedelta

    from vigil.accounts.models import Role, User

    now = now or timezone.now()
    wanted = {code for code in languages if code}
    found: dict[str, list] = {code: [] for code in wanted}
    if not wanted or organization_id is None:
        return found
    signed_in_since = now - timedelta(minutes=ON_DUTY_SIGN_IN_MINUTES)
    people = User.objects.filter(organization_id=organization_id, is_active=True).select_related("responder")
    for person in people.order_by("username"):
        profile = getattr(person, "responder", None) if person.role == Role.RESPONDER else None
        if person.role == Role.RESPONDER:
            if profile is None or not profile.active or not on_call(profile.on_call, now):
                continue
        elif person.last_login is None or person.last_login < signed_in_since:
            continue
        reads = set(person.languages or []) | set(profile.languages if profile else [])
        for code in wanted & reads:
            found[code].append(person)
    return found
