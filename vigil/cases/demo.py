"""Demo data for `make run`: the directory (its fictional providers include the demo legal provider)."""


def seed(orgs) -> None:
    from django.conf import settings

    from vigil.cases.directory import load

    path = settings.JURISDICTION_DIR / "directory.toml"
    if path.exists():
        load(path)
