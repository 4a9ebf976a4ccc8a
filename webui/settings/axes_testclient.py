"""For the test settings only: django-axes as in production, except for the test
client's ``login()``.

``Client.login()`` authenticates without a request, which AxesStandaloneBackend refuses
with an exception. Those logins are the test's own set-up, not attempts to guess a
password; every login through the login page (with a request) is checked as in
production.
"""

from axes.backends import AxesStandaloneBackend


class AxesTestClientBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(
            request, username=username, password=password, **kwargs
        )
