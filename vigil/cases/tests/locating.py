"""Helpers for the locating tests: the shipped (fictional) facilities directory, loaded."""

from vigil.cases.locating import Facility
from vigil.cases.locating_directory import default_path, load


def load_facilities():
    load(default_path())
    return {facility.code: facility for facility in Facility.objects.select_related("court")}
