from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from exports import cases_workbook
from webui.accounts.models import Role
from webui.cases.selectors import export_cases, export_rows
from webui.privacy.models import ProcessingRecord
from webui.privacy.services import processing_record


class Command(BaseCommand):
    help = (
        "Write the case-status workbook (one row per case) to an .xlsx file, as the"
        " given manager would get it: only their gemeente(n) or organisation(s), and"
        " no field of a class a manager may not read. The export is logged."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", default="", help="File to write (.xlsx).")
        parser.add_argument(
            "--gebruiker",
            required=True,
            metavar="USERNAME",
            help="The manager on whose behalf the export is made.",
        )
        parser.add_argument(
            "--gemeente",
            action="append",
            default=[],
            help="Gemeente slug; repeat for several. Default: all the manager's.",
        )

    def handle(self, *args, output: str, gebruiker: str, gemeente: list, **options):
        today = timezone.localdate()
        user = get_user_model().objects.filter(username=gebruiker).first()
        if user is None:
            raise CommandError(f"Onbekende gebruiker: {gebruiker}")
        cases = export_cases(user=user)
        if gemeente:
            cases = cases.filter(gemeente__slug__in=gemeente)
        path = Path(output or f"wegwijs-dossiers-{today:%Y-%m-%d}.xlsx")
        rows = list(export_rows(cases=cases, today=today))
        cases_workbook(rows).save(path)
        processing_record(
            user=user,
            action=ProcessingRecord.Action.EXPORT,
            categories=["normaal"],
            roles=[Role.MANAGER],
            detail={"rows": len(rows), "command": True, "gemeenten": gemeente},
        )
        self.stdout.write(f"{len(rows)} dossiers geschreven naar {path}")
