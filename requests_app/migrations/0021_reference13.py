"""Countries and territories; the United Nations' typology of assistance.

Countries: the 193 rows already there are the Member States (``status``) and keep their ids; the two
observer States and the territories that have received or may receive electoral assistance are
added from data/observers_and_territories.csv: the 17 Non-Self-Governing Territories and Kosovo
under Security Council resolution 1244 (1999). A territory's region is the regional group of the
Member States of its region, as the Special Committee on Decolonization groups the territories
(Africa; Atlantic and Caribbean: Latin America and the Caribbean; Europe; Pacific: Asia-Pacific);
Kosovo's is Eastern European, the Holy See's Western European and other, by their neighbours.

Types: brought to data/assistance_types.csv. A type whose concept goes on keeps its row, id and
code under its United Nations name. Two types are not United Nations types and are mapped, on
every request, decision and expert that named them, to the closest one (MAPPED), then removed:
each case affected gets an entry in its history saying what was mapped and why (what the desk
officer reads on the case page), each expert a line in their notes; any other many-to-many link to
the types (a domain added later) is moved too. Reversible: the entries and notes say what to put back.
"""

import csv
from pathlib import Path

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone

DATA = Path(__file__).resolve().parent.parent / "data"
ACTION = "assistance_type_mapped"

# Old code -> (the closest United Nations type, why).
MAPPED = {
    # Election situation rooms the United Nations supports are mostly run by citizen observer groups
    # and civil society (women's situation rooms, election observation networks) to watch polling and
    # report incidents: support to domestic observers. An electoral body's own results centre would be
    # results management, but the rooms the demo and the cases name are the civil-society ones.
    "situation-room": (
        "national-observers",
        "Election situation rooms are mostly run by citizen observer groups and civil society to watch "
        "polling and report incidents: the closest United Nations type is support to domestic observers.",
    ),
    # Moving and setting up polling materials is part of the operations of voting and counting.
    "logistics": (
        "voting-counting",
        "Electoral logistics (materials and polling stations) is part of voting and counting operations "
        "in the United Nations' typology.",
    ),
}

# The types as 0002 loaded them, to put back when the migration is reversed.
OLD_TYPES = [
    ("legal-framework", "Legal framework", "technical", False),
    ("voter-registration", "Voter registration", "technical", False),
    ("logistics", "Electoral logistics", "technical", False),
    ("procurement", "Procurement", "technical", False),
    ("training", "Training of electoral staff", "technical", False),
    ("civic-education", "Civic and voter education", "technical", False),
    ("results-management", "Results management", "technical", False),
    ("dispute-resolution", "Electoral dispute resolution", "technical", False),
    ("electoral-security", "Electoral security", "technical", False),
    ("donor-coordination", "Donor coordination", "technical", False),
    ("expert-panel", "Expert panel", "expert_panel", False),
    ("national-observers", "Support to national observers", "observer_support", False),
    ("international-observers", "Support to international observers", "observer_support", False),
    ("situation-room", "Election situation room", "situation_room", False),
    ("observation", "Observation", "mandated", True),
    ("supervision", "Supervision", "mandated", True),
    ("certification", "Certification", "mandated", True),
]


