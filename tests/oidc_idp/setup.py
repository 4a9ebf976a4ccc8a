"""Set up the test provider's database from a JSON document on standard input: the
client (Wegwijs) and the people with their groups. Run in the provider's own
settings: ``python -m tests.oidc_idp.setup < spec.json``."""

import json
import sys

import django


def main() -> None:
    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command

    from oauth2_provider.models import Application

    spec = json.load(sys.stdin)
    if spec.get("migrate"):
        call_command("migrate", verbosity=0, interactive=False)
    client = spec.get("client")
    if client:
        Application.objects.filter(client_id=client["client_id"]).delete()
        Application.objects.create(
            name="Wegwijs",
            client_id=client["client_id"],
            client_secret=client["client_secret"],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=client["redirect_uri"],
            post_logout_redirect_uris=client.get("post_logout_redirect_uri", ""),
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )
    for person in spec.get("users", []):
        user, _ = User.objects.get_or_create(username=person["username"])
        user.email = person.get("email", "")
        user.first_name = person.get("first_name", "")
        user.last_name = person.get("last_name", "")
        user.set_password(person["password"])
        user.save()
        user.groups.set(
            [Group.objects.get_or_create(name=g)[0] for g in person.get("groups", [])]
        )


if __name__ == "__main__":
    main()
