"""Client addresses, reduced to a keyed hash that changes every day.

Nothing in Vigil keeps an IP address. The address is read once (from the socket, or from the last
trusted proxy hop), IPv6 cut to its /64 (one subscriber's devices share it), and replaced by
HMAC-SHA256(daily salt, address). The salt is random, lives only in the cache (memory, a tmpfs
directory or Redis, which here keeps nothing on disk) and is never derived from anything stored, so yesterday's hashes cannot be
linked back to addresses once the salt expires.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets

SALT_TTL_SECONDS = 26 * 3600


def reduce_address(raw: str) -> str | None:
    try:
        address = ipaddress.ip_address(raw.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{address}/64", strict=False).network_address) + "/64"
    return str(address)


def pick_client_address(remote_addr: str, forwarded_for: str, trusted_hops: int) -> str:
    """With N trusted proxies, the client is the Nth address from the right of X-Forwarded-For."""
    if trusted_hops <= 0 or not forwarded_for:
        return remote_addr
    hops = [part.strip() for part in forwarded_for.split(",") if part.strip()]
    if len(hops) < trusted_hops:
        return remote_addr
    return hops[-trusted_hops]


def daily_salt(cache, day: str) -> bytes:
    salt = cache.get_or_set(f"vigil:addrsalt:{day}", lambda: secrets.token_hex(32), SALT_TTL_SECONDS)
    return bytes.fromhex(salt)


def address_key(reduced: str, salt: bytes) -> str:
    return "a:" + hmac.new(salt, reduced.encode(), hashlib.sha256).hexdigest()[:32]
