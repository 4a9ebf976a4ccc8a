from django.core.management.base import BaseCommand, CommandError

from webui.accounts.models import Gemeente
from webui.definitions.files import FileRefused, read_paths
from webui.definitions.services import (
    DeployRefused,
    version_deploy,
    versions_follow_base,
)


class Command(BaseCommand):
    help = (
        "Deploy a gemeente's draft, or the given files as its own files, as a new"
        " version on the latest base. --all moves every gemeente without own files"
        " onto the latest base. A refused set leaves the version in use in place."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", nargs="?", default="", metavar="SLUG")
        parser.add_argument("paths", nargs="*", metavar="PATH")
        parser.add_argument("--note", default="", help="Toelichting bij de versie.")
        parser.add_argument(
            "--all",
            action="store_true",
            help="Zet elke gemeente zonder eigen bestanden op de nieuwste basis.",
        )

    def handle(self, *args, slug: str, paths: list[str], note: str, **options):
        if options["all"]:
            for gemeente, version, outcome in versions_follow_base():
                label = version.label if version else "geen versie"
                self.stdout.write(f"{gemeente.slug}: {label} ({outcome})")
            return
        if not slug:
            raise CommandError("Noem een gemeente (SLUG) of gebruik --all.")
        gemeente = Gemeente.objects.filter(slug=slug).first()
        if gemeente is None:
            raise CommandError(f"Onbekende gemeente: {slug}")
        try:
            own = read_paths(paths) if paths else None
            version, created = version_deploy(
                gemeente=gemeente, own_files=own, note=note
            )
        except FileRefused as exc:
            raise CommandError(str(exc)) from exc
        except DeployRefused as exc:
            for finding in exc.findings:
                self.stdout.write(str(finding))
            raise CommandError(f"{slug}: {exc.message}") from exc
        state = "nieuw in gebruik" if created else "ongewijzigd in gebruik"
        self.stdout.write(
            f"{slug}: {version.label} {state} (basis v{version.base.number},"
            f" eigen bestanden: {', '.join(version.own_files) or 'geen'})"
        )
