from django.core.management.base import BaseCommand, CommandError

from webui.definitions.services import DeployRefused, base_register


class Command(BaseCommand):
    help = (
        "Register workflows/base/ and forms/definitions/ as a new base version when"
        " they changed. No gemeente's process changes until it deploys."
    )

    def handle(self, *args, **options):
        try:
            version, created = base_register()
        except DeployRefused as exc:
            for finding in exc.findings:
                self.stderr.write(str(finding))
            raise CommandError(exc.message) from exc
        if created:
            self.stdout.write(f"Basisversie v{version.number} geregistreerd.")
        else:
            self.stdout.write(f"Basisversie v{version.number} is ongewijzigd.")
