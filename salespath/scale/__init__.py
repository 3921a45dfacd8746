"""Scale: a generator of consistent synthetic companies and a benchmark of the reports on them."""
