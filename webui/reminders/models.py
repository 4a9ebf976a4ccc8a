from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DigestSent(models.Model):
    """One user's daily digest for one day: queued, then sent (or found empty). The
    row makes the digest go once a day, however often the command runs."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests"
    )
    date = models.DateField(_("datum"))
    queued_at = models.DateTimeField(_("klaargezet"))
    # Set when the worker took it; empty while it waits.
    sent_at = models.DateTimeField(_("verwerkt"), null=True, blank=True)
    # How many tasks the e-mail listed; 0: nothing to report, no e-mail.
    tasks = models.PositiveIntegerField(_("taken"), default=0)

    class Meta:
        verbose_name = _("dagelijkse e-mail")
        verbose_name_plural = _("dagelijkse e-mails")
        ordering = ["-date", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "date"], name="one_digest_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.date}"
