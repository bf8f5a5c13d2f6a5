"""Areas of a jurisdiction (borough, community district, NTA): point lookup, names, maps."""
