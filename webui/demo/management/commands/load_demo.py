from django.core.management.base import BaseCommand

from webui.demo.seed import DEMO_PASSWORD, USERS, load_demo


class Command(BaseCommand):
    help = "Load the synthetic demo data (once) and print the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=40)

    def handle(self, *args, cases: int, **options):
        created = load_demo(cases=cases)
        if created:
            self.stdout.write(f"Demo geladen: {created} fictieve dossiers.")
        else:
            self.stdout.write("Demo-gegevens staan er al.")
        self.stdout.write(
            f"\nDemo-accounts (wachtwoord voor allemaal: {DEMO_PASSWORD}):"
        )
        for user in USERS:
            roles = ", ".join(f"{role} in {slug}" for slug, role in user.roles)
            self.stdout.write(f"  {user.username:26} {roles}")
        self.stdout.write(
            f"  {'beheerder':26} functioneel beheerder: processen en Gebruikers"
        )
        self.stdout.write(
            "\nmanager, privacy en beheerder loggen in met een code uit een"
            " authenticator-app: bij de eerste keer toont Wegwijs een QR-code om te"
            " scannen (zie README.md, Demo accounts)."
        )
        self.stdout.write("\nOpen http://127.0.0.1:8000/ en log in.\n")