def _checks_now(schema_editor):
    """PostgreSQL checks foreign keys at commit: rows deleted here would leave it "pending trigger
    events", and the schema changes after them in this migration would fail. Check each at once."""
    if schema_editor is not None and schema_editor.connection.vendor == "postgresql":  # None: called by a test
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _rows(name):
    with open(DATA / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# Countries ----------------------------------------------------------------------------------


def add_countries(apps, schema_editor):
    _checks_now(schema_editor)
    MemberState = apps.get_model("requests_app", "MemberState")
    for row in _rows("observers_and_territories.csv"):
        power = row["administering_power"]
        MemberState.objects.update_or_create(
            iso3=row["iso3"],
            defaults={
                "name": row["name"],
                "status": row["status"],
                "regional_group": row["regional_group"],
                "in_regional_group": row["in_regional_group"] == "1",
                "administering_power": MemberState.objects.get(iso3=power) if power else None,
                "un_basis": row["un_basis"],
            },
        )


def remove_countries(apps, schema_editor):
    # A case, expert or partner of one of them protects it: the reversal stops rather than lose it.
    _checks_now(schema_editor)
    MemberState = apps.get_model("requests_app", "MemberState")
    MemberState.objects.filter(iso3__in=[row["iso3"] for row in _rows("observers_and_territories.csv")]).delete()


# Types --------------------------------------------------------------------------------------


def adopt_typology(apps, schema_editor):
    _checks_now(schema_editor)
    AssistanceType = apps.get_model("requests_app", "AssistanceType")
    for position, row in enumerate(_rows("assistance_types.csv"), start=1):
        AssistanceType.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "category": row["category"],
                "requires_mandate": row["requires_mandate"] == "1",
                "position": position,
            },
        )
    for old_code, (new_code, why) in MAPPED.items():
        old = AssistanceType.objects.filter(code=old_code).first()
        if old is not None:
            _map_type(apps, old, AssistanceType.objects.get(code=new_code), why)
            old.delete()


def _map_type(apps, old, new, why):
    """Every link to ``old`` goes to ``new``: cases with a history entry, experts with a note."""
    cases = _map_cases(apps, old, new)
    for case_id, mapping in cases.items():
        _record(apps, case_id, old, new, why, mapping)
    _map_experts(apps, old, new)
    for field in _other_links(apps):
        _move_links(field, old, new)


def _move_links(field, old, new):
    """The links of one many-to-many field from ``old`` to ``new``: {owner id: whether new was added}."""
    through = field.remote_field.through
    owner, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    moved = {}
    for link in through.objects.filter(**{target: old.pk}):
        owner_id = getattr(link, f"{owner}_id")
        has_new = through.objects.filter(**{owner: owner_id, target: new.pk}).exists()
        if has_new:
            link.delete()
        else:
            setattr(link, f"{target}_id", new.pk)
            link.save()
        moved[owner_id] = not has_new
    return moved


def _map_cases(apps, old, new):
    """{case id: what was moved}, for the requests and the decisions that named ``old``."""
    AssistanceRequest = apps.get_model("requests_app", "AssistanceRequest")
    Decision = apps.get_model("requests_app", "Decision")
    cases = {}
    requested = _move_links(AssistanceRequest._meta.get_field("requested_types"), old, new)
    for case_id, added in requested.items():
        cases[case_id] = {"requested": True, "requested_added": added, "decisions": [], "decisions_added": []}
    decided = _move_links(Decision._meta.get_field("assistance_types"), old, new)
    for decision_id, case_id in Decision.objects.filter(pk__in=decided).values_list("pk", "case_id"):
        mapping = cases.setdefault(
            case_id, {"requested": False, "requested_added": False, "decisions": [], "decisions_added": []}
        )
        mapping["decisions"].append(decision_id)
        if decided[decision_id]:
            mapping["decisions_added"].append(decision_id)
    return cases


def _record(apps, case_id, old, new, why, mapping):
    Decision = apps.get_model("requests_app", "Decision")
    CaseEvent = apps.get_model("requests_app", "CaseEvent")
    moments = Decision.objects.filter(pk__in=mapping["decisions"]).values_list("decided_at", flat=True)
    days = [_day(moment) for moment in sorted(moments)]
    where = ["the request"] if mapping["requested"] else []
    if days:
        where.append(("the decision of " if len(days) == 1 else "the decisions of ") + " and ".join(days))
    verb = "names" if len(where) == 1 and len(days) <= 1 else "name"
    CaseEvent.objects.create(
        case_id=case_id,
        actor=None,
        action=ACTION,
        comment=(
            f"“{old.name}” is not a type of assistance in the United Nations' typology: "
            f"{' and '.join(where)} now {verb} “{new.name}” in its place. {why}"
        ),
        details={
            "type_was": old.name,
            "type_now": new.name,
            "mapping": {"code_was": old.code, "code_now": new.code, **mapping},
        },
        created_at=timezone.now(),
    )


