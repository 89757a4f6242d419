"""Member States with their regional groups, and the types of assistance."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionalGroup(models.TextChoices):
    AFRICAN = "AFRICAN", _("African States")
    ASIA_PACIFIC = "ASIA_PACIFIC", _("Asia-Pacific States")
    EASTERN_EUROPEAN = "EASTERN_EUROPEAN", _("Eastern European States")
    LATIN_AMERICAN_CARIBBEAN = "LATIN_AMERICAN_CARIBBEAN", _("Latin American and Caribbean States")
    WESTERN_EUROPEAN_OTHERS = "WESTERN_EUROPEAN_OTHERS", _("Western European and other States")


class MemberState(models.Model):
    iso3 = models.CharField(_("ISO code"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    regional_group = models.CharField(_("regional group"), max_length=32, choices=RegionalGroup.choices, db_index=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Member State")
        verbose_name_plural = _("Member States")

    def __str__(self):
        return self.name


class AssistanceType(models.Model):
    class Category(models.TextChoices):
        TECHNICAL = "technical", _("Technical assistance")
        EXPERT_PANEL = "expert_panel", _("Expert panel")
        OBSERVER_SUPPORT = "observer_support", _("Support to observers")
        SITUATION_ROOM = "situation_room", _("Election situation room")
        MANDATED = "mandated", _("Mandated by the Security Council or General Assembly")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    requires_mandate = models.BooleanField(
        _("requires a mandate"),
        default=False,
        help_text=_("Observation, supervision and certification need a Security Council or General Assembly mandate."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("type of assistance")
        verbose_name_plural = _("types of assistance")

    def __str__(self):
        return self.name
