"""Plan (pure: what should change) and apply (carry it out, record every result at once)."""
