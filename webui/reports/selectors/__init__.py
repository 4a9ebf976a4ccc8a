"""Reads for the managers' overview and the case-status workbook.

Which cases a manager reports on is decided in webui.accounts.selectors
(manager_cases); which privacy classes a manager reads too (READABLE). Everything a
column holds is read from the case record and the milestones, never from task or form
names, and worded with the case's own version (``versions``): a gemeente's variant
that renames its tasks reports right.

Rows stream from database iterators, a fixed number of queries per chunk of cases
(``rows``); the figures come from aggregate queries (``figures``); who reports on
what, and the filters, are in ``scope``.
"""

from .figures import report_summary
from .overview import report_overview
from .rows import dossier_rows, export_size, open_task_rows, pip_on_time, pvt_rows
from .runs import export_run_for, export_runs_of
from .scope import names_allowed, report_cases, report_scope, reports_allowed
from .versions import REPORT_ROLE

__all__ = [
    "REPORT_ROLE",
    "dossier_rows",
    "export_run_for",
    "export_runs_of",
    "export_size",
    "names_allowed",
    "open_task_rows",
    "pip_on_time",
    "pvt_rows",
    "report_cases",
    "report_overview",
    "report_scope",
    "report_summary",
    "reports_allowed",
]
