"""How the report generator writes: street names as people type them (abbreviations, ordinals, Cyrillic
letters, native digits, typos) and the report templates per language, written for this benchmark.
"""

from __future__ import annotations

import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# --------------------------------------------------------------------------------------------------
# Street names as people write them
# --------------------------------------------------------------------------------------------------

_DIRS = {"East": "E", "West": "W", "North": "N", "South": "S"}
_TYPES = {
    "Street": "St",
    "Avenue": "Ave",
    "Road": "Rd",
    "Place": "Pl",
    "Boulevard": "Blvd",
    "Drive": "Dr",
    "Lane": "Ln",
    "Court": "Ct",
    "Parkway": "Pkwy",
    "Terrace": "Ter",
    "Turnpike": "Tpke",
    "Concourse": "Concourse",
    "Square": "Sq",
    "Crescent": "Cres",
    "Plaza": "Plz",
    "Loop": "Loop",
    "Circle": "Cir",
    "Way": "Way",
}


@dataclass
class Street:
    direction: str | None
    core: str
    number: int | None
    kind: str | None


def street_key(name: str) -> str:
    s = parse_street(name)
    return f"{s.core}|{s.kind}"


def parse_street(name: str) -> Street:
    words = name.split()
    direction = None
    if len(words) > 2 and words[0] in _DIRS:
        direction, words = words[0], words[1:]
    kind = None
    if len(words) > 1 and words[-1] in _TYPES:
        kind, words = words[-1], words[:-1]
    elif len(words) > 1 and words[0] == "Avenue":  # Avenue C, Avenue of the Americas
        kind = "Avenue-prefix"
    core = " ".join(words)
    m = re.fullmatch(r"(\d+)(st|nd|rd|th)?", core)
    return Street(direction, core, int(m.group(1)) if m else None, kind)


def ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}" + {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


_CYR = [
    ("shch", "щ"),
    ("sh", "ш"),
    ("ch", "ч"),
    ("th", "т"),
    ("ph", "ф"),
    ("oo", "у"),
    ("ee", "и"),
    ("ea", "и"),
    ("ou", "ау"),
    ("ck", "к"),
    ("qu", "кв"),
    ("a", "а"),
    ("b", "б"),
    ("c", "к"),
    ("d", "д"),
    ("e", "е"),
    ("f", "ф"),
    ("g", "г"),
    ("h", "х"),
    ("i", "и"),
    ("j", "дж"),
    ("k", "к"),
    ("l", "л"),
    ("m", "м"),
    ("n", "н"),
    ("o", "о"),
    ("p", "п"),
    ("r", "р"),
    ("s", "с"),
    ("t", "т"),
    ("u", "а"),
    ("v", "в"),
    ("w", "у"),
    ("x", "кс"),
    ("y", "и"),
    ("z", "з"),
]


def cyrillicize(word: str) -> str:
    """Write an English street name the way a Russian speaker might spell it by ear (lossy on purpose)."""
    out, s, i = [], word.lower(), 0
    while i < len(s):
        for src, dst in _CYR:
            if s.startswith(src, i):
                out.append(dst)
                i += len(src)
                break
        else:
            out.append(s[i])
            i += 1
    text = "".join(out)
    return text[:1].upper() + text[1:]


