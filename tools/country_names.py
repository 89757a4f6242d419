"""Write requests_app/data/country_names.json: each country and territory of EAS named in the six
official languages of the United Nations.

Run once, and again only to correct a name (README, "Languages"):

    .venv/bin/python -m tools.country_names

The names come from the Unicode CLDR (through babel, pinned in requirements.txt), keyed by the
three-letter code EAS keeps (CLDR's alpha-3 aliases give the two-letter code it names territories
by). The English name is EAS's own (requests_app/data/*.csv, already the United Nations' short
name). Where the United Nations' short name differs from CLDR's (Bolivia (Plurinational State of),
Iran (Islamic Republic of), Viet Nam, Côte d'Ivoire...), UN_NAMES below gives it as the United
Nations' terminology (UNTERM, the Terminology Bulletin on country names) writes it in each
language; those win over CLDR.
"""

import csv
import json
import sys
from pathlib import Path

from babel import Locale
from babel.core import get_global

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "requests_app" / "data"
TARGET = DATA / "country_names.json"
SOURCES = ("member_states.csv", "observers_and_territories.csv")
# The language codes of settings.LANGUAGES, and the CLDR locale of each.
LANGUAGES = {"ar": "ar", "zh-hans": "zh_Hans", "en": "en", "fr": "fr", "ru": "ru", "es": "es"}
# Kosovo has no ISO 3166 code; EAS keeps XKX, CLDR names it XK.
ALPHA2 = {"XKX": "XK"}

