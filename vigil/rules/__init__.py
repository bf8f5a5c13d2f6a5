"""Sanctuary-law rules: rule packs as data (`jurisdictions/<name>/rules.toml`), checked on load, and an
evaluator that turns the facts of incidents and detention records into findings with citations
(docs/rules.md). The core (every module here but `apps` and `management`) imports nothing from Django."""