def typo(rng: random.Random, word: str) -> str:
    """One slip of the thumb: a dropped, doubled or swapped letter."""
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 2)
    choice = rng.random()
    if choice < 0.4:
        return word[:i] + word[i + 1 :]
    if choice < 0.7:
        return word[:i] + word[i] + word[i:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


_NATIVE_DIGITS = {"ar": "٠١٢٣٤٥٦٧٨٩", "ur": "۰۱۲۳۴۵۶۷۸۹", "bn": "০১২৩৪৫৬৭৮৯"}


def digits(rng: random.Random, lang: str, n: int) -> str:
    table = _NATIVE_DIGITS.get(lang)
    if table and rng.random() < 0.5:
        return "".join(table[int(c)] for c in str(n))
    return str(n)


def render_street(rng: random.Random, lang: str, name: str, typo_share: float = 0.08) -> str:
    """One way a reporter writing in `lang` could write this street."""
    s = parse_street(name)
    kind = s.kind
    if kind == "Avenue-prefix" or kind is None:
        return typo(rng, s.core) if rng.random() < typo_share else s.core
    abbrev = _TYPES.get(kind, kind)
    english_kind = rng.choice([kind, abbrev, abbrev, abbrev + "."])
    direction = ""
    if s.direction and rng.random() < 0.7:
        direction = rng.choice([s.direction, _DIRS[s.direction], _DIRS[s.direction] + "."]) + " "
    if s.number is not None:
        num = rng.choice([ordinal(s.number), str(s.number)])
        english = f"{direction}{num} {english_kind}" if rng.random() < 0.9 else f"{direction}{num}"
    else:
        core = s.core
        if rng.random() < typo_share:
            core = typo(rng, core)
        english = f"{core} {english_kind}" if rng.random() < 0.8 else core
    if rng.random() < 0.45 or lang in ("en", "pl"):
        return english.strip()
    is_street = kind == "Street"
    is_avenue = kind == "Avenue"
    n = s.number
    core = s.core
    if lang == "es":
        if n is not None:
            return rng.choice([f"calle {n}" if is_street else f"avenida {n}", f"la {n}"])
        return rng.choice([f"avenida {core}" if is_avenue else f"{core} {english_kind}", f"la {core}"])
    if lang == "fr":
        if n is not None:
            return f"{n}e rue" if is_street else f"{n}e avenue"
        return f"avenue {core}" if is_avenue else f"rue {core}" if is_street else f"{core} {english_kind}"
    if lang == "ht":
        if n is not None:
            return f"ri {n}" if is_street else f"avni {n}"
        return f"avni {core}" if is_avenue else f"ri {core}" if is_street else english
    if lang == "ru":
        if n is not None:
            return f"{n}-я улица" if is_street else f"{n}-я авеню"
        return f"{cyrillicize(core)} {'авеню' if is_avenue else 'стрит' if is_street else english_kind}"
    if lang in ("zh-hans", "zh-hant"):
        if n is not None:
            return f"{n}街" if is_street else f"{n}大道"
        return f"{core}大道" if is_avenue else f"{core}街" if is_street else english
    if lang == "ko":
        if n is not None:
            return f"{n} 스트리트" if is_street else f"{n} 애비뉴"
        return f"{core} 애비뉴" if is_avenue else f"{core} 스트리트" if is_street else english
    if lang == "ar":
        return f"شارع {digits(rng, lang, n)}" if n is not None else f"شارع {core}"
    if lang == "ur":
        suffix = "اسٹریٹ" if is_street else "ایونیو"
        return f"{digits(rng, lang, n)} {suffix}" if n is not None else f"{core} {suffix}"
    if lang == "bn":
        suffix = "স্ট্রিট" if is_street else "অ্যাভিনিউ"
        return f"{digits(rng, lang, n)} {suffix}" if n is not None else f"{core} {suffix}"
    return english


CORNER = {
    "en": ["{a} and {b}", "{a} & {b}", "the corner of {a} and {b}", "{a}/{b}"],
    "es": ["{a} y {b}", "la esquina de {a} y {b}", "{a} con {b}"],
    "fr": ["{a} et {b}", "l'angle de {a} et {b}", "{a} / {b}"],
    "ht": ["{a} ak {b}", "kwen {a} ak {b}"],
    "pl": ["{a} i {b}", "rogu {a} i {b}"],
    "ru": ["{a} и {b}", "углу {a} и {b}"],
    "zh-hans": ["{a}和{b}", "{a}与{b}交界"],
    "zh-hant": ["{a}和{b}", "{a}與{b}交界"],
    "ko": ["{a}와 {b}", "{a}과 {b} 교차로"],
    "ar": ["{a} و{b}", "تقاطع {a} و{b}"],
    "ur": ["{a} اور {b}", "{a} اور {b} کے کونے"],
    "bn": ["{a} ও {b}", "{a} আর {b} এর মোড়"],
}
IN_AREA = {
    "en": "{s} in {n}",
    "es": "{s} en {n}",
    "fr": "{s} à {n}",
    "ht": "{s} nan {n}",
    "pl": "{s} w {n}",
    "ru": "{s} в {n}",
    "zh-hans": "{n}的{s}",
    "zh-hant": "{n}的{s}",
    "ko": "{n} {s}",
    "ar": "{s} في {n}",
    "ur": "{n} میں {s}",
    "bn": "{n} এর {s}",
}

# --------------------------------------------------------------------------------------------------
# Report templates (written for this benchmark)
# --------------------------------------------------------------------------------------------------

WITH_PLACE = {
    "en": [
        "ICE agents at {place}, {n} vans. {detail}",
        "Immigration agents stopping people near {place} right now. {detail}",
        "{n} unmarked cars and agents in vests on {place}. {detail}",
        "Raid happening at {place}!! {detail}",
        "heads up ice at {place} {n} vans {detail}",
    ],
    "es": [
        "Hay agentes de ICE en {place}, {n} camionetas. {detail}",
        "Migra en {place} ahora mismo!! {detail}",
        "Cuidado, inmigración parando gente cerca de {place}. {detail}",
        "{n} carros sin placas y agentes en {place}. {detail}",
        "ICE en {place} {detail}",
    ],
    "fr": [
        "Agents de l'ICE à {place}, {n} fourgons. {detail}",
        "Attention, contrôles de l'immigration près de {place}. {detail}",
        "Descente en cours à {place} ! {detail}",
    ],
    "ht": [
        "Ajan ICE nan {place}, {n} kamyonet. {detail}",
        "Atansyon! Imigrasyon ap kanpe moun toupre {place}. {detail}",
        "Gen yon rafle kap fèt nan {place}. {detail}",
    ],
    "pl": [
        "Agenci ICE na {place}, {n} furgonetki. {detail}",
        "Uwaga, służby imigracyjne zatrzymują ludzi przy {place}. {detail}",
        "Nalot ICE na {place}! {detail}",
    ],
    "ru": [
        "Агенты ICE на {place}, {n} фургона. {detail}",
        "Осторожно, иммиграционная служба останавливает людей возле {place}. {detail}",
        "Облава сейчас на {place}! {detail}",
    ],
    "zh-hans": [
        "{place}有ICE移民局的人，{n}辆车。{detail}",
        "注意！移民局在{place}附近抓人。{detail}",
        "{place}现在有突袭，{detail}",
    ],
    "zh-hant": [
        "{place}有ICE移民局的人員，{n}輛車。{detail}",
        "小心！移民局探員在{place}附近盤查路人。{detail}",
        "{place}現在有突擊搜查，{detail}",
    ],
    "ko": [
        "{place}에 ICE 요원들이 있어요, 밴 {n}대. {detail}",
        "조심하세요! {place} 근처에서 이민국이 사람들을 검문하고 있어요. {detail}",
        "지금 {place}에서 단속 중입니다. {detail}",
    ],
    "ar": [
        "عملاء ICE عند {place}، {n} سيارات فان. {detail}",
        "انتبهوا! الهجرة توقف الناس قرب {place}. {detail}",
        "مداهمة الآن في {place}! {detail}",
    ],
    "ur": [
        "{place} پر ICE کے ایجنٹ، {n} وین۔ {detail}",
        "ہوشیار! امیگریشن والے {place} کے پاس لوگوں کو روک رہے ہیں۔ {detail}",
        "ابھی {place} پر چھاپہ ہو رہا ہے! {detail}",
    ],
    "bn": [
        "{place} এ ICE এজেন্ট, {n}টা ভ্যান। {detail}",
        "সাবধান! {place} এর কাছে অভিবাসন পুলিশ লোকজনকে থামাচ্ছে। {detail}",
        "এখন {place} এ রেইড হচ্ছে! {detail}",
    ],
}
NO_PLACE = {
    "en": [
        "ICE here right now, {n} vans. {detail}",
        "Agents outside my building. {detail}",
        "ice on my block {detail}",
    ],
    "es": ["La migra está aquí ahorita, {n} camionetas. {detail}", "Agentes afuera de mi edificio. {detail}"],
    "fr": ["L'ICE est ici maintenant, {n} voitures. {detail}"],
    "ht": ["ICE la a kounye a, {n} machin. {detail}"],
    "pl": ["ICE jest tutaj teraz, {n} samochody. {detail}"],
    "ru": ["ICE здесь прямо сейчас, {n} машины. {detail}"],
    "zh-hans": ["移民局的人现在就在这里，{n}辆面包车。{detail}"],
    "zh-hant": ["移民局的人現在就在這裡，{n}輛麵包車。{detail}"],
    "ko": ["지금 여기 ICE 있어요, 차 {n}대. {detail}"],
    "ar": ["ICE هنا الآن، {n} سيارات. {detail}"],
    "ur": ["ICE ابھی یہاں ہے، {n} گاڑیاں۔ {detail}"],
    "bn": ["ICE এখন এখানে, {n}টা গাড়ি। {detail}"],
}
DETAILS = {
    "en": [
        "They took a man into a van",
        "They are asking people for papers",
        "{color} SUVs with tinted windows",
        "{color} vans parked on the sidewalk",
        "Agents wearing vests that say POLICE",
        "They went into the {site}",
        "Please send someone",
        "",
    ],
    "es": [
        "Se llevaron a un señor",
        "Están pidiendo papeles",
        "Camionetas {color} con vidrios oscuros",
        "Entraron a la {site}",
        "Tienen chalecos que dicen POLICE",
        "Manden a alguien por favor",
        "",
    ],
    "fr": ["Ils ont emmené un homme", "Ils demandent les papiers", "Des fourgons {color} aux vitres teintées", ""],
    "ht": ["Yo pran yon nonm", "Yo mande moun papye", "Kamyonet {color} ak vit fonse", ""],
    "pl": ["Zabrali jakiegoś mężczyznę", "Sprawdzają dokumenty", "Furgonetki {color} z przyciemnianymi szybami", ""],
    "ru": ["Забрали мужчину", "Проверяют документы", "{color} фургоны с тонированными стёклами", ""],
    "zh-hans": ["带走了一个男的", "在查身份证件", "{color}色的车，车窗很黑", ""],
    "zh-hant": ["帶走了一個男人", "在查證件", "{color}色的車，車窗很黑", ""],
    "ko": ["남자 한 명을 데려갔어요", "신분증을 확인하고 있어요", "{color} 밴, 창문이 어두워요", ""],
    "ar": ["أخذوا رجلا", "يطلبون الأوراق", "سيارات {color} بزجاج داكن", ""],
    "ur": ["ایک آدمی کو لے گئے", "کاغذات مانگ رہے ہیں", "{color} وین، کالے شیشے", ""],
    "bn": ["একজন লোককে নিয়ে গেছে", "কাগজপত্র দেখতে চাইছে", "{color} ভ্যান, কালো কাচ", ""],
}
COLORS = {
    "en": ["black", "white", "gray", "silver", "dark blue"],
    "es": ["negras", "blancas", "grises", "plateadas", "azul oscuro"],
    "fr": ["noirs", "blancs", "gris", "argentés", "bleu foncé"],
    "ht": ["nwa", "blan", "gri", "ajan", "ble fonse"],
    "pl": ["czarne", "białe", "szare", "srebrne", "granatowe"],
    "ru": ["чёрные", "белые", "серые", "серебристые", "тёмно-синие"],
    "zh-hans": ["黑", "白", "灰", "银", "深蓝"],
    "zh-hant": ["黑", "白", "灰", "銀", "深藍"],
    "ko": ["검은색", "흰색", "회색", "은색", "남색"],
    "ar": ["سوداء", "بيضاء", "رمادية", "فضية", "زرقاء"],
    "ur": ["کالی", "سفید", "سرمئی", "چاندی رنگ", "نیلی"],
    "bn": ["কালো", "সাদা", "ধূসর", "রুপালি", "নীল"],
}
SITES = {"en": ["deli", "laundromat", "car wash", "building", "restaurant"], "es": ["bodega", "lavandería", "tienda"]}

LANGUAGES = {
    "es": 0.33,
    "en": 0.2,
    "zh-hans": 0.08,
    "zh-hant": 0.04,
    "ru": 0.06,
    "bn": 0.05,
    "ht": 0.05,
    "ko": 0.03,
    "ar": 0.04,
    "ur": 0.03,
    "fr": 0.05,
    "pl": 0.04,
}
