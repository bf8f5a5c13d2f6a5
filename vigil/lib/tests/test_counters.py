"""The one fixed-window counter behind every limit."""

from __future__ import annotations

from django.core.cache import cache

from vigil.lib.counters import count_once


def test_it_counts_each_call_in_its_window_and_starts_a_new_window_at_one():
    cache.delete_many(["vigil:test:w1", "vigil:test:w2"])
    assert [count_once("vigil:test:w1", ttl_seconds=60) for _ in range(3)] == [1, 2, 3]
    assert count_once("vigil:test:w2", ttl_seconds=60) == 1


def test_it_starts_again_at_one_when_the_counter_was_evicted():
    cache.delete("vigil:test:w3")
    count_once("vigil:test:w3", ttl_seconds=60)
    cache.delete("vigil:test:w3")
    assert count_once("vigil:test:w3", ttl_seconds=60) == 1
