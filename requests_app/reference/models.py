"""Countries and territories with their status and region, and the United Nations' typology of assistance.

The model keeps its first name, MemberState, and cases their field ``member_state``: every domain
reads them. A row is a Member State, one of the two observer States, or a territory that has
received or may receive electoral assistance (``status``).
"""

from django.conf import settings
from django.db import models
from django.db.models import CharField, Expression, F, Q
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language, gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from requests_app.core.types import StrOrPromise


class RegionalGroup(models.TextChoices):
    AFRICAN = "AFRICAN", _("African States")
    ASIA_PACIFIC = "ASIA_PACIFIC", _("Asia-Pacific States")
    EASTERN_EUROPEAN = "EASTERN_EUROPEAN", _("Eastern European States")
    LATIN_AMERICAN_CARIBBEAN = "LATIN_AMERICAN_CARIBBEAN", _("Latin American and Caribbean States")
    WESTERN_EUROPEAN_OTHERS = "WESTERN_EUROPEAN_OTHERS", _("Western European and other States")


class CountryStatus(models.TextChoices):
    MEMBER_STATE = "member_state", _("Member State")
    OBSERVER_STATE = "observer_state", _("Observer State")
    TERRITORY = "territory", _("Territory")


class UnLanguage(models.TextChoices):
    """The six official languages of the United Nations, in which the unit writes to a State."""

    ARABIC = "ar", _("Arabic")
    CHINESE = "zh-hans", _("Chinese")
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    RUSSIAN = "ru", _("Russian")
    SPANISH = "es", _("Spanish")


STATUS_AFTER_NAME: dict[str, StrOrPromise] = {
    CountryStatus.OBSERVER_STATE: _("observer State"),
    CountryStatus.TERRITORY: _("territory"),
}


