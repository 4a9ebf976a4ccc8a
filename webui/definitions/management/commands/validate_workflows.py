import sys

from django.core.management.base import BaseCommand, CommandError

from webui.accounts.models import Gemeente
from webui.definitions.bundles import check_files
from webui.definitions.files import FileRefused, read_paths
from webui.definitions.proefrit import (
    as_findings,
    drive_bundle,
    proefrit_required,
    report_data,
)
from webui.definitions.services import DeployRefused, set_on_top


class Command(BaseCommand):
    help = (
        "Validate .bpmn, .dmn and form .json files (or folders or .zip archives of"
        " them) as a gemeente's own files on top of its version in use (without"
        " --gemeente: on top of the latest base). Deploys nothing. One finding per"
        " line: file:line: element-id: fout|waarschuwing: message. Without errors the"
        " set also gets its proefrit (synthetic cases down every path;"
        " --zonder-proefrit skips it), whose findings follow. Exit 0 without errors."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--gemeente", default="", metavar="SLUG")
        parser.add_argument("--zonder-proefrit", action="store_true", dest="no_drive")

    def handle(self, *args, paths: list[str], gemeente: str, no_drive: bool, **options):
        owner = None
        if gemeente:
            owner = Gemeente.objects.filter(slug=gemeente).first()
            if owner is None:
                raise CommandError(f"Onbekende gemeente: {gemeente}")
        try:
            own = read_paths(paths)
            files, base = set_on_top(gemeente=owner, own_files=own)
        except (FileRefused, DeployRefused) as exc:
            raise CommandError(str(exc)) from exc
        findings, bundle = check_files(files, base=base)
        if bundle is not None and proefrit_required() and not no_drive:
            report = drive_bundle(bundle)
            findings = findings + as_findings(report_data(report, bundle, files))
        for finding in findings:
            self.stdout.write(str(finding))
        errors = sum(1 for f in findings if f.is_error)
        warnings = len(findings) - errors
        self.stderr.write(
            f"{len(own)} bestand(en) gecontroleerd: {errors} fout(en),"
            f" {warnings} waarschuwing(en)."
        )
        if errors:
            sys.exit(1)