def _day(moment):
    local = timezone.localtime(moment)
    return f"{local.day} {local:%b %Y}"


def _note_start(old):
    return f"EAS: “{old.name}” is not a United Nations type of assistance; "


def _note(old, new, added):
    if added:
        return f"{_note_start(old)}recorded as “{new.name}”."
    return f"{_note_start(old)}“{new.name}” was already listed."


def _map_experts(apps, old, new):
    Expert = apps.get_model("requests_app", "Expert")
    for expert_id, added in _move_links(Expert._meta.get_field("expertise"), old, new).items():
        expert = Expert.objects.get(pk=expert_id)
        expert.notes = "\n".join(filter(None, [expert.notes.rstrip(), _note(old, new, added)]))
        expert.save(update_fields=["notes"])


def _other_links(apps):
    """The many-to-many fields to the types other than the requests', decisions' and experts'."""
    AssistanceType = apps.get_model("requests_app", "AssistanceType")
    known = {("assistancerequest", "requested_types"), ("decision", "assistance_types"), ("expert", "expertise")}
    for model in apps.get_models():
        for field in model._meta.local_many_to_many:
            if field.related_model is AssistanceType and (model._meta.model_name, field.name) not in known:
                yield field


def restore_types(apps, schema_editor):
    """The types as they were; the mapped ones put back where the history entries and notes say."""
    _checks_now(schema_editor)
    AssistanceType = apps.get_model("requests_app", "AssistanceType")
    for position, (code, name, category, requires_mandate) in enumerate(OLD_TYPES, start=1):
        AssistanceType.objects.update_or_create(
            code=code,
            defaults={"name": name, "category": category, "requires_mandate": requires_mandate, "position": position},
        )
    _restore_cases(apps)
    _restore_experts(apps)
    # The new types stay where something names them (removing them would drop those links).
    old_codes = [code for code, *_rest in OLD_TYPES]
    for extra in AssistanceType.objects.exclude(code__in=old_codes):
        if not (extra.requests.exists() or extra.decisions.exists() or extra.experts.exists()):
            extra.delete()


def _restore_cases(apps):
    AssistanceType = apps.get_model("requests_app", "AssistanceType")
    AssistanceRequest = apps.get_model("requests_app", "AssistanceRequest")
    Decision = apps.get_model("requests_app", "Decision")
    CaseEvent = apps.get_model("requests_app", "CaseEvent")
    for event in CaseEvent.objects.filter(action=ACTION):
        mapping = event.details["mapping"]
        old = AssistanceType.objects.get(code=mapping["code_was"])
        new = AssistanceType.objects.filter(code=mapping["code_now"]).first()
        if mapping["requested"]:
            case = AssistanceRequest.objects.get(pk=event.case_id)
            case.requested_types.add(old)
            if mapping["requested_added"] and new is not None:
                case.requested_types.remove(new)
        for decision in Decision.objects.filter(pk__in=mapping["decisions"]):
            decision.assistance_types.add(old)
            if decision.pk in mapping["decisions_added"] and new is not None:
                decision.assistance_types.remove(new)
        event.delete()


def _restore_experts(apps):
    AssistanceType = apps.get_model("requests_app", "AssistanceType")
    Expert = apps.get_model("requests_app", "Expert")
    for old_code, (new_code, _why) in MAPPED.items():
        old, new = AssistanceType.objects.get(code=old_code), AssistanceType.objects.filter(code=new_code).first()
        start = _note_start(old)
        for expert in Expert.objects.filter(notes__contains=start):
            lines = expert.notes.split("\n")
            expert.expertise.add(old)
            if new is not None and any(line.startswith(start + "recorded as") for line in lines):
                expert.expertise.remove(new)
            expert.notes = "\n".join(line for line in lines if not line.startswith(start))
            expert.save(update_fields=["notes"])


