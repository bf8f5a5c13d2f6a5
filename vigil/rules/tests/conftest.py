"""Fixtures of the rules tests: the incidents tests' headless Chromium for the browser test."""

from vigil.incidents.tests.conftest import browser  # noqa: F401
