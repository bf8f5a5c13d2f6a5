"""The one list of warrant kinds, and how a warrant was known: read by the responder's observation form,
the detention records and the sanctuary-law rules (`vigil.rules.facts`). Codes only, no Django: the rules'
core imports this module. The labels are in `vigil.incidents.models.WARRANTS`."""

WARRANT_KINDS = (
    # Issued on probable cause by an Article III or magistrate judge: the only "judicial warrant" of the
    # city's detainer laws (Admin. Code §§ 9-131, 14-154).
    "federal_judicial_arrest",
    "federal_judicial_search",
    "state_local_court",  # a state or local court's warrant or order
    "immigration_judge_order",
    "ice_administrative",  # Forms I-200, I-205
    "detainer_only",  # Forms I-247A/N/X
    "none_shown",
)
# "unknown" is a choice of the forms, never a stored value: the rules read an empty field as unknown.
UNKNOWN = "unknown"

WARRANT_SOURCES = ("copy_read_by_lawyer", "described_on_scene")