# The United Nations' short names where CLDR's differ (a language left out: CLDR's name is the UN's).
UN_NAMES: dict[str, dict[str, str]] = {
    "ARE": {"ru": "Объединенные Арабские Эмираты"},
    "BGD": {"es": "Bangladesh"},
    "BEN": {"es": "Benin"},
    "BHR": {"es": "Bahrein"},
    "BHS": {"ru": "Багамские Острова"},
    "BLR": {"fr": "Bélarus", "es": "Belarús"},
    "BOL": {
        "ar": "بوليفيا (دولة - المتعددة القوميات)",
        "zh-hans": "多民族玻利维亚国",
        "fr": "Bolivie (État plurinational de)",
        "ru": "Боливия (Многонациональное Государство)",
        "es": "Bolivia (Estado Plurinacional de)",
    },
    "BRN": {
        "ar": "بروني دار السلام",
        "zh-hans": "文莱达鲁萨兰国",
        "fr": "Brunéi Darussalam",
        "ru": "Бруней-Даруссалам",
        "es": "Brunei Darussalam",
    },
    "BTN": {"es": "Bhután"},
    "BWA": {"es": "Botswana"},
    "CHL": {"ar": "شيلي"},
    "CIV": {"ar": "كوت ديفوار", "fr": "Côte d'Ivoire", "ru": "Кот-д'Ивуар", "es": "Côte d'Ivoire"},
    "COD": {
        "ar": "جمهورية الكونغو الديمقراطية",
        "zh-hans": "刚果民主共和国",
        "fr": "République démocratique du Congo",
        "ru": "Демократическая Республика Конго",
    },
    "COG": {"ar": "الكونغو", "zh-hans": "刚果", "fr": "Congo", "ru": "Конго"},
    "COM": {"ru": "Коморские Острова"},
    "CPV": {"ar": "كابو فيردي", "fr": "Cabo Verde"},
    "CZE": {"ar": "تشيكيا"},
    "DJI": {"es": "Djibouti"},
    "DOM": {"ar": "الجمهورية الدومينيكية"},
    "FJI": {"es": "Fiji"},
    "FSM": {
        "ar": "ميكرونيزيا (ولايات - الموحدة)",
        "zh-hans": "密克罗尼西亚联邦",
        "fr": "Micronésie (États fédérés de)",
        "ru": "Микронезия (Федеративные Штаты)",
        "es": "Micronesia (Estados Federados de)",
    },
    "GAB": {"ar": "غابون"},
    "GBR": {
        "ar": "المملكة المتحدة لبريطانيا العظمى وأيرلندا الشمالية",
        "zh-hans": "大不列颠及北爱尔兰联合王国",
        "fr": "Royaume-Uni de Grande-Bretagne et d'Irlande du Nord",
        "ru": "Соединенное Королевство Великобритании и Северной Ирландии",
        "es": "Reino Unido de Gran Bretaña e Irlanda del Norte",
    },
    "GNB": {"es": "Guinea-Bissau"},
    "IRN": {
        "ar": "إيران (جمهورية - الإسلامية)",
        "zh-hans": "伊朗伊斯兰共和国",
        "fr": "Iran (République islamique d')",
        "ru": "Иран (Исламская Республика)",
        "es": "Irán (República Islámica del)",
    },
    "IRQ": {"fr": "Iraq", "es": "Iraq"},
    "KAZ": {"es": "Kazajstán"},
    "KEN": {"es": "Kenya"},
    "KGZ": {"fr": "Kirghizistan", "ru": "Кыргызстан"},
    "KNA": {"fr": "Saint-Kitts-et-Nevis", "es": "Saint Kitts y Nevis"},
    "KOR": {"ar": "جمهورية كوريا", "zh-hans": "大韩民国", "fr": "République de Corée", "es": "República de Corea"},
    "LAO": {
        "ar": "جمهورية لاو الديمقراطية الشعبية",
        "zh-hans": "老挝人民民主共和国",
        "fr": "République démocratique populaire lao",
        "ru": "Лаосская Народно-Демократическая Республика",
        "es": "República Democrática Popular Lao",
    },
    "LBR": {"fr": "Libéria"},
    "LSO": {"es": "Lesotho"},
    "MDA": {
        "ar": "جمهورية مولدوفا",
        "zh-hans": "摩尔多瓦共和国",
        "fr": "République de Moldova",
        "ru": "Республика Молдова",
        "es": "República de Moldova",
    },
    "MDV": {"ar": "ملديف"},
    "MHL": {"ru": "Маршалловы Острова"},
    "MLI": {"es": "Malí"},
    "MMR": {"ar": "ميانمار", "fr": "Myanmar", "ru": "Мьянма", "es": "Myanmar"},
    "MWI": {"es": "Malawi"},
    "NGA": {"fr": "Nigéria"},
    "NLD": {
        "ar": "هولندا (مملكة)",
        "zh-hans": "荷兰王国",
        "fr": "Pays-Bas (Royaume des)",
        "ru": "Нидерланды (Королевство)",
        "es": "Países Bajos (Reino de los)",
    },
    "OMN": {"ar": "عمان"},
    "PLW": {"es": "Palau"},
    "PRK": {
        "ar": "جمهورية كوريا الشعبية الديمقراطية",
        "zh-hans": "朝鲜民主主义人民共和国",
        "fr": "République populaire démocratique de Corée",
        "ru": "Корейская Народно-Демократическая Республика",
        "es": "República Popular Democrática de Corea",
    },
    "QAT": {"es": "Qatar"},
    "RUS": {
        "ar": "الاتحاد الروسي",
        "zh-hans": "俄罗斯联邦",
        "fr": "Fédération de Russie",
        "ru": "Российская Федерация",
        "es": "Federación de Rusia",
    },
    "RWA": {"es": "Rwanda"},
    "SAU": {"es": "Arabia Saudita"},
    "SLB": {"ru": "Соломоновы Острова"},
    "SLV": {"fr": "El Salvador"},
    "SUR": {"es": "Suriname"},
    "SWZ": {"es": "Eswatini"},
    "SYC": {"ru": "Сейшельские Острова"},
    "SYR": {
        "ar": "الجمهورية العربية السورية",
        "zh-hans": "阿拉伯叙利亚共和国",
        "fr": "République arabe syrienne",
        "ru": "Сирийская Арабская Республика",
        "es": "República Árabe Siria",
    },
    "TLS": {"fr": "Timor-Leste", "ru": "Тимор-Лешти"},
    "TUR": {"fr": "Türkiye", "es": "Türkiye"},
    "TZA": {
        "ar": "جمهورية تنزانيا المتحدة",
        "zh-hans": "坦桑尼亚联合共和国",
        "fr": "République-Unie de Tanzanie",
        "ru": "Объединенная Республика Танзания",
        "es": "República Unida de Tanzanía",
    },
    "USA": {
        "ar": "الولايات المتحدة الأمريكية",
        "zh-hans": "美利坚合众国",
        "fr": "États-Unis d'Amérique",
        "ru": "Соединенные Штаты Америки",
        "es": "Estados Unidos de América",
    },
    "VEN": {
        "ar": "فنزويلا (جمهورية - البوليفارية)",
        "zh-hans": "委内瑞拉玻利瓦尔共和国",
        "fr": "Venezuela (République bolivarienne du)",
        "ru": "Венесуэла (Боливарианская Республика)",
        "es": "Venezuela (República Bolivariana de)",
    },
    "VNM": {"ar": "فييت نام", "fr": "Viet Nam", "es": "Viet Nam"},
    "ZWE": {"es": "Zimbabwe"},
    # The observer States.
    "PSE": {
        "ar": "دولة فلسطين",
        "zh-hans": "巴勒斯坦国",
        "fr": "État de Palestine",
        "ru": "Государство Палестина",
        "es": "Estado de Palestina",
    },
    "VAT": {"ar": "الكرسي الرسولي", "zh-hans": "教廷", "fr": "Saint-Siège", "ru": "Святой Престол", "es": "Santa Sede"},
    # The territories, as the United Nations' list of Non-Self-Governing Territories names them.
    "BMU": {"ru": "Бермудские острова"},
    "CYM": {"fr": "Îles Caïmanes", "ru": "Каймановы острова"},
    "FLK": {
        "ar": "جزر فوكلاند (مالفيناس)",
        "zh-hans": "福克兰群岛（马尔维纳斯）",
        "fr": "Îles Falkland (Malvinas)",
        "ru": "Фолклендские (Мальвинские) острова",
        "es": "Islas Malvinas (Falkland)",
    },
    "PCN": {"ar": "بيتكيرن", "zh-hans": "皮特凯恩", "fr": "Pitcairn", "ru": "Питкэрн", "es": "Pitcairn"},
    "SHN": {"ar": "سانت هيلانة", "ru": "Остров Святой Елены"},
    "TCA": {"fr": "Îles Turques et Caïques", "ru": "Острова Теркс и Кайкос"},
    "VGB": {"ar": "جزر فرجن البريطانية", "ru": "Британские Виргинские острова"},
    "VIR": {
        "ar": "جزر فرجن التابعة للولايات المتحدة",
        "fr": "Îles Vierges américaines",
        "ru": "Виргинские острова Соединенных Штатов",
        "es": "Islas Vírgenes de los Estados Unidos",
    },
    # Kosovo, named with the United Nations' reference to Security Council resolution 1244 (1999).
    "XKX": {
        "ar": "كوسوفو في إطار قرار مجلس الأمن 1244 (1999)",
        "zh-hans": "安全理事会第1244(1999)号决议下的科索沃",
        "fr": "Kosovo au sens de la résolution 1244 (1999) du Conseil de sécurité",
        "ru": "Косово в соответствии с резолюцией 1244 (1999) Совета Безопасности",
        "es": "Kosovo en virtud de la resolución 1244 (1999) del Consejo de Seguridad",
    },
}


