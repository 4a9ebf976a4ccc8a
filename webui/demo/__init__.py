"""Synthetic demo data for development and tests (not installed in production)."""
