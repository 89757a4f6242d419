# The two letters EAS drafts (the acknowledgement of a request, the decision on it), in the six
# official languages, as a note verbale of the United Nations Secretariat to the Permanent Mission:
# the form every language's diplomatic usage shares, and one that needs neither the gender of the
# Permanent Representative nor a title that changes. The English wording of 0024_letters14 and the
# French and Spanish of 0027_corr14 (from the Under-Secretary-General to the Permanent Representative)
# become the same note, unless an administrator has changed them since (then they are left as they
# are). Placeholders: LetterTemplate's docstring. Administrators edit every wording in the admin
# (Letter templates); the person drafting a letter edits its text.

from django.db import migrations

TYPES = (
    "{% if assistance_types %}{types}{% if period_start %}{start}{% endif %}{% if period_end %}{end}{% endif %}{stop}"
    "{% endif %}{% if scope %}{space}{{ scope }}{% endif %}{% if reason %}{space}{{ reason }}{% endif %}"
)


def _types(types, start, end, stop=".", space=" "):
    return (
        TYPES.replace("{types}", types)
        .replace("{start}", start)
        .replace("{end}", end)
        .replace("{stop}", stop)
        .replace("{space}", space)
    )


TEMPLATES = {
    "en": {
        "acknowledgement": (
            "Request for electoral assistance: {{ state }} ({{ reference }})",
            "The Secretariat of the United Nations presents its compliments to the Permanent Mission of {{ state }} "
            "to the United Nations and has the honour to acknowledge receipt of the letter dated {{ letter_date }}, "
            "received on {{ received_date }}, by which {{ requesting_authority }} requested electoral assistance "
            "from the United Nations.\n\n"
            "The request has been registered under the reference {{ reference }} and is being considered by the "
            "Focal Point for electoral assistance matters, in accordance with General Assembly resolution 62/150. "
            "The Permanent Mission will be informed of the decision taken on the request.\n\n"
            "The Secretariat of the United Nations avails itself of this opportunity to renew to the Permanent "
            "Mission of {{ state }} to the United Nations the assurances of its highest consideration.",
        ),
        "decision": (
            "Decision on the request for electoral assistance: {{ state }} ({{ reference }})",
            "The Secretariat of the United Nations presents its compliments to the Permanent Mission of {{ state }} "
            "to the United Nations and, with reference to the request for electoral assistance dated "
            "{{ letter_date }} (reference {{ reference }}), has the honour to inform the Permanent Mission that the "
            "Focal Point for electoral assistance matters has decided: {{ outcome }}.\n\n"
            + _types(
                "The assistance of the United Nations will comprise: {{ assistance_types }}",
                ", from {{ period_start }}",
                " until {{ period_end }}",
            )
            + "\n\nThe Secretariat of the United Nations avails itself of this opportunity to renew to the Permanent "
            "Mission of {{ state }} to the United Nations the assurances of its highest consideration.",
        ),
    },
    "fr": {
        "acknowledgement": (
            "Demande d’assistance électorale : {{ state }} ({{ reference }})",
            "Le Secrétariat de l’Organisation des Nations Unies présente ses compliments à la Mission permanente "
            "de {{ state }} auprès de l’Organisation des Nations Unies et a l’honneur d’accuser réception de la "
            "lettre datée du {{ letter_date }}, reçue le {{ received_date }}, par laquelle {{ requesting_authority }} "
            "a demandé l’assistance électorale de l’Organisation des Nations Unies.\n\n"
            "La demande a été enregistrée sous la référence {{ reference }} et est examinée par le Coordonnateur "
            "des activités d’assistance électorale de l’Organisation des Nations Unies, conformément à la "
            "résolution 62/150 de l’Assemblée générale. La Mission permanente sera informée de la décision prise "
            "au sujet de la demande.\n\n"
            "Le Secrétariat de l’Organisation des Nations Unies saisit cette occasion pour renouveler à la Mission "
            "permanente de {{ state }} auprès de l’Organisation des Nations Unies les assurances de sa très haute "
            "considération.",
        ),
        "decision": (
            "Décision concernant la demande d’assistance électorale : {{ state }} ({{ reference }})",
            "Le Secrétariat de l’Organisation des Nations Unies présente ses compliments à la Mission permanente "
            "de {{ state }} auprès de l’Organisation des Nations Unies et, se référant à la demande d’assistance "
            "électorale datée du {{ letter_date }} (référence {{ reference }}), a l’honneur de l’informer que le "
            "Coordonnateur des activités d’assistance électorale de l’Organisation des Nations Unies a pris la "
            "décision suivante : {{ outcome }}.\n\n"
            + _types(
                "L’assistance de l’Organisation des Nations Unies comprendra : {{ assistance_types }}",
                ", à compter du {{ period_start }}",
                ", jusqu’au {{ period_end }}",
            )
            + "\n\nLe Secrétariat de l’Organisation des Nations Unies saisit cette occasion pour renouveler à la "
            "Mission permanente de {{ state }} auprès de l’Organisation des Nations Unies les assurances de sa très "
            "haute considération.",
        ),
    },
    "es": {
        "acknowledgement": (
            "Solicitud de asistencia electoral: {{ state }} ({{ reference }})",
            "La Secretaría de las Naciones Unidas saluda atentamente a la Misión Permanente de {{ state }} ante las "
            "Naciones Unidas y tiene el honor de acusar recibo de la carta de fecha {{ letter_date }}, recibida el "
            "{{ received_date }}, por la que {{ requesting_authority }} solicitó asistencia electoral a las "
            "Naciones Unidas.\n\n"
            "La solicitud ha quedado registrada con la referencia {{ reference }} y está siendo examinada por el "
            "Coordinador de las Actividades de Asistencia Electoral de las Naciones Unidas, de conformidad con la "
            "resolución 62/150 de la Asamblea General. Se informará a la Misión Permanente de la decisión que se "
            "adopte sobre la solicitud.\n\n"
            "La Secretaría de las Naciones Unidas aprovecha la oportunidad para reiterar a la Misión Permanente de "
            "{{ state }} ante las Naciones Unidas el testimonio de su más alta consideración.",
        ),
        "decision": (
            "Decisión sobre la solicitud de asistencia electoral: {{ state }} ({{ reference }})",
            "La Secretaría de las Naciones Unidas saluda atentamente a la Misión Permanente de {{ state }} ante las "
            "Naciones Unidas y, en relación con la solicitud de asistencia electoral de fecha {{ letter_date }} "
            "(referencia {{ reference }}), tiene el honor de informarle de que el Coordinador de las Actividades de "
            "Asistencia Electoral de las Naciones Unidas ha adoptado la siguiente decisión: {{ outcome }}.\n\n"
            + _types(
                "La asistencia de las Naciones Unidas comprenderá: {{ assistance_types }}",
                ", a partir del {{ period_start }}",
                ", hasta el {{ period_end }}",
            )
            + "\n\nLa Secretaría de las Naciones Unidas aprovecha la oportunidad para reiterar a la Misión Permanente "
            "de {{ state }} ante las Naciones Unidas el testimonio de su más alta consideración.",
        ),
    },
    # The State's name follows "государства" in apposition, so that it stays in the nominative.
    "ru": {
        "acknowledgement": (
            "Просьба об оказании помощи в проведении выборов: {{ state }} ({{ reference }})",
            "Секретариат Организации Объединенных Наций свидетельствует свое уважение Постоянному представительству "
            "государства {{ state }} при Организации Объединенных Наций и имеет честь подтвердить получение письма "
            "от {{ letter_date }}, полученного {{ received_date }}, в котором {{ requesting_authority }} просит "
            "Организацию Объединенных Наций оказать помощь в проведении выборов.\n\n"
            "Просьба зарегистрирована под номером {{ reference }} и рассматривается Координатором Организации "
            "Объединенных Наций по вопросам помощи в проведении выборов в соответствии с резолюцией 62/150 "
            "Генеральной Ассамблеи. Постоянное представительство будет проинформировано о решении, принятом по "
            "этой просьбе.\n\n"
            "Секретариат Организации Объединенных Наций пользуется случаем, чтобы возобновить Постоянному "
            "представительству государства {{ state }} при Организации Объединенных Наций уверения в своем самом "
            "высоком уважении.",
        ),
        "decision": (
            "Решение по просьбе об оказании помощи в проведении выборов: {{ state }} ({{ reference }})",
            "Секретариат Организации Объединенных Наций свидетельствует свое уважение Постоянному представительству "
            "государства {{ state }} при Организации Объединенных Наций и, ссылаясь на просьбу об оказании помощи в "
            "проведении выборов от {{ letter_date }} (номер {{ reference }}), имеет честь сообщить, что Координатор "
            "Организации Объединенных Наций по вопросам помощи в проведении выборов принял следующее решение: "
            "{{ outcome }}.\n\n"
            + _types(
                "Помощь Организации Объединенных Наций будет включать: {{ assistance_types }}",
                ", начиная с {{ period_start }}",
                ", до {{ period_end }}",
            )
            + "\n\nСекретариат Организации Объединенных Наций пользуется случаем, чтобы возобновить Постоянному "
            "представительству государства {{ state }} при Организации Объединенных Наций уверения в своем самом "
            "высоком уважении.",
        ),
    },
    "ar": {
        "acknowledgement": (
            "طلب مساعدة انتخابية: {{ state }} ({{ reference }})",
            "تهدي الأمانة العامة للأمم المتحدة تحياتها إلى البعثة الدائمة لـ{{ state }} لدى الأمم المتحدة، وتتشرف "
            "بأن تؤكد تسلُّم الرسالة المؤرخة {{ letter_date }}، التي وردت في {{ received_date }}، والتي تتضمن طلبًا "
            "مقدَّمًا من {{ requesting_authority }} للحصول على مساعدة انتخابية من الأمم المتحدة.\n\n"
            "وقد سُجِّل الطلب تحت الرقم المرجعي {{ reference }}، وهو قيد النظر لدى منسق أنشطة المساعدة الانتخابية "
            "في الأمم المتحدة، وفقًا لقرار الجمعية العامة 62/150. وستُبلَّغ البعثة الدائمة بالقرار المتخذ بشأن "
            "الطلب.\n\n"
            "وتغتنم الأمانة العامة للأمم المتحدة هذه الفرصة لتعرب مجددًا للبعثة الدائمة لـ{{ state }} لدى الأمم "
            "المتحدة عن أسمى آيات تقديرها.",
        ),
        "decision": (
            "قرار بشأن طلب المساعدة الانتخابية: {{ state }} ({{ reference }})",
            "تهدي الأمانة العامة للأمم المتحدة تحياتها إلى البعثة الدائمة لـ{{ state }} لدى الأمم المتحدة، وتتشرف، "
            "بالإشارة إلى طلب المساعدة الانتخابية المؤرخ {{ letter_date }} (الرقم المرجعي {{ reference }})، بأن "
            "تحيطها علمًا بأن منسق أنشطة المساعدة الانتخابية في الأمم المتحدة قد اتخذ القرار التالي: "
            "{{ outcome }}.\n\n"
            + _types(
                "وستشمل مساعدة الأمم المتحدة ما يلي: {{ assistance_types }}",
                "، اعتبارًا من {{ period_start }}",
                "، حتى {{ period_end }}",
            )
            + "\n\nوتغتنم الأمانة العامة للأمم المتحدة هذه الفرصة لتعرب مجددًا للبعثة الدائمة لـ{{ state }} لدى "
            "الأمم المتحدة عن أسمى آيات تقديرها.",
        ),
    },
    "zh-hans": {
        "acknowledgement": (
            "选举援助请求：{{ state }}（{{ reference }}）",
            "联合国秘书处向{{ state }}常驻联合国代表团致意，并谨确认收到{{ requesting_authority }}"
            "{{ letter_date }}的来函（于{{ received_date }}收到），该函请求联合国提供选举援助。\n\n"
            "该请求已登记，编号为{{ reference }}，目前正由联合国选举援助活动协调人根据大会第62/150号决议进行审议。"
            "就该请求作出的决定将通知常驻代表团。\n\n"
            "联合国秘书处借此机会向{{ state }}常驻联合国代表团重申最崇高的敬意。",
        ),
        "decision": (
            "关于选举援助请求的决定：{{ state }}（{{ reference }}）",
            "联合国秘书处向{{ state }}常驻联合国代表团致意，并谨就{{ letter_date }}的选举援助请求"
            "（编号{{ reference }}）通知代表团，联合国选举援助活动协调人已作出如下决定：{{ outcome }}。\n\n"
            + _types(
                "联合国提供的援助将包括：{{ assistance_types }}",
                "，自{{ period_start }}起",
                "，至{{ period_end }}止",
                stop="。",
                space="",
            )
            + "\n\n联合国秘书处借此机会向{{ state }}常驻联合国代表团重申最崇高的敬意。",
        ),
    },
}

