from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from webui.reports.filters import NAMES_REFUSED, from_words, parse_filter, valid_words
from webui.reports.selectors import names_allowed, report_scope, reports_allowed
from webui.reports.services import (
    ExportRefused,
    cases_export,
    export_refusal_record,
    private_file,
)


class Command(BaseCommand):
    help = (
        "Write the case-status workbook to an .xlsx file, as the given manager gets it"
        " on the Overzicht page: only their gemeente(n) or organisation(s), no field"
        " of a class a manager may not read, the same filters. The export is logged"
        " in the processing log."
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
            metavar="SLUG",
            help="Gemeente, by name or code; repeat for several. Default: all the"
            " manager's.",
        )
        parser.add_argument("--organisatie", default="", metavar="NAAM")
        parser.add_argument(
            "--fase",
            default="",
            metavar="FASE",
            help="A phase as the page names it, e.g. 'Brede intake en PIP'.",
        )
        parser.add_argument("--koppeling-van", default="", metavar="DATUM")
        parser.add_argument(
            "--koppeling-tot", default="", metavar="DATUM", help="inclusive"
        )
        parser.add_argument("--begeleider", default="", metavar="NAAM")
        parser.add_argument(
            "--status", default="", metavar="STATUS", help="lopend or afgesloten"
        )
        parser.add_argument(
            "--met-namen",
            action="store_true",
            help="Names instead of only the reference, where the role may read them.",
        )

    def handle(self, *args, output: str, gebruiker: str, **options):
        user = get_user_model().objects.filter(username=gebruiker).first()
        if user is None:
            reason = f"Onbekende gebruiker: {gebruiker}"
            export_refusal_record(
                user=None, username=gebruiker[:150], reason=reason, via="command"
            )
            raise CommandError(reason)
        if not reports_allowed(user=user):
            reason = (
                f"{gebruiker} is geen manager: alleen een manager exporteert dossiers."
            )
            export_refusal_record(user=user, reason=reason, via="command")
            raise CommandError(reason)
        data = {
            "gemeente": options["gemeente"],
            "organisatie": options["organisatie"],
            "fase": options["fase"],
            "koppeling_van": options["koppeling_van"],
            "koppeling_tot": options["koppeling_tot"],
            "begeleider": options["begeleider"],
            "status": options["status"],
            "met_namen": options["met_namen"],
        }
        scope = report_scope(user=user)
        report_filter, form = parse_filter(
            from_words({k: v for k, v in data.items() if v}, scope),
            scope=scope,
            names_allowed=names_allowed(user=user),
        )
        if report_filter is None:
            if NAMES_REFUSED in form.non_field_errors():
                export_refusal_record(user=user, reason=NAMES_REFUSED, via="command")
            problems = [str(e) for e in form.non_field_errors()] + [
                f"--{name.replace('_', '-')}: {error}"
                + (f" ({words})" if (words := valid_words(name, scope)) else "")
                for name, errors in form.errors.items()
                if name != "__all__"
                for error in errors
            ]
            raise CommandError("Ongeldige filters:\n- " + "\n- ".join(problems))
        path = Path(output or f"wegwijs-dossiers-{timezone.localdate():%Y-%m-%d}.xlsx")
        try:
            with private_file(path) as target:
                result = cases_export(
                    user=user, report_filter=report_filter, target=target, via="command"
                )
        except ExportRefused as exc:
            path.unlink(missing_ok=True)
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{result.cases} dossiers geschreven naar {path}")
