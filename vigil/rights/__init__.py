"""Know-your-rights material: the fact files it may cite, articles, red cards and flyers, reviewed before
they are public (docs/rights.md)."""
