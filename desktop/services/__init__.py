"""The domain: validation, queries, statistics, demo data. No Qt import here."""
