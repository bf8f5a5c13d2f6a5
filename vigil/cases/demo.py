"""Demo data for `make run`: the directory (its fictional providers include the demo legal provider) and a
few fictional interpreters on the demo hotline's roster, available every day of the coming week."""

from datetime import timedelta

# Fictional people (names made up for the demo), in the languages NYC's rapid response is asked for most,
# Mam and K'iche' among them. Tuple: name, languages, modes, boroughs in person.
DEMO_INTERPRETERS = [
    ("Demo Rosa (fictional)", ["es", "mam"], ["phone", "video", "in_person"], ["QN", "BK"]),
    ("Demo Wei (fictional)", ["cmn", "yue"], ["phone", "video"], []),
    ("Demo Mei (fictional)", ["yue", "cdo"], ["phone", "in_person"], ["MN", "BK"]),
    ("Demo Tomás (fictional)", ["es", "quc"], ["phone", "video", "in_person"], ["BX", "MN"]),
    ("Demo Jean (fictional)", ["ht", "fr"], ["phone", "video", "in_person"], ["BK", "QN"]),
]
DEMO_DAYS = 7


def seed(orgs) -> None:
    from django.conf import settings

    from vigil.cases.directory import load

    path = settings.JURISDICTION_DIR / "directory.toml"
    if path.exists():
        load(path)
    from vigil.cases import locating_directory

    if locating_directory.default_path().exists():
        locating_directory.load()
    hotline = orgs.get("demo-hotline")
    if hotline is not None:
        seed_interpreters(hotline)


def seed_interpreters(organization) -> None:
    """Idempotent: an interpreter already on the roster is left alone; one without availability ahead gets
    8:00-20:00 on each of the coming days."""
    from django.utils import timezone

    from vigil.cases import interpreting_actions as actions
    from vigil.cases.models import Interpreter

    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    for name, languages, modes, boroughs in DEMO_INTERPRETERS:
        interpreter = Interpreter.objects.filter(organization=organization, display_name=name).first()
        if interpreter is None:
            interpreter = actions.add_interpreter(
                organization=organization,
                actor=None,
                display_name=name,
                languages=languages,
                modes=modes,
                boroughs=boroughs,
                is_fictional=True,
            )
        if interpreter.windows.filter(ends_at__gt=timezone.now()).exists():
            continue
        for day in range(DEMO_DAYS):
            start = today + timedelta(days=day)
            if start + timedelta(hours=20) <= timezone.now():
                continue
            actions.add_availability(
                interpreter,
                starts_at=start + timedelta(hours=8),
                ends_at=start + timedelta(hours=20),
                modes=modes,
                actor=None,
            )