class Migration(migrations.Migration):

    dependencies = [
        ('requests_app', '0020_letters13'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='memberstate',
            options={'ordering': ['name'], 'verbose_name': 'country or territory', 'verbose_name_plural': 'countries and territories'},
        ),
        migrations.AddField(
            model_name='memberstate',
            name='administering_power',
            field=models.ForeignKey(blank=True, help_text='For a Non-Self-Governing Territory: the Member State that administers it.', limit_choices_to={'status': 'member_state'}, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='territories', to='requests_app.memberstate', verbose_name='administering Power'),
        ),
        migrations.AddField(
            model_name='memberstate',
            name='in_regional_group',
            field=models.BooleanField(default=True, help_text='No for the Holy See and the territories: their region is geographical.', verbose_name='member of the regional group'),
        ),
        migrations.AddField(
            model_name='memberstate',
            name='status',
            field=models.CharField(choices=[('member_state', 'Member State'), ('observer_state', 'Observer State'), ('territory', 'Territory')], db_index=True, default='member_state', max_length=16, verbose_name='status'),
        ),
        migrations.AddField(
            model_name='memberstate',
            name='un_basis',
            field=models.CharField(blank=True, help_text='For an observer State or a territory, the United Nations text that places it, e.g. Security Council resolution 1244 (1999).', max_length=300, verbose_name='United Nations basis'),
        ),
        migrations.AlterField(
            model_name='assistancerequest',
            name='member_state',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='requests_app.memberstate', verbose_name='country or territory'),
        ),
        migrations.AlterField(
            model_name='assistancetype',
            name='category',
            field=models.CharField(choices=[('technical', 'Technical assistance'), ('domestic_observers', 'Support to domestic observers'), ('intl_observers', 'Coordination of international observers'), ('expert_panel', 'Expert panels'), ('mandated', 'Only on a Security Council or General Assembly mandate')], max_length=20, verbose_name='category'),
        ),
        migrations.AlterField(
            model_name='assistancetype',
            name='requires_mandate',
            field=models.BooleanField(default=False, help_text='Organization and conduct of elections, supervision, certification and observation need a Security Council or General Assembly mandate.', verbose_name='requires a mandate'),
        ),
        migrations.AlterField(
            model_name='memberstate',
            name='iso3',
            field=models.CharField(help_text='ISO 3166 three-letter code; XKX for Kosovo, which has none.', max_length=3, unique=True, verbose_name='code'),
        ),
        migrations.AlterField(
            model_name='memberstate',
            name='regional_group',
            field=models.CharField(choices=[('AFRICAN', 'African States'), ('ASIA_PACIFIC', 'Asia-Pacific States'), ('EASTERN_EUROPEAN', 'Eastern European States'), ('LATIN_AMERICAN_CARIBBEAN', 'Latin American and Caribbean States'), ('WESTERN_EUROPEAN_OTHERS', 'Western European and other States')], db_index=True, help_text="A Member State's regional group; for an observer State or a territory, the group of its region, whose desk handles it.", max_length=32, verbose_name='region'),
        ),
        migrations.AddConstraint(
            model_name='memberstate',
            constraint=models.CheckConstraint(condition=models.Q(('administering_power__isnull', True), ('status', 'territory'), _connector='OR'), name='country_only_territory_administered', violation_error_message='Only a territory has an administering Power.'),
        ),
        migrations.AddConstraint(
            model_name='memberstate',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['member_state', 'observer_state', 'territory'])), name='country_status_known', violation_error_message='Choose a status: Member State, observer State or territory.'),
        ),
        migrations.RunPython(add_countries, remove_countries),
        migrations.RunPython(adopt_typology, restore_types),
    ]
