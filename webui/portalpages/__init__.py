"""Mijn Wegwijs: the statushouder's own pages under /mijn/ (their plan, appointments,
consents and rights, in their language) and the work behind them; the records sit low
in webui/portal. See docs/portal.md."""