class MemberState(models.Model):
    """A country or territory that can be assisted.

    ``regional_group`` is the region every desk, filter and count uses. For a Member State it is
    its regional group. The groups are groups of Member States (and the State of Palestine sits in
    the Asia-Pacific Group): for the Holy See and the territories it is the group of the Member
    States of their region, and ``in_regional_group`` is false, so that no page calls them members.
    """

    iso3 = models.CharField(
        _("code"),
        max_length=3,
        unique=True,
        help_text=_("ISO 3166 three-letter code; XKX for Kosovo, which has none."),
    )
    name = models.CharField(_("name"), max_length=100, unique=True)
    # Its short name in each official language of the United Nations, by language code ("ar", "zh-hans",
    # ...; "en" is ``name``): data/country_names.json, made by tools/country_names.py (migration 0026).
    names = models.JSONField(
        _("names in the six languages"),
        default=dict,
        blank=True,
        help_text=_("Its name in each official language of the United Nations, by language code."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=CountryStatus.choices, default=CountryStatus.MEMBER_STATE, db_index=True
    )
    regional_group = models.CharField(
        _("region"),
        max_length=32,
        choices=RegionalGroup.choices,
        db_index=True,
        help_text=_(
            "A Member State's regional group; for an observer State or a territory, the group of its region, "
            "whose desk handles it."
        ),
    )
    in_regional_group = models.BooleanField(
        _("member of the regional group"),
        default=True,
        help_text=_("No for the Holy See and the territories: their region is geographical."),
    )
    administering_power = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="territories",
        limit_choices_to={"status": CountryStatus.MEMBER_STATE},
        verbose_name=_("administering Power"),
        help_text=_("For a Non-Self-Governing Territory: the Member State that administers it."),
    )
    un_basis = models.CharField(
        _("United Nations basis"),
        max_length=300,
        blank=True,
        help_text=_(
            "For an observer State or a territory, the United Nations text that places it, e.g. "
            "Security Council resolution 1244 (1999)."
        ),
    )
    correspondence_language = models.CharField(
        _("language of correspondence"),
        max_length=8,
        choices=UnLanguage.choices,
        blank=True,
        help_text=_(
            "The official language in which the State usually writes to the United Nations and is answered: "
            "its letters and the letters drafted for it default to it. Empty: English."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("country or territory")
        verbose_name_plural = _("countries and territories")
        constraints = [
            models.CheckConstraint(
                condition=Q(administering_power__isnull=True) | Q(status=CountryStatus.TERRITORY),
                name="country_only_territory_administered",
                violation_error_message=_("Only a territory has an administering Power."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=CountryStatus.values),
                name="country_status_known",
                violation_error_message=_("Choose a status: Member State, observer State or territory."),
            ),
        ]

    def __str__(self):
        # Where a country is named by itself (the admin, its autocomplete), a non-member says what it is.
        if self.status in STATUS_AFTER_NAME:
            return f"{self.local_name} ({STATUS_AFTER_NAME[self.status]})"
        return self.local_name

    def name_in(self, language):
        """Its name in a language of EAS ("fr", "zh-hans"); the English name when it has none there."""
        return name_in(self.name, self.names, language)

    @property
    def local_name(self):
        """Its name in the language of the page, the email or the file being made."""
        return self.name_in(get_language())

    @property
    def letter_language(self):
        """The language its letters are in unless someone chooses another: its own, else English."""
        return self.correspondence_language or UnLanguage.ENGLISH

    @property
    def is_member_state(self):
        return self.status == CountryStatus.MEMBER_STATE

    @property
    def region_label(self):
        """Its region as a page names it: a non-member's group is only its region's."""
        label = self.get_regional_group_display()
        if self.in_regional_group:
            return label
        return gettext("%(group)s (by geography)") % {"group": label}

    @property
    def status_text(self):
        """Its status in a few words: Member State; Territory, administered by France."""
        if self.administering_power is None:
            return str(self.get_status_display())
        return gettext("%(status)s, administered by %(power)s") % {
            "status": self.get_status_display(),
            "power": self.administering_power.local_name,
        }


def name_in(english, names, language):
    """A country's name in ``language`` from its ``names``, its English name when that has none."""
    language = language or settings.LANGUAGE_CODE
    if not names or language == "en":
        return english
    return names.get(language) or names.get(language.split("-")[0]) or english


class LocalName(Expression):
    """A country's name in the language active when the query is made, for ORDER BY: the English
    column in English, else the language's key of ``names``. ``path`` reaches the country from the
    model queried ("member_state__"). Resolved late, so an admin column's ordering, set once, still
    sorts each request in its reader's language."""

    output_field = CharField()

    def __init__(self, path=""):
        super().__init__(output_field=CharField())
        self.path = path

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        language = get_language() or settings.LANGUAGE_CODE
        english = F(f"{self.path}name")
        if language == "en":
            return english.resolve_expression(query, allow_joins, reuse, summarize, for_save)
        text = CharField()
        given = NullIf(KeyTextTransform(language, f"{self.path}names"), models.Value(""), output_field=text)
        local = Coalesce(given, english, output_field=text)
        return local.resolve_expression(query, allow_joins, reuse, summarize, for_save)


# The typology's names as data/assistance_types.csv words them, marked here for the translation
# catalogues: a type is shown in the reader's language by its name's translation (a name edited in
# the admin, which no catalogue holds, is shown as edited). tests/reference checks both lists agree.
TYPOLOGY_NAMES = [
    gettext_noop("Electoral administration and planning"),
    gettext_noop("Legal framework"),
    gettext_noop("Boundary delimitation"),
    gettext_noop("Voter registration"),
    gettext_noop("Budgeting and procurement"),
    gettext_noop("Electoral technology"),
    gettext_noop("Voting and counting operations"),
    gettext_noop("Results management"),
    gettext_noop("Voter and civic education"),
    gettext_noop("Training"),
    gettext_noop("Electoral dispute resolution"),
    gettext_noop("Electoral security"),
    gettext_noop("Women's participation and inclusion"),
    gettext_noop("Media"),
    gettext_noop("Donor coordination"),
    gettext_noop("Support to domestic observers"),
    gettext_noop("Coordination of international observers"),
    gettext_noop("Expert panels"),
    gettext_noop("Organization and conduct of elections"),
    gettext_noop("Supervision"),
    gettext_noop("Certification"),
    gettext_noop("Observation"),
]


class AssistanceType(models.Model):
    """A type of assistance in the United Nations' typology: a technical area, support to domestic
    observers, coordination of international observers, an expert panel, or one of the types given
    only on a Security Council or General Assembly mandate (``requires_mandate``)."""

    class Category(models.TextChoices):
        TECHNICAL = "technical", _("Technical assistance")
        DOMESTIC_OBSERVERS = "domestic_observers", _("Support to domestic observers")
        INTERNATIONAL_OBSERVERS = "intl_observers", _("Coordination of international observers")
        EXPERT_PANEL = "expert_panel", _("Expert panels")
        MANDATED = "mandated", _("Only on a Security Council or General Assembly mandate")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    requires_mandate = models.BooleanField(
        _("requires a mandate"),
        default=False,
        help_text=_(
            "Organization and conduct of elections, supervision, certification and observation need a "
            "Security Council or General Assembly mandate."
        ),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("type of assistance")
        verbose_name_plural = _("types of assistance")

    def __str__(self):
        return self.local_name

    @property
    def local_name(self):
        """Its name in the language of the page (the catalogue's translation of the typology's name)."""
        return gettext(self.name)