def _earlier_wordings():
    """(language, purpose) -> (subject, body) as the earlier migrations wrote them: 0024_letters14 the
    English, 0027_corr14 the French and the Spanish (to a Permanent Representative)."""
    from importlib import import_module

    english = import_module("requests_app.migrations.0024_letters14")
    corr = import_module("requests_app.migrations.0027_corr14")
    wordings = {
        ("en", "acknowledgement"): (english.ACKNOWLEDGEMENT_SUBJECT, english.ACKNOWLEDGEMENT_BODY),
        ("en", "decision"): (english.DECISION_SUBJECT, english.DECISION_BODY),
    }
    for purpose, language, subject, body in corr.TEMPLATES:
        wordings[(language, purpose)] = (subject, body)
    return wordings


def add_templates(apps, schema_editor):
    """Each letter in each language: created where there is none; an earlier migration's wording (0024's
    English, 0027_corr14's French and Spanish) rewritten as the note verbale unless an administrator has
    changed it since (then it is left as they wrote it)."""
    LetterTemplate = apps.get_model("requests_app", "LetterTemplate")
    earlier = _earlier_wordings()
    for language, letters in TEMPLATES.items():
        for purpose, (subject, body) in letters.items():
            template, created = LetterTemplate.objects.get_or_create(
                purpose=purpose, language=language, defaults={"subject": subject, "body": body}
            )
            if not created and (template.subject, template.body) == earlier.get((language, purpose)):
                template.subject, template.body = subject, body
                template.save(update_fields=["subject", "body"])


def remove_templates(apps, schema_editor):
    """Back to the earlier migrations' wordings (0024's English, 0027_corr14's French and Spanish) and no
    other language, where nobody has changed the wording since."""
    LetterTemplate = apps.get_model("requests_app", "LetterTemplate")
    earlier = _earlier_wordings()
    for language, letters in TEMPLATES.items():
        for purpose, (subject, body) in letters.items():
            rows = LetterTemplate.objects.filter(purpose=purpose, language=language, subject=subject, body=body)
            before = earlier.get((language, purpose))
            if before is None:
                rows.delete()
            else:
                rows.update(subject=before[0], body=before[1])


class Migration(migrations.Migration):

    dependencies = [
        ("requests_app", "0028_preferences15"),
    ]

    operations = [
        migrations.RunPython(add_templates, remove_templates),
    ]
