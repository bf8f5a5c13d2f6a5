"""A few demo reports for `make run` (idempotent: each has a fixed idempotency key)."""

from vigil.intake import actions
from vigil.intake.validation import build_input

DEMO_REPORTS = [
    ("Agentes de ICE en Roosevelt y la 74, tres camionetas, están deteniendo gente", "es", None),
    ("ICE agents at Roosevelt Ave and 74th St, two vans, people detained", "en", None),
    ("Des agents à la sortie du métro 149e rue et 3e avenue", "fr", None),
    ("ICE 在法拉盛缅街和罗斯福大道，有两辆车", "zh-hans", None),
    ("Ajan imigrasyon sou Flatbush Ave ak Church Ave", "ht", "BK1401"),
]


def seed(orgs):
    for number, (text, language, area) in enumerate(DEMO_REPORTS):
        actions.submit_report(
            build_input({"text": text, "area": area}),
            channel="web",
            form_language=language,
            idempotency_key=f"demo:{number}",
        )
