"""Mijn Wegwijs: the statushouder's own, small part of the site under /mijn/ (their
plan, appointments, consents and rights, in their language). See docs/portal.md."""