def countries():
    """(code, English name) of every country and territory EAS knows, from its data files."""
    for source in SOURCES:
        with (DATA / source).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                yield row["iso3"], row["name"]


def alpha2(code, aliases):
    if code in ALPHA2:
        return ALPHA2[code]
    found = aliases.get(code)
    if not found or len(found) != 1:
        raise SystemExit(f"{code}: CLDR has no single two-letter code for it; add it to ALPHA2")
    return found[0]


def names_of(code, english, aliases, locales):
    """The six names of one country: the UN's where UN_NAMES has it, else CLDR's; English is EAS's."""
    territory = alpha2(code, aliases)
    names = {}
    for language, locale in locales.items():
        if language == "en":
            names[language] = english
            continue
        name = UN_NAMES.get(code, {}).get(language) or locale.territories.get(territory)
        if not name:
            raise SystemExit(f"{code}: no {language} name in CLDR; add it to UN_NAMES")
        names[language] = name
    return names


def build():
    aliases = get_global("territory_aliases")
    locales = {language: Locale.parse(cldr) for language, cldr in LANGUAGES.items()}
    unknown = set(UN_NAMES) - {code for code, _name in countries()}
    if unknown:
        raise SystemExit(f"UN_NAMES names codes EAS does not know: {sorted(unknown)}")
    return {code: names_of(code, english, aliases, locales) for code, english in sorted(countries())}


def main():
    names = build()
    TARGET.write_text(json.dumps(names, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(names)} countries and territories in six languages: {TARGET.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
