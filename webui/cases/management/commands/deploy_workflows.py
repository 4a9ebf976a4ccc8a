from django.core.management.base import BaseCommand, CommandError

from engine import DiagramInvalid
from webui.accounts.models import Gemeente
from webui.cases.services import version_deploy


class Command(BaseCommand):
    help = (
        "Validate and deploy each gemeente's diagram set"
        " (base + workflows/gemeenten/<slug>)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "slugs", nargs="*", help="Gemeenten to deploy; default all."
        )

    def handle(self, *args, slugs: list[str], **options):
        gemeenten = Gemeente.objects.all()
        if slugs:
            gemeenten = gemeenten.filter(slug__in=slugs)
        for gemeente in gemeenten:
            try:
                version = version_deploy(gemeente=gemeente)
            except DiagramInvalid as exc:
                raise CommandError(
                    f"{gemeente.slug}: diagram afgekeurd,"
                    f" de vorige versie blijft in gebruik: {exc}"
                ) from exc
            self.stdout.write(
                f"{gemeente.slug}: versie {version.content_hash[:12]} in gebruik"
            )
