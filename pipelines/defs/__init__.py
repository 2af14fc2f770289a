"""Dagster definitions of pmhub: extract → load → core → mart, with checks and the sync job."""
