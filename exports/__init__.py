"""Excel exports: pure functions from rows to workbooks (no Django, no database)."""

from .cases import (
    DOSSIER_COLUMNS,
    OPEN_TASK_COLUMNS,
    PVT_COLUMNS,
    CaseStatusBook,
    DossierRow,
    GemeenteFigures,
    OpenTaskRow,
    OrganisationTasks,
    PvtRow,
    Ratio,
    Summary,
    case_status_workbook,
    neutralise_text,
)

__all__ = [
    "DOSSIER_COLUMNS",
    "OPEN_TASK_COLUMNS",
    "PVT_COLUMNS",
    "CaseStatusBook",
    "DossierRow",
    "GemeenteFigures",
    "OpenTaskRow",
    "OrganisationTasks",
    "PvtRow",
    "Ratio",
    "Summary",
    "case_status_workbook",
    "neutralise_text",
]
