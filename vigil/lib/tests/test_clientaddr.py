from vigil.lib.clientaddr import address_key, pick_client_address, reduce_address


def test_it_cuts_ipv6_to_its_slash_64():
    assert reduce_address("2001:db8:1:2:aaaa::1") == reduce_address("2001:db8:1:2:bbbb::9")
    assert reduce_address("2001:db8:1:2::1") != reduce_address("2001:db8:1:3::1")


def test_it_unwraps_ipv4_mapped_addresses():
    assert reduce_address("::ffff:198.51.100.7") == "198.51.100.7"


def test_it_trusts_only_the_configured_proxy_hops():
    assert pick_client_address("10.0.0.1", "6.6.6.6, 198.51.100.7", 1) == "198.51.100.7"
    assert pick_client_address("10.0.0.1", "6.6.6.6, 198.51.100.7", 0) == "10.0.0.1"
    assert pick_client_address("10.0.0.1", "6.6.6.6, 198.51.100.7", 2) == "6.6.6.6"


def test_it_hashes_with_the_salt_so_days_do_not_link():
    assert address_key("198.51.100.7", b"a" * 32) != address_key("198.51.100.7", b"b" * 32)
    assert "198.51.100.7" not in address_key("198.51.100.7", b"a" * 32)
