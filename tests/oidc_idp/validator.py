from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator

# A person in this group signed in with more than a password: the ID token says so
# (amr), as a gemeente's provider does after its own second factor.
MFA_GROUP = "mfa"


class Validator(OAuth2Validator):
    # Every claim below goes into the ID token and the userinfo, whatever the scope.
    oidc_claim_scope = None

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        user = request.user
        groups = sorted(user.groups.values_list("name", flat=True))
        claims: dict[str, Any] = {
            "preferred_username": user.username,
            "email": user.email,
            "given_name": user.first_name,
            "family_name": user.last_name,
            "groups": [g for g in groups if g != MFA_GROUP],
        }
        if MFA_GROUP in groups:
            claims["amr"] = ["pwd", "otp"]
        return claims
