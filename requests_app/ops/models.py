"""The lease that lets one beat schedule the periodic tasks, when the broker is not Redis."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BeatLease(models.Model):
    """Which beat holds the lock, until when, and when it last said it was alive.

    With a Redis broker the lock and the heartbeat live in Redis (ops.leases.RedisLease); this
    row is the database's equivalent (ops.leases.DatabaseLease), e.g. under `make run`'s SQLite.
    A holder renews it before it expires; a beat that dies stops renewing it, and once it has
    expired another beat takes it.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    holder = models.CharField(_("holder"), max_length=200, help_text=_("host:process:random of the beat"))
    expires_at = models.DateTimeField(_("expires at"))
    heartbeat_at = models.DateTimeField(_("last heartbeat"))

    class Meta:
        verbose_name = _("beat lease")
        verbose_name_plural = _("beat leases")

    def __str__(self):
        return f"{self.name}: {self.holder}"
