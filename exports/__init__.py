"""Excel exports: pure functions from rows to workbooks (no Django, no database)."""

from .cases import CASE_COLUMNS, CaseRow, cases_workbook, workbook_bytes

__all__ = ["CASE_COLUMNS", "CaseRow", "cases_workbook", "workbook_bytes"]
