from django.core.management.base import BaseCommand, CommandError

from webui.accounts.models import Gemeente
from webui.casework.selectors import cases_for_migration
from webui.casework.services import case_migrate, case_move_preview
from webui.definitions.models import DefinitionVersion
from webui.definitions.services import active_version


class Command(BaseCommand):
    help = (
        "Move a gemeente's running cases to another version (each in its own"
        " transaction, revertible); one line per case. --dry-run only says which"
        " could move and why not."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", metavar="SLUG")
        parser.add_argument(
            "--to", required=True, help="'latest' (the version in use) or a number."
        )
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--case", action="append", default=[], metavar="REF")

    def _target(self, gemeente: Gemeente, to: str) -> DefinitionVersion:
        if to == "latest":
            target = active_version(gemeente)
        elif to.isdigit():
            target = gemeente.definition_versions.filter(number=int(to)).first()
        else:
            raise CommandError("--to is 'latest' of een versienummer")
        if target is None:
            raise CommandError(f"{gemeente.slug} heeft geen versie {to}")
        return target

    def handle(self, *args, slug: str, to: str, dry_run: bool, case: list, **opts):
        gemeente = Gemeente.objects.filter(slug=slug).first()
        if gemeente is None:
            raise CommandError(f"Onbekende gemeente: {slug}")
        target = self._target(gemeente, to)
        cases = cases_for_migration(gemeente=gemeente, references=case or None)
        missing = set(case) - set(cases.values_list("reference", flat=True))
        for reference in sorted(missing):
            self.stdout.write(f"{reference}: niet gevonden (of afgesloten)")
        moved = 0
        for item in cases:
            if dry_run:
                result = case_move_preview(case=item, target=target)
                verb = "kan naar"
            else:
                result = case_migrate(case_id=item.pk, target=target, user=None)
                verb = "verplaatst naar"
            if result.ok:
                moved += 1
                notes = f" ({'; '.join(result.changes)})" if result.changes else ""
                self.stdout.write(f"{item.reference}: {verb} {target.label}{notes}")
            else:
                self.stdout.write(
                    f"{item.reference}: blijft op {item.version.label}:"
                    f" {'; '.join(result.reasons)}"
                )
        summary = "kunnen" if dry_run else "zijn"
        self.stderr.write(f"{moved} van {cases.count()} dossier(s) {summary} mee.")
