"""Families and legal help: family intake, locating a detained person, cases, providers, referrals,
interpreters and matching cases to providers in a surge (docs/cases.md)."""
