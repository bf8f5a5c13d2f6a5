"""Grouping reports into candidate incidents: the pure core.

Every report is placed, on arrival, into an open candidate incident or starts one. The decision uses
the three signals an operator would use: time (reports about one scene arrive within a couple of
hours), place (a phone's point, or the neighborhood the text names when there is no point) and text
(street names, numbers and details, in whichever of a dozen languages the reporter wrote).

Text is compared through a signature: a set of hashed features taken from text folded the same way
whatever the language (case, accents, digits of every script, Arabic letter variants, traditional
Chinese characters, Cyrillic romanized), then cut by script: whole words with their character
trigrams for alphabetic scripts, character bigrams for Chinese and Japanese, words with syllable
bigrams for Korean, and numbers as tokens of their own, because a street number is often the only
thing two reports in two languages share. No language model is involved, so a report in Haitian Creole
is compared exactly like one in English.

How much a shared feature counts depends on how rare it is among recent incidents (`FeatureStats`: a
street name says a lot, "papeles" or "3 vans" nothing), and the score adds up log-odds contributions
(`Rules`, fitted on the benchmark's generated sets): distance or area, time gap, matched text, and
conflicts (both sides name street numbers or, given the jurisdiction's street list, street names, and
not the same ones).

This module imports nothing from Django. The database layer keeps one `CandidateState` per open
incident and, with a `GroupingContext` held per process (neighbors, street list, feature statistics),
asks which of the open candidates a new report belongs to, then starts or updates one. `Grouper` does
the same in memory for batch work and the benchmark (bench/clustering.py).
"""

from __future__ import annotations

import functools
import heapq
import math
import re
import struct
import unicodedata
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import chain
from operator import itemgetter

__all__ = [
    "CandidateState",
    "Grouper",
    "GroupingContext",
    "ReportFeatures",
    "FeatureStats",
    "Rules",
    "DEFAULT_RULES",
    "DEFAULT_THRESHOLD",
    "choose_candidate",
    "features_signature",
    "report_weights",
    "text_units",
    "normalize_text",
    "score",
    "text_evidence",
    "EXCLUDED",
    "key_features",
    "place_word_features",
    "meters_between",
]

Signature = frozenset[int]
Neighbors = Callable[[str], "set[str] | frozenset[str]"]

# --------------------------------------------------------------------------------------------------
# Text folding
# --------------------------------------------------------------------------------------------------


def _build_fold_table() -> dict[int, str | None]:
    """Build the character table applied after NFKC and casefold.

    Steps:
    1. Map every decimal digit of every script (Arabic-Indic, Urdu, Bengali, Devanagari, ...) to ASCII,
       because reporters write street numbers in their own digits.
    2. Fold Arabic-script letter variants (alef forms, Persian/Urdu yeh and kaf, teh marbuta) so Arabic and
       Urdu spellings of the same word agree; drop the tatweel, which only stretches words.
    3. Fold Latin letters that do not decompose under NFD (Polish ł, Nordic ø, ...).
    4. Map traditional Chinese characters common in reports to their simplified forms, so zh-hant and
       zh-hans reports of one scene share bigrams.
    5. Romanize Cyrillic, so a street name a Russian speaker wrote in Cyrillic letters shares trigrams
       with the Latin spelling.
    6. Remove apostrophes (St. Ann's / St Anns) and turn other punctuation into spaces by omission: the
       tokenizer ignores anything it does not know.
    """
    table: dict[int, str | None] = {}
    for start, end in (
        (0x0660, 0x0669),  # Arabic-Indic
        (0x06F0, 0x06F9),  # Extended Arabic-Indic (Urdu, Persian)
        (0x0966, 0x096F),  # Devanagari
        (0x09E6, 0x09EF),  # Bengali
        (0x0A66, 0x0A6F),  # Gurmukhi
        (0x0AE6, 0x0AEF),  # Gujarati
        (0x0BE6, 0x0BEF),  # Tamil
        (0x0E50, 0x0E59),  # Thai
        (0x1040, 0x1049),  # Myanmar
        (0x17E0, 0x17E9),  # Khmer
    ):
        for code in range(start, end + 1):
            table[code] = str(unicodedata.digit(chr(code)))
    arabic = {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ى": "ي",
        "ی": "ي",
        "ې": "ي",
        "ے": "ي",
        "ک": "ك",
        "ہ": "ه",
        "ھ": "ه",
        "ۀ": "ه",
        "ؤ": "و",
        "ئ": "ي",
        "ٹ": "ت",
        "ڈ": "د",
        "ڑ": "ر",
        "گ": "ك",
        "چ": "ج",
        "پ": "ب",
        "ـ": None,
    }
    latin = {"ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i"}
    # Traditional -> simplified for characters that turn up in enforcement reports and NYC place
    # words; a full conversion table is not needed, only agreement on the frequent ones.
    han = dict(
        zip(
            "車輛區華東門員執動醫學園廣國邊號線條個們這裡裏來發現場關圍離開帶將說見從對時間點鐘幾紅綠藍"
            "灣島橋頭觀樓廳莊鎮陽聖龍蘭爾羅約紐館廟會議院鐵貨輪嗎隊衛監獄護讓還鄰處後臺灣務執們蓋區",
            "车辆区华东门员执动医学园广国边号线条个们这里里来发现场关围离开带将说见从对时间点钟几红绿蓝"
            "湾岛桥头观楼厅庄镇阳圣龙兰尔罗约纽馆庙会议院铁货轮吗队卫监狱护让还邻处后台湾务执们盖区",
            strict=True,
        )
    )
    cyrillic = {
        "а": "a",
        "б": "b",
        "в": "v",
        "г": "g",
        "д": "d",
        "е": "e",
        "ё": "e",
        "ж": "zh",
        "з": "z",
        "и": "i",
        "й": "i",
        "к": "k",
        "л": "l",
        "м": "m",
        "н": "n",
        "о": "o",
        "п": "p",
        "р": "r",
        "с": "s",
        "т": "t",
        "у": "u",
        "ф": "f",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "shch",
        "ъ": None,
        "ы": "y",
        "ь": None,
        "э": "e",
        "ю": "yu",
        "я": "ya",
        "і": "i",
        "ї": "i",
        "є": "e",
        "ґ": "g",
    }
    for mapping in (arabic, latin, han, cyrillic):
        for src, dst in mapping.items():
            table[ord(src)] = dst
    for apostrophe in "'’`ʼ":
        table[ord(apostrophe)] = None
    return table


def _build_mark_table() -> dict[int, None]:
    """Combining marks to delete after NFD: Latin/Greek/Cyrillic accents and Arabic vowel signs.

    Marks of Indic scripts are kept: there they are vowels, not accents, and deleting them would merge
    unrelated Bengali words.
    """
    ranges = ((0x0300, 0x036F), (0x0483, 0x0489), (0x064B, 0x065F), (0x0670, 0x0670), (0x06D6, 0x06ED))
    table: dict[int, None] = {}
    for start, end in ranges:
        for code in range(start, end + 1):
            if unicodedata.category(chr(code)) in ("Mn", "Me"):
                table[code] = None
    return table


_FOLD = _build_fold_table()
_ASCII_FOLD = {ord("'"): None, ord("`"): None}
# Most non-ASCII texts (Spanish, French, Polish accents) hold no character of the fold table after
# the accents are gone: a quick search spares them the per-character table lookups.
_NEEDS_FOLD = re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(_FOLD)) + "]")
_MARKS = _build_mark_table()
# Characters whose NFD form carries one of the marks above: only texts containing one pay for NFD.
_HAS_DECOMPOSABLE = re.compile(r"[\u00c0-\u024f\u1e00-\u1eff\u0400-\u04ff\u0610-\u061a\u064b-\u065f\u0670]")


def normalize_text(text: str) -> str:
    """Fold a report text so that spelling variants of one place compare equal.

    Steps:
    1. NFKC (full-width letters and digits, compatibility forms) and casefold.
    2. Strip accents and Arabic vowel signs (NFD, drop the marks, NFC again so Hangul recomposes).
    3. Apply the fold table: digits of every script to ASCII, Arabic-script variants, a few Latin
       letters, traditional Chinese to simplified, Cyrillic to Latin, apostrophes removed.
    """
    if text.isascii():
        # Nothing to compose, fold or transliterate: lower case and apostrophes only (a fast path
        # taken by most English, Spanish-without-accents and Haitian Creole reports).
        return text.lower().translate(_ASCII_FOLD)
    folded = unicodedata.normalize("NFKC", text).casefold()
    if _HAS_DECOMPOSABLE.search(folded):
        folded = unicodedata.normalize("NFC", unicodedata.normalize("NFD", folded).translate(_MARKS))
    return folded.translate(_FOLD) if _NEEDS_FOLD.search(folded) else folded


# --------------------------------------------------------------------------------------------------
# Features
# --------------------------------------------------------------------------------------------------

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff"
_HANGUL = "\uac00-\ud7a3"
# Alphabetic scripts written with spaces between words: Latin (Cyrillic is romanized by then), Arabic
# and Urdu, Bengali, Devanagari. Punctuation inside those blocks (danda, Arabic comma) is left out.
_ALPHA = "a-z\u00df-\u024f\u0621-\u064a\u066e-\u06d3\u06fa-\u06ff\u0980-\u09e3\u0900-\u0963\u0970-\u097f"
# Tokens: runs of one script (words first: the most frequent). No groups, so that findall returns
# plain strings, which are cheap to look up in the token cache.
_TOKEN = re.compile(rf"[{_ALPHA}]+|[0-9]+|[{_HAN}]+|[{_HANGUL}]+")
_IS_HAN = re.compile(rf"[{_HAN}]").match
# An ordinal ending after a number ("3rd", "3e", "3ra", "3-ya" from Cyrillic "3-я") makes it a street
# number rather than a count.
_ORDINALS = frozenset("st nd rd th e er eme re ra ro da do ta to va vo ya aya i yi oi go".split())

# Words every report uses whatever the scene: function words, street-type words, the agencies and the
# vehicles. Sharing them says nothing about being the same scene, so they are not features. Written in
# the reporters' own spelling; folded through `normalize_text` at import like the reports themselves.
_STOP_TEXT = """
the a an at on in of and or near by with to from for is are was were be been there here now just right this
that these those it its they them their he she we i you my our me us not no yes very many some all one two
three four five six about around outside inside front back next across corner corners street streets st
avenue ave av avenues road rd boulevard blvd place pl lane ln drive dr parkway pkwy way plaza sq square
east west north south e w n s nd rd th intersection block between cross ice agent agents officer officers
federal feds immigration police cops van vans car cars truck trucks suv suvs vehicle vehicles unmarked
people person man men woman women guy guys someone arrested arresting arrest detained detaining detain
taking took taken grabbed stopped stopping asking see saw seen look looking please help careful
er eme re ra ro da do ta va vo ya aya yi oi go
el la los las lo un una unos unas en de del y e o u cerca con al por para es son esta estan está están
hay aqui aquí ahora ya muy mucho muchos muchas esquina calle calles avenida agentes migra inmigracion
policia policía camioneta camionetas carro carros auto autos coche patrulla personas persona gente
hombre hombres mujer mujeres ellos ellas se su sus llevaron llevando detenido detenida detuvieron
arrestaron parando pidiendo cuidado ayuda frente entre cruce
le les des du au aux et ou pres près avec dans sur sont est il ils elle elles rue agents voiture voitures
camion camions fourgon fourgons police immigration homme femme gens personne personnes arrete arrêté
ici maintenant attention aide coin
nan ak yo li la se gen isit kounye a ajan imigrasyon lapolis machin kamyonet moun nonm fanm arete pran
atansyon ede kwen bo lari
w na i z ze przy ulica ulicy ul aleja alei róg rogu agenci agentów policja imigracja samochód samochody
furgonetka furgonetki ludzie osoba mężczyzna kobieta zatrzymali zatrzymany teraz tutaj są jest uwaga pomoc
в на и у с к по около возле угол углу улица улицы ул авеню проспект агенты агент иммиграционная полиция
машина машины фургон фургоны люди человек мужчина женщина задержали забрали сейчас здесь есть осторожно
помощь там это они
في على من إلى و عند قرب قريب شارع الشارع جادة زاوية تقاطع عملاء العملاء الهجرة شرطة الشرطة سيارة سيارات
سيارات فان ناس شخص رجل امرأة اعتقلوا احتجزوا الآن هنا يوجد انتبهوا مساعدة هناك
میں پر کے کی کا اور سے کو قریب پاس سڑک اسٹریٹ ایونیو کونے ایجنٹ ایجنٹس امیگریشن پولیس گاڑی گاڑیاں وین
لوگ آدمی عورت گرفتار حراست ابھی یہاں ہیں ہے احتیاط مدد وہاں
এ এর ও আর থেকে কাছে পাশে মোড়ে রাস্তা রাস্তায় স্ট্রিট অ্যাভিনিউ এজেন্ট এজেন্টরা অভিবাসন পুলিশ গাড়ি ভ্যান
মানুষ লোক লোকজন পুরুষ মহিলা গ্রেফতার আটক এখন এখানে আছে সাবধান সাহায্য সেখানে
에서 에 이 가 을 를 은 는 과 와 도 의 거리 길 애비뉴 스트리트 모퉁이 근처 앞 이민국 이민 요원 요원들 요원들이
경찰 차 차량 밴 사람 사람들 남자 여자 체포 구금 지금 여기 있어요 있습니다 조심 도움
"""


# Street-type words in the reporters' languages: a one-digit number just before one is a street number
# ("5 Ave", "3街", "5 애비뉴"), not a count ("3 vans"); so is one just after a word of the second list,
# in the languages that name the street first ("calle 3", "شارع 3", "ri 3").
_STREET_TEXT = """
street st avenue ave av road rd boulevard blvd place pl lane ln drive dr parkway pkwy calle avenida rue
ulica ulicy ul aleja улица ул авеню проспект стрит ri avni lari شارع جادة اسٹریٹ ایونیو سڑک স্ট্রিট
অ্যাভিনিউ রাস্তা 스트리트 애비뉴 거리 가
"""
_STREET_FIRST_TEXT = "calle avenida rue ri avni ulica ulicy ul aleja улица ул شارع جادة"
_STREET_HAN = ("街", "大道", "路", "道")


def _fold_words(blob: str) -> frozenset[str]:
    """The word tokens (alphabetic or Korean) of a blob, folded like report texts."""
    return frozenset(t for t in _TOKEN.findall(normalize_text(blob)) if not t[0].isdigit() and not _IS_HAN(t))


_STOP = _fold_words(_STOP_TEXT)
_STREET_WORDS = _fold_words(_STREET_TEXT)
_STREET_FIRST_WORDS = _fold_words(_STREET_FIRST_TEXT)
# Korean attaches particles to the word before them; strip the common ones so 루즈벨트에서 and
# 루즈벨트 give the same word. Longest first.
_KO_PARTICLES = (
    "에서는",
    "에서",
    "으로",
    "에게",
    "이랑",
    "하고",
    "에",
    "이",
    "가",
    "을",
    "를",
    "은",
    "는",
    "과",
    "와",
    "도",
    "로",
    "의",
)
# Chinese/Japanese characters that appear in nearly every report (particles, the enforcement words, the
# street-type words): a bigram holding one of them is not a feature.
_HAN_STOP = frozenset(
    normalize_text(
        "的了在有和与及是个辆台部车人们街道大路口号移民局警察探员执法特工抓捕走带这那里边附近现正刚我他她它看到很多"
        "几一二三四五六七八九十两门前面后左右角交叉请小心注意帮助被把从到去来说上下中内外"
    )
)

# Each feature's kind is kept in its two low bits, so weights and the number rules can tell a street
# number from a word or a piece of a word without any side table.
KIND_PART = 0  # a character trigram of a word, a syllable bigram of a Korean word
KIND_NUMBER = 1  # a street or house number: two digits or more, or one digit used as a street
KIND_WORD = 2  # a whole word, a Korean word, a Chinese/Japanese character bigram
KIND_DIGIT = 3  # one digit not marked as a street: a count ("3 vans")
# How much more a whole word or a number says than one piece of a word.
KIND_MULTIPLIER = (1.0, 3.0, 2.0, 2.0)  # _Probe inlines the 3.0 (numbers) and 2.0 (words)
# A number weighing less than this is one many incidents mention: a count, not a street.
COMMON_NUMBER_WEIGHT = 1.0
_TOKEN_CACHE: dict[str, tuple[tuple[tuple[int, tuple[int, ...]], ...], tuple[int, ...]]] = {}
_TOKEN_CACHE_LIMIT = 200_000


def _hash(feature: str, kind: int) -> int:
    # crc32, not hash(): Python salts str hashes per process, and signatures are stored in the database.
    return (zlib.crc32(feature.encode("utf-8")) & ~3) | kind


Unit = tuple[int, tuple[int, ...]]
# Marker in the token cache for one-digit numbers; unequal to any real entry (those are pairs).
_ONE_DIGIT: tuple = ((), (), "one digit")
_FIRST = itemgetter(0)
_SECOND = itemgetter(1)


def _token_units(token: str) -> tuple[tuple[Unit, ...], tuple[int, ...]]:
    """Hashed features of one token, by script, as units: (head, parts).

    The head is the token as a whole (a word, a number, a Chinese bigram) and carries the token's
    rarity; the parts (character trigrams of a word, syllable bigrams of a Korean word) let spelling
    variants match partially and weigh what their head weighs.

    Steps:
    1. Numbers: the number without leading zeros (a one-digit number gets a marker: the caller
       looks at the neighboring tokens).
    2. Alphabetic words: dropped if a stop word or one letter; otherwise the whole word, with its
       character trigrams (boundary marks included) as parts, which survive typos and transliteration.
    3. Han/kana runs: each character bigram is a unit, skipping those that hold a very common character.
    4. Hangul words: particle stripped, then the word with its syllable bigrams as parts.
    5. Hash with the kind in the low bits, and remember the units and the flat features: the
       vocabulary of reports is small next to their number.
    """
    first = token[0]
    num = han = hangul = word = ""
    if "0" <= first <= "9":
        num = token
    elif "\uac00" <= first <= "\ud7a3":
        hangul = token
    elif _IS_HAN(first):
        han = token
    else:
        word = token
    units: list[Unit] = []
    if num:
        number = num.lstrip("0") or "0"
        if len(number) == 1:
            # Street or count depends on the neighboring tokens: decided by the caller.
            _TOKEN_CACHE[token] = _ONE_DIGIT
            return _ONE_DIGIT
        units.append((_hash("#" + number, KIND_NUMBER), ()))
    elif word:
        if len(word) > 1 and word not in _STOP:
            parts: tuple[int, ...] = ()
            if len(word) > 3:
                padded = f"<{word}>"
                parts = tuple(_hash(padded[i : i + 3], KIND_PART) for i in range(len(padded) - 2))
            units.append((_hash("w:" + word, KIND_WORD), parts))
    elif han:
        if len(han) == 1:
            if han not in _HAN_STOP:
                units.append((_hash("h:" + han, KIND_WORD), ()))
        else:
            for i in range(len(han) - 1):
                pair = han[i : i + 2]
                if pair[0] not in _HAN_STOP and pair[1] not in _HAN_STOP:
                    units.append((_hash("h:" + pair, KIND_WORD), ()))
    elif hangul:
        stem = hangul
        for particle in _KO_PARTICLES:
            if len(stem) > len(particle) + 1 and stem.endswith(particle):
                stem = stem[: -len(particle)]
                break
        if stem not in _STOP and hangul not in _STOP:
            parts = ()
            if len(stem) > 2:
                parts = tuple(_hash("k:" + stem[i : i + 2], KIND_PART) for i in range(len(stem) - 1))
            units.append((_hash("k:" + stem, KIND_WORD), parts))
    feats: list[int] = []
    for head, parts in units:
        feats.append(head)
        feats.extend(parts)
    result = (tuple(units), tuple(feats))
    if len(_TOKEN_CACHE) >= _TOKEN_CACHE_LIMIT:
        _TOKEN_CACHE.clear()
    _TOKEN_CACHE[token] = result
    return result


def _is_street_word(token: str) -> bool:
    return token in _STREET_WORDS or token.startswith(_STREET_HAN)


_DIGIT_AS_STREET: dict[str, Unit] = {str(d): (_hash(f"#{d}", KIND_NUMBER), ()) for d in range(10)}
_DIGIT_AS_COUNT: dict[str, Unit] = {str(d): (_hash(f"#{d}", KIND_DIGIT), ()) for d in range(10)}


def _analyze(text: str) -> tuple[list[Unit], Signature]:
    """The (head, parts) units of a report text, in order, and its signature (every head and part).

    Steps:
    1. Fold the text (`normalize_text`).
    2. Cut it into tokens by script: alphabetic words, numbers, Han/kana runs, Hangul words.
    3. A one-digit number is a street number when an ordinal ending or a street-type word follows
       it (or one like "calle" precedes it), else a count; it gets the matching kind.
    4. Turn every other token into units (`_token_units`, cached with the token's features).
    """
    tokens = _TOKEN.findall(normalize_text(text))
    got = list(map(_TOKEN_CACHE.get, tokens))
    if None in got or _ONE_DIGIT in got:
        # Slow path: tokens not seen before, or one-digit numbers whose kind depends on neighbors.
        last = len(tokens) - 1
        for i in [i for i, found in enumerate(got) if found is None or found is _ONE_DIGIT]:
            token = tokens[i]
            found = got[i]
            if found is None:
                found = got[i] = _token_units(token)
            if found is _ONE_DIGIT:
                digit = token.lstrip("0") or "0"
                following = tokens[i + 1] if i < last else ""
                street = following in _ORDINALS or _is_street_word(following) if following else False
                street = street or (i > 0 and tokens[i - 1] in _STREET_FIRST_WORDS)
                unit = (_DIGIT_AS_STREET if street else _DIGIT_AS_COUNT)[digit]
                got[i] = ((unit,), (unit[0],))
    units = list(chain.from_iterable(map(_FIRST, got)))
    return units, frozenset(chain.from_iterable(map(_SECOND, got)))


def text_units(text: str) -> list[Unit]:
    """The (head, parts) units of a report text, in order; see `_analyze`."""
    return _analyze(text)[0]


def features_signature(text: str) -> Signature:
    """The text signature of a report: the set of hashed features of its folded text (every unit's
    head and parts, see `_analyze`)."""
    return _analyze(text)[1]


class FeatureStats:
    """How many recent incidents mention each feature, so that rare features weigh more.

    A street name mentioned by one incident is strong evidence that a report belongs to it; a word
    that every report uses in some language ("building", "papeles", a vehicle count) is none, whatever
    the stop list missed. Weights follow inverse document frequency, where a document is an incident,
    not a report: thirty reports of one raid naming its corner must not make that corner look common.

    Counts decay exponentially with time (`tau`), so the statistics follow the current vocabulary and
    need no per-incident bookkeeping to forget old incidents. `prior` pretends that many incidents
    mentioning nothing were already seen, which keeps the first incidents of a new deployment from
    getting extreme weights; features found in more than `common_share` of incidents weigh nothing.

    The database layer can rebuild one from the incidents of the last few days (`GroupingContext.warm`)
    and keep it per process.
    """

    def __init__(
        self,
        tau: timedelta = timedelta(days=2),
        prior: float = 100.0,
        rare_share: float = 0.01,
        common_share: float = 0.1,
    ):
        self._tau = tau.total_seconds()
        self._prior = prior
        self._log_rare = math.log(1.0 / rare_share)
        self._log_common = math.log(1.0 / common_share)
        # Counts are kept scaled by exp((t - t0) / tau) at the time t of each observation, so that one
        # multiplication by exp(-(now - t0) / tau) decays all of them at once (no per-feature clock).
        self._t0: float | None = None
        self._df: dict[int, float] = {}
        self._n = 0.0
        self._rare_share = rare_share
        self._common_share = common_share
        self._last: tuple[float, float] = (math.nan, 1.0)  # (time, growth) of the last call

    def _growth(self, now: float) -> float:
        """exp((now - t0) / tau), re-basing t0 before the numbers get large."""
        last_now, last_growth = self._last
        if now == last_now:
            return last_growth
        if self._t0 is None:
            self._t0 = now
        x = (now - self._t0) / self._tau
        if x > 200.0:
            shrink = math.exp(-x)
            self._df = {f: v * shrink for f, v in self._df.items()}
            self._n *= shrink
            self._t0 = now
            x = 0.0
        growth = math.exp(x)
        self._last = (now, growth)
        return growth

    def observe_incident(self, features: Iterable[int], at: datetime) -> None:
        """Count a new incident and the features it starts with."""
        self._n += self._growth(at.timestamp())
        self.observe_features(features, at)

    def observe_features(self, features: Iterable[int], at: datetime) -> None:
        """Count features an existing incident gained (each incident counts a feature once). Only
        heads are counted (words, numbers, Chinese bigrams); parts take their head's weight."""
        g = self._growth(at.timestamp())
        df = self._df
        get = df.get
        for f in features:
            if f & 3:
                df[f] = get(f, 0.0) + g

    def weights(self, features: Iterable[int], at: datetime) -> dict[int, float]:
        """Rarity of each feature at time `at`, 0..1: 1 for a feature in fewer than `rare_share` of
        recent incidents, 0 in more than `common_share`, log-linear in between (a soft stop list).

        Steps:
        1. Decay factor for `at`; recent incidents (decayed) plus the prior.
        2. The two counts at which a feature stops being rare and becomes common.
        3. Per feature: 1 below the first, 0 above the second, else
           (log(1/share) - log(1/common_share)) / (log(1/rare_share) - log(1/common_share)).
        """
        params = self._params(at)
        if params is None:
            return dict.fromkeys(features, 1.0)
        get, decay, log_total, none, span, rare_below, common_above = params
        out = {}
        for f in features:
            count = get(f, 0.0) * decay
            if count <= rare_below:
                out[f] = 1.0
            elif count >= common_above:
                out[f] = 0.0
            else:
                out[f] = (log_total - math.log(count + 1.0) - none) / span
        return out

    def _params(self, at: datetime):
        """What `weights` needs at time `at` (None before anything was observed); `_Probe` inlines the
        per-feature arithmetic with these."""
        if self._t0 is None:
            return None
        decay = 1.0 / self._growth(at.timestamp())
        total = self._n * decay + self._prior
        none = self._log_common
        return (
            self._df.get,
            decay,
            math.log(total),
            none,
            self._log_rare - none,
            total * self._rare_share - 1.0,
            total * self._common_share - 1.0,
        )

    def __len__(self) -> int:
        return len(self._df)


# --------------------------------------------------------------------------------------------------
# Reports and candidates
# --------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class ReportFeatures:
    """What grouping needs to know about one report.

    `area` is the neighborhood code (an NTA in NYC) resolved from the point, or from the place the
    text names when there is no point. `signature` may be left out: it is computed from `text` the first
    time it is needed.
    """

    report_id: str
    at: datetime
    lat: float | None
    lon: float | None
    area: str | None
    borough: str | None
    text: str
    signature: Signature | None = field(default=None, repr=False, compare=False)
    _units: list[Unit] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("ReportFeatures.at must be timezone-aware")

    @property
    def units(self) -> list[Unit]:
        if self._units is None:
            units, signature = _analyze(self.text)
            self._units = units
            if self.signature is None:
                self.signature = signature
        return self._units

    @property
    def sig(self) -> Signature:
        if self.signature is None:
            units, signature = _analyze(self.text)
            if self._units is None:
                self._units = units
            self.signature = signature
        return self.signature

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None


def report_weights(
    report: ReportFeatures, stats: FeatureStats | None = None, uniform: float | None = None
) -> dict[int, float]:
    """Weight of each of the report's features: its unit head's rarity (from `stats`, or `uniform`
    without) times the head's kind multiplier for the head, times one for its parts.

    Steps:
    1. Rarity of every head at the report's time.
    2. Parts first, then heads, so that a head that is also some other unit's part keeps its own weight.
    """
    units = report.units
    heads = [head for head, _parts in units]
    if stats is None:
        base = dict.fromkeys(heads, DEFAULT_RULES.uniform_weight if uniform is None else uniform)
    else:
        base = stats.weights(heads, report.at)
    mult = KIND_MULTIPLIER
    out: dict[int, float] = {}
    for head, parts in units:
        if parts:
            out.update(dict.fromkeys(parts, base[head]))
    for head in heads:
        out[head] = base[head] * mult[head & 3]
    return out


# A candidate's signature is the union of its reports'; past this size new features are not added, so
# one long-running incident cannot come to contain every word and swallow unrelated reports.
MAX_CANDIDATE_SIGNATURE = 800
# Beyond this from an established centroid, a report's point is treated as an outlier (see absorb).
OUTLIER_M = 250.0


# The binary summary: a format byte, then the scalars and the lengths of what follows.
SUMMARY_FORMAT = 1
_SUMMARY_HEAD = struct.Struct("<BqqddIIdHHHIII")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _micros(at: datetime) -> int:
    return (at - _EPOCH) // timedelta(microseconds=1)


def _from_micros(value: int) -> datetime:
    return _EPOCH + timedelta(microseconds=value)


@dataclass(slots=True)
class CandidateState:
    """The summary of an open candidate incident that grouping compares new reports with.

    The database layer stores it with the incident (see `as_dict`/`from_dict`) and hands it back.
    `signature` is the union of the reports' signatures (a plain set, grown in place).
    `lat`/`lon` is the mean of the points of the reports that had one (outliers aside); `point_count`
    is how many went into it, so the mean can be updated without the reports.
    """

    incident_id: str
    first_at: datetime
    last_at: datetime
    lat: float | None = None
    lon: float | None = None
    areas: set[str] = field(default_factory=set)
    signature: set[int] = field(default_factory=set)
    report_count: int = 0
    point_count: int = 0
    boroughs: set[str] = field(default_factory=set)
    text_weight: float = 0.0
    numbers: dict[int, float] = field(default_factory=dict)
    streets: dict[int, float] = field(default_factory=dict)
    # Scoring compares times as POSIX seconds; kept in step with first_at/last_at by absorb.
    _first_ts: float = field(default=0.0, init=False, repr=False, compare=False)
    _last_ts: float = field(default=0.0, init=False, repr=False, compare=False)
    # Totals of `numbers` (street numbers only) and `streets`, kept by absorb for the conflict rules.
    _number_total: float = field(default=0.0, init=False, repr=False, compare=False)
    _street_total: float = field(default=0.0, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._first_ts = self.first_at.timestamp()
        self._last_ts = self.last_at.timestamp()
        self._number_total = sum(v for f, v in self.numbers.items() if f & 3 == KIND_NUMBER)
        self._street_total = sum(self.streets.values())

    @classmethod
    def start(
        cls,
        incident_id: str,
        report: ReportFeatures,
        stats: FeatureStats | None = None,
        weights: dict[int, float] | None = None,
        place_words: frozenset[int] | None = None,
    ) -> CandidateState:
        """A new candidate holding just this report."""
        state = cls(incident_id=incident_id, first_at=report.at, last_at=report.at)
        state.absorb(report, stats, weights, place_words)
        return state

    def absorb(
        self,
        r: ReportFeatures,
        stats: FeatureStats | None = None,
        weights: dict[int, float] | None = None,
        place_words: frozenset[int] | None = None,
    ) -> frozenset[int]:
        """Add a report to the summary; return the text features the candidate did not have yet.

        `text_weight` grows by the weight the new features have when they arrive (from `weights`, the
        report's weights if the caller has them, else from `stats`, else `Rules.uniform_weight`): how
        much the candidate itself says, which is what lets a report naming another place count against
        it. `numbers` and `streets` keep the weight of each number and street name (a word of
        `place_words`) the same way, for the conflict rules.

        Steps:
        1. Widen the time span.
        2. Move the centroid: running mean over the reports that have a point, outliers left out.
        3. Add the report's area (unless its point is an outlier) and borough.
        4. Add its text features, up to `MAX_CANDIDATE_SIGNATURE`, and their weight.
        5. Count it.
        """
        ts = r.at.timestamp()
        if self.report_count == 0 or ts < self._first_ts:
            self.first_at, self._first_ts = r.at, ts
        if self.report_count == 0 or ts > self._last_ts:
            self.last_at, self._last_ts = r.at, ts
        outlier = False
        if r.lat is not None and r.lon is not None:
            n = self.point_count
            if n == 0 or self.lat is None or self.lon is None:
                self.lat, self.lon = r.lat, r.lon
                self.point_count = 1
            elif n >= 2 and meters_between(r.lat, r.lon, self.lat, self.lon) > OUTLIER_M:
                # A point far from a centroid that two or more points agree on is a poor fix or a
                # reporter down the street: it joins, but neither moves the centroid nor adds its area.
                outlier = True
            else:
                self.lat += (r.lat - self.lat) / (n + 1)
                self.lon += (r.lon - self.lon) / (n + 1)
                self.point_count = n + 1
        if r.area and not outlier:
            self.areas.add(r.area)
        if r.borough:
            self.boroughs.add(r.borough)
        added: frozenset[int] = frozenset()
        if len(self.signature) < MAX_CANDIDATE_SIGNATURE:
            added = r.sig - self.signature
            if added:
                self.signature |= added
                if weights is None:
                    weights = report_weights(r, stats)
                self.text_weight += sum(map(weights.__getitem__, added))
                for head, _parts in r._units or r.units:
                    if head in added:
                        kind = head & 3
                        if kind & 1:  # KIND_NUMBER or KIND_DIGIT
                            if head not in self.numbers:  # a report may repeat a number
                                self.numbers[head] = weights[head]
                                if kind == KIND_NUMBER:
                                    self._number_total += weights[head]
                        elif kind == KIND_WORD and place_words and head in place_words and weights[head] > 0.0:
                            if head not in self.streets:
                                self.streets[head] = weights[head]
                                self._street_total += weights[head]
        self.report_count += 1
        return added

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None

    def as_dict(self) -> dict:
        """A JSON-friendly form for storage next to the incident."""
        return {
            "incident_id": self.incident_id,
            "first_at": self.first_at.isoformat(),
            "last_at": self.last_at.isoformat(),
            "lat": self.lat,
            "lon": self.lon,
            "areas": sorted(self.areas),
            "signature": sorted(self.signature),
            "report_count": self.report_count,
            "point_count": self.point_count,
            "boroughs": sorted(self.boroughs),
            "text_weight": self.text_weight,
            "numbers": sorted([f, w] for f, w in self.numbers.items()),
            "streets": sorted([f, w] for f, w in self.streets.items()),
        }

    def copy(self) -> CandidateState:
        """An independent copy (the sets and maps are copied, not shared)."""
        return CandidateState(
            incident_id=self.incident_id,
            first_at=self.first_at,
            last_at=self.last_at,
            lat=self.lat,
            lon=self.lon,
            areas=set(self.areas),
            signature=set(self.signature),
            report_count=self.report_count,
            point_count=self.point_count,
            boroughs=set(self.boroughs),
            text_weight=self.text_weight,
            numbers=dict(self.numbers),
            streets=dict(self.streets),
        )

    def to_bytes(self) -> bytes:
        """A compact binary form of `as_dict` for storage: packing takes a tenth of the time JSON does,
        and grouping writes one per report while holding the lock (see `from_bytes`)."""
        ident = self.incident_id.encode()
        areas = "\x1f".join(sorted(self.areas)).encode()
        boroughs = "\x1f".join(sorted(self.boroughs)).encode()
        n_sig, n_num, n_str = len(self.signature), len(self.numbers), len(self.streets)
        head = _SUMMARY_HEAD.pack(
            SUMMARY_FORMAT,
            _micros(self.first_at),
            _micros(self.last_at),
            math.nan if self.lat is None else self.lat,
            math.nan if self.lon is None else self.lon,
            self.report_count,
            self.point_count,
            self.text_weight,
            len(ident),
            len(areas),
            len(boroughs),
            n_sig,
            n_num,
            n_str,
        )
        return b"".join(
            (
                head,
                ident,
                areas,
                boroughs,
                struct.pack(f"<{n_sig}I", *self.signature),
                struct.pack(f"<{n_num}I{n_num}d", *self.numbers.keys(), *self.numbers.values()),
                struct.pack(f"<{n_str}I{n_str}d", *self.streets.keys(), *self.streets.values()),
            )
        )

    @classmethod
    def from_bytes(cls, blob: bytes) -> CandidateState:
        """The state `to_bytes` wrote; ValueError if the bytes are not one."""
        if not blob or blob[0] != SUMMARY_FORMAT:
            raise ValueError("not a grouping summary")
        (_v, first, last, lat, lon, count, points, weight, n_id, n_areas, n_boroughs, n_sig, n_num, n_str) = (
            _SUMMARY_HEAD.unpack_from(blob)
        )
        at = _SUMMARY_HEAD.size
        ident = blob[at : at + n_id].decode()
        at += n_id
        areas = blob[at : at + n_areas].decode()
        at += n_areas
        boroughs = blob[at : at + n_boroughs].decode()
        at += n_boroughs
        signature = struct.unpack_from(f"<{n_sig}I", blob, at)
        at += 4 * n_sig
        numbers = struct.unpack_from(f"<{n_num}I{n_num}d", blob, at)
        at += 12 * n_num
        streets = struct.unpack_from(f"<{n_str}I{n_str}d", blob, at)
        return cls(
            incident_id=ident,
            first_at=_from_micros(first),
            last_at=_from_micros(last),
            lat=None if math.isnan(lat) else lat,
            lon=None if math.isnan(lon) else lon,
            areas=set(areas.split("\x1f")) if areas else set(),
            signature=set(signature),
            report_count=count,
            point_count=points,
            boroughs=set(boroughs.split("\x1f")) if boroughs else set(),
            text_weight=weight,
            numbers=dict(zip(numbers[:n_num], numbers[n_num:], strict=True)),
            streets=dict(zip(streets[:n_str], streets[n_str:], strict=True)),
        )

    @classmethod
    def from_dict(cls, data: dict) -> CandidateState:
        return cls(
            incident_id=str(data["incident_id"]),
            first_at=datetime.fromisoformat(data["first_at"]),
            last_at=datetime.fromisoformat(data["last_at"]),
            lat=data.get("lat"),
            lon=data.get("lon"),
            areas=set(data.get("areas", ())),
            signature=set(data.get("signature", ())),
            report_count=int(data.get("report_count", 0)),
            point_count=int(data.get("point_count", 0)),
            boroughs=set(data.get("boroughs", ())),
            text_weight=float(data.get("text_weight", 0.0)),
            numbers={int(f): float(w) for f, w in data.get("numbers", ())},
            streets={int(f): float(w) for f, w in data.get("streets", ())},
        )


# --------------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rules:
    """The knobs of the score, which is a sum of log-odds contributions (positive: same scene).

    The contributions were fitted by logistic regression (`python bench/clustering.py --fit`, on
    generated sets whose seeds the benchmark does not measure) and rounded; `unknown_place`,
    `uncontested` and the caps were set by hand. They read as plain rules:

    window: a report joins only a candidate whose reports are at most this far from it in time.
    max_span: a candidate stops taking reports once it would cover more than this.
    max_distance_m: between two points, beyond this never the same scene, whatever the text says.
    point: both sides have a point (then distance decides, below); `bias` already counts against.
    per_100m / per_100m_far: distance penalty per 100 m, up to bend_m and beyond it.
    same_area: one side has no point, but the report's area is one of the candidate's. A neighboring
        area (when the neighbors callable is given) gets `neighbor_area`; any other area gets
        `other_area` (None: excluded), so that strong text can overrule a gazetteer that put a named
        corner in the wrong neighborhood. `unknown_place` when one side has no area at all.
    text_match / text_cap: per unit of matched text weight (see `FeatureStats.weights`), up to
        text_cap units.
    mismatch: per unit of (report text the candidate lacks) x (the candidate's own text weight) /
        candidate_text_cap: a candidate of vague reports cannot contradict anything.
    number_conflict: per unit of (report numbers the candidate lacks) x (candidate numbers the report
        lacks) / number_cap: both give street numbers, and not the same ones.
    street_conflict / street_cap: the same for street names (words of `place_words`, when given).
    count_match / count_mismatch: common numbers (those too frequent to weigh anything, in practice
        vehicle and people counts, "3 vans") agree, or both sides give some and none agree.
    per_log_minute / per_half_hour: the time gap to the candidate, log-shaped plus linear.
    uniform_weight: the weight of a feature (before its kind multiplier) when no `FeatureStats` is
        given.
    uncontested / plausible_band: when only one candidate scores within plausible_band of
        (threshold - uncontested), it joins from threshold - uncontested: with no competitor around,
        a weaker match is enough.
    """

    window: timedelta = timedelta(hours=3)
    max_span: timedelta = timedelta(hours=6)
    max_distance_m: float = 1000.0
    bias: float = 1.77
    point: float = 5.33
    per_100m: float = -1.63
    per_100m_far: float = -0.7
    bend_m: float = 300.0
    same_area: float = 1.4
    neighbor_area: float = -1.51
    other_area: float | None = -3.45
    unknown_place: float = -1.0
    text_match: float = 0.36
    text_cap: float = 8.0
    mismatch: float = -0.09
    mismatch_cap: float = 10.0
    candidate_text_cap: float = 30.0
    number_conflict: float = -3.32
    number_cap: float = 6.0
    street_conflict: float = -1.67
    street_cap: float = 6.0
    count_match: float = 0.71
    count_mismatch: float = -1.25
    per_log_minute: float = -0.62
    per_half_hour: float = -0.43
    uniform_weight: float = 0.5
    uncontested: float = 0.5
    plausible_band: float = 2.0
    window_seconds: float = field(default=0.0, init=False, repr=False, compare=False)
    max_span_seconds: float = field(default=0.0, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Scoring compares POSIX seconds; worked out once here rather than per report, and kept on the
        # object itself so that no cache outside it keeps a Rules alive once nobody uses it.
        object.__setattr__(self, "window_seconds", self.window.total_seconds())
        object.__setattr__(self, "max_span_seconds", self.max_span.total_seconds())


DEFAULT_RULES = Rules()


DEFAULT_THRESHOLD = -1.0
EXCLUDED = float("-inf")


def meters_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance in meters (equirectangular: exact enough at city scale and cheap)."""
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return 6_371_000.0 * math.hypot(x, y)


class _Probe:
    """One report prepared for scoring against many candidates (weights and neighbors looked up once)."""

    __slots__ = (
        "report",
        "ts",
        "sig",
        "weights",
        "total",
        "numbers",
        "streets",
        "place_words",
        "counts_given",
        "near_areas",
        "rules",
        "window",
        "max_span",
    )

    def __init__(
        self,
        report: ReportFeatures,
        neighbors: Neighbors | None,
        rules: Rules,
        stats: FeatureStats | None,
        place_words: frozenset[int] | None = None,
    ) -> None:
        self.report = report
        self.rules = rules
        self.ts = report.at.timestamp()
        self.sig = report.sig
        units = report.units
        # One pass over the units: weights (parts take their head's rarity), street numbers, counts,
        # and street names (see report_weights, which this inlines for speed).
        params = stats._params(report.at) if stats is not None else None
        if params is not None:
            get, decay, log_total, none, span, rare_below, common_above = params
        elif stats is not None:
            rare_below = math.inf  # nothing observed yet: every feature is rare
        uniform = rules.uniform_weight
        log = math.log
        w: dict[int, float] = {}
        heads: list[tuple[int, float]] = []
        numbers: list[tuple[int, float]] = []
        counts: list[int] = []
        streets: list[tuple[int, float]] = []
        for head, parts in units:
            if stats is None:
                b = uniform
            else:
                count = get(head, 0.0) * decay if params is not None else 0.0
                if count <= rare_below:
                    b = 1.0
                elif count >= common_above:
                    b = 0.0
                else:
                    b = (log_total - log(count + 1.0) - none) / span
            if parts:
                w.update(dict.fromkeys(parts, b))
            kind = head & 3
            if kind == KIND_NUMBER:
                numbers.append((head, b * 3.0))
                if b * 3.0 < COMMON_NUMBER_WEIGHT:
                    counts.append(head)
                heads.append((head, b * 3.0))
            elif kind == KIND_WORD:
                if place_words and head in place_words:
                    streets.append((head, b * 2.0))
                heads.append((head, b * 2.0))
            else:
                if kind == KIND_DIGIT:
                    counts.append(head)
                heads.append((head, b * KIND_MULTIPLIER[kind]))
        # Heads last: a head that is also another unit's part keeps its own weight.
        w.update(heads)
        self.weights = w
        self.total = sum(w.values())
        self.numbers = numbers
        self.counts_given = counts
        self.streets = streets
        self.place_words = place_words
        self.near_areas = frozenset(neighbors(report.area)) if (neighbors is not None and report.area) else frozenset()
        self.window, self.max_span = rules.window_seconds, rules.max_span_seconds

    def place(self, c: CandidateState) -> float:
        """Place contribution, or EXCLUDED.

        Steps:
        1. Both have points: `point`, less the distance penalty (steeper up to bend_m); excluded
           beyond max_distance_m.
        2. Otherwise by area: the same neighborhood gives `same_area`, a neighboring one
           `neighbor_area`, any other `other_area` (or excludes, when that is None).
        3. Otherwise (no area on one side): a different borough excludes; else `unknown_place`.
        """
        r, rules = self.report, self.rules
        if r.lat is not None and r.lon is not None and c.lat is not None and c.lon is not None:
            d = meters_between(r.lat, r.lon, c.lat, c.lon)
            if d > rules.max_distance_m:
                return EXCLUDED
            near = min(d, rules.bend_m)
            return rules.point + rules.per_100m * near / 100.0 + rules.per_100m_far * (d - near) / 100.0
        if r.area and c.areas:
            if r.area in c.areas:
                return rules.same_area
            near = self.near_areas
            if near and not near.isdisjoint(c.areas):
                return rules.neighbor_area
            return EXCLUDED if rules.other_area is None else rules.other_area
        if r.borough and c.boroughs and r.borough not in c.boroughs:
            return EXCLUDED
        return rules.unknown_place

    def matched(self, c: CandidateState) -> float:
        """Weight of the report's text features that the candidate has already seen."""
        common = self.sig & c.signature
        if not common:
            return 0.0
        w = self.weights
        return sum(w[f] for f in common)

    def text_parts(self, c: CandidateState) -> tuple[float, float, float, float, float, float]:
        """(matched, unmatched, then street numbers and street names: the report's the candidate lacks,
        and the candidate's the report lacks)."""
        common = self.sig & c.signature
        matched = sum(map(self.weights.__getitem__, common)) if common else 0.0
        report_numbers = candidate_numbers = 0.0
        if self.numbers:
            theirs = c.numbers
            candidate_numbers = c._number_total
            for f, v in self.numbers:
                if f in theirs:
                    candidate_numbers -= theirs[f]
                elif f not in common:
                    report_numbers += v
        report_streets = candidate_streets = 0.0
        if self.streets:
            theirs = c.streets
            candidate_streets = c._street_total
            for f, v in self.streets:
                if f in theirs:
                    candidate_streets -= theirs[f]
                elif f not in common:
                    report_streets += v
        if candidate_numbers < 1e-9:
            candidate_numbers = 0.0
        if candidate_streets < 1e-9:
            candidate_streets = 0.0
        return matched, self.total - matched, report_numbers, candidate_numbers, report_streets, candidate_streets

    def counts(self, c: CandidateState) -> float:
        """Contribution of counts (one-digit numbers not marked as streets, and numbers too common to be
        a street): some agree for; both give some and none agree, against."""
        mine = self.counts_given
        theirs = c.numbers
        if not mine or not theirs:
            return 0.0
        for f in mine:
            if f in theirs:
                return self.rules.count_match
        for f, v in theirs.items():
            if f & 3 == KIND_DIGIT or v < COMMON_NUMBER_WEIGHT:
                return self.rules.count_mismatch
        return 0.0

    def text(self, c: CandidateState) -> float:
        """Text contribution: matched weight for; against, the report's unmatched weight in proportion
        to how much the candidate says itself, and street numbers that disagree; counts either way."""
        rules = self.rules
        matched, unmatched, report_numbers, candidate_numbers, report_streets, candidate_streets = self.text_parts(c)
        own = min(c.text_weight, rules.candidate_text_cap)
        out = rules.text_match * min(matched, rules.text_cap)
        if unmatched > 0.0 and own > 0.0:
            out += rules.mismatch * min(unmatched, rules.mismatch_cap) * own / rules.candidate_text_cap
        if candidate_numbers:
            cap = rules.number_cap
            out += rules.number_conflict * min(report_numbers, cap) * min(candidate_numbers, cap) / cap
        if candidate_streets:
            cap = rules.street_cap
            out += rules.street_conflict * min(report_streets, cap) * min(candidate_streets, cap) / cap
        if self.counts_given and c.numbers:
            out += self.counts(c)
        return out

    def gap(self, c: CandidateState) -> float | None:
        """Seconds between the report and the candidate's span, or None when out of the window or
        when the candidate would grow past its maximum span."""
        first, last = c._first_ts, c._last_ts
        ts = self.ts
        gap = first - ts if ts < first else ts - last if ts > last else 0.0
        if gap > self.window or max(last, ts) - min(first, ts) > self.max_span:
            return None
        return gap

    def score(self, c: CandidateState) -> float:
        """See `score`."""
        gap = self.gap(c)
        if gap is None:
            return EXCLUDED
        place = self.place(c)
        if place == EXCLUDED:
            return EXCLUDED
        rules = self.rules
        minutes = gap / 60.0
        return (
            rules.bias
            + place
            + rules.per_log_minute * math.log1p(minutes)
            + rules.per_half_hour * minutes / 30.0
            + self.text(c)
        )


def score(
    report: ReportFeatures,
    candidate: CandidateState,
    neighbors: Neighbors | None = None,
    rules: Rules = DEFAULT_RULES,
    stats: FeatureStats | None = None,
    place_words: frozenset[int] | None = None,
) -> float:
    """Log-odds that the report belongs to the candidate (`EXCLUDED`, minus infinity, if it cannot).

    Steps:
    1. Time: outside the window, or past the candidate's maximum span, excludes; otherwise the gap
       counts against, more for the first minutes than for later ones.
    2. Place: distance between points, else area (neighbors count when the callable is given), else
       borough; see `Rules`.
    3. Text: weight of the report's features the candidate has (weights from `stats`, uniform
       without), less what the report says that the candidate does not, in proportion to how much the
       candidate says; street numbers and street names (`place_words`) that disagree; counts.
    4. The sum, with the bias (a report is more often not about a given nearby candidate).
    """
    return _Probe(report, neighbors, rules, stats, place_words).score(candidate)


def text_evidence(report: ReportFeatures, candidate: CandidateState, stats: FeatureStats | None = None) -> float:
    """The matched text weight on its own (how much of what the report says the candidate has said)."""
    return _Probe(report, None, DEFAULT_RULES, stats).matched(candidate)


def _choose(probe: _Probe, candidates: Iterable[CandidateState], threshold: float) -> CandidateState | None:
    """Steps:
    1. Score every candidate; keep the best (ties: most recent report, then smaller id).
    2. Count the plausible ones (within `Rules.plausible_band` of the threshold).
    3. The best joins if it reaches the threshold, or the threshold less `Rules.uncontested` when it
       is the only plausible candidate (nothing else nearby could claim the report).
    """
    rules = probe.rules
    best: CandidateState | None = None
    best_score = EXCLUDED
    plausible = 0
    floor = threshold - rules.uncontested - rules.plausible_band
    for candidate in candidates:
        s = probe.score(candidate)
        if s == EXCLUDED:
            continue
        if s >= floor:
            plausible += 1
        if (
            best is None
            or s > best_score
            or (s == best_score and candidate.last_at > best.last_at)
            or (s == best_score and candidate.last_at == best.last_at and candidate.incident_id < best.incident_id)
        ):
            best, best_score = candidate, s
    if best is None:
        return None
    limit = threshold - rules.uncontested if plausible == 1 else threshold
    return best if best_score >= limit else None


def choose_candidate(
    report: ReportFeatures,
    candidates: Iterable[CandidateState],
    threshold: float = DEFAULT_THRESHOLD,
    neighbors: Neighbors | None = None,
    rules: Rules = DEFAULT_RULES,
    stats: FeatureStats | None = None,
    place_words: frozenset[int] | None = None,
) -> CandidateState | None:
    """The candidate the report belongs to, or None to start a new incident.

    `candidates` are the open candidates that could match: those near the report's point, those in
    its area or a neighboring one, and, for a report without a point, those elsewhere that share one
    of its `key_features` (a gazetteer may have put the place it names in the wrong neighborhood);
    passing more is harmless, scoring excludes what cannot match. Ties go to the candidate with the
    most recent report, then the smaller incident id, so the choice does not depend on the order the
    database returned them in.
    """
    return _choose(_Probe(report, neighbors, rules, stats, place_words), candidates, threshold)


def place_word_features(names: Iterable[str]) -> frozenset[int]:
    """The whole-word features of street names (a jurisdiction's street list), for the street-name
    conflict rule: "Waverly" against "Sullivan" says more than "papers" against "building"."""
    out: set[int] = set()
    for name in names:
        for head, _parts in text_units(name):
            if head & 3 == KIND_WORD:
                out.add(head)
    return frozenset(out)


def key_features(signature: Iterable[int]) -> frozenset[int]:
    """The features worth indexing to find candidates by text: whole words and street numbers."""
    return frozenset(f for f in signature if f & 3 in (KIND_NUMBER, KIND_WORD))


@dataclass
class GroupingContext:
    """What the database layer keeps per process to group reports as the benchmark does.

    neighbors: the jurisdiction's neighboring areas (e.g. `vigil.geo.areas.nearby_neighborhoods` with
        a distance bound in); place_words: `place_word_features` of the jurisdiction's street names;
    stats: feature statistics, warmed with `warm` (open candidates) or `warm_reports` (the reports of
    the last two days or so) and kept up to date by `start` and `absorb`.

    Both matter: on the benchmark set, precision falls from about 0.97 to about 0.91 without the street
    list, and to about 0.83 with neither the street list nor the statistics (every feature then weighs
    the same, and only the stop list keeps common words from counting).

    The statistics are per process: each process warms its own from the database and then counts only
    the reports it groups itself, so two processes weigh a word a little differently until they are
    restarted (the weights follow the vocabulary of the last days; a small difference moves no decision
    that matters). `defer_statistics` says when a report is counted: None counts it at once; the
    database layer passes `transaction.on_commit`, so a report whose transaction is rolled back (a
    repeated idempotency key, any later failure) is never counted.

    Usage: `chosen = ctx.choose(report, candidates)`; then `ctx.absorb(chosen, report)` or
    `ctx.start(new_id, report)`, and store the candidate's `as_dict()`. After a correction,
    `ctx.summarize(incident_id, reports)` makes the summary again from the incident's reports.
    """

    neighbors: Neighbors | None = None
    place_words: frozenset[int] | None = None
    stats: FeatureStats | None = field(default_factory=FeatureStats)
    rules: Rules = DEFAULT_RULES
    threshold: float = DEFAULT_THRESHOLD
    defer_statistics: Callable[[Callable[[], None]], None] | None = None

    def _count(self, update: Callable[[], None]) -> None:
        if self.defer_statistics is None:
            update()
        else:
            self.defer_statistics(update)

    def warm(self, candidates: Iterable[CandidateState]) -> None:
        """Count past incidents into the statistics, oldest first (each once: call on a fresh context)."""
        if self.stats is None:
            return
        for c in sorted(candidates, key=lambda c: (c.first_at, c.incident_id)):
            self.stats.observe_incident([f for f in c.signature if f & 3], c.first_at)

    def warm_reports(self, reports: Iterable[tuple[str, ReportFeatures]]) -> None:
        """Count past incidents from their reports, (incident id, report) pairs in any order: for when
        closed incidents no longer keep their summaries. Each incident counts once, at its first report.
        """
        if self.stats is None:
            return
        heads: dict[str, set[int]] = {}
        first: dict[str, datetime] = {}
        for incident_id, r in reports:
            heads.setdefault(incident_id, set()).update(map(_FIRST, r.units))
            if incident_id not in first or r.at < first[incident_id]:
                first[incident_id] = r.at
        for incident_id in sorted(first, key=lambda i: (first[i], i)):
            self.stats.observe_incident(heads[incident_id], first[incident_id])

    def probe(self, report: ReportFeatures) -> _Probe:
        """The report's weighted features, ready to score candidates: the part of `choose` that does not
        depend on the candidates, so a caller can work it out before taking the grouping lock."""
        return _Probe(report, self.neighbors, self.rules, self.stats, self.place_words)

    def choose(
        self, report: ReportFeatures, candidates: Iterable[CandidateState], probe: _Probe | None = None
    ) -> CandidateState | None:
        """The candidate the report belongs to, or None (see `choose_candidate`)."""
        return _choose(probe or self.probe(report), candidates, self.threshold)

    def start(self, incident_id: str, report: ReportFeatures) -> CandidateState:
        """A new candidate for this report, counted in the statistics (see `defer_statistics`)."""
        state = CandidateState.start(incident_id, report, self.stats, None, self.place_words)
        if self.stats is not None:
            self._count(
                functools.partial(
                    self.stats.observe_incident, list(dict.fromkeys(map(_FIRST, report.units))), report.at
                )
            )
        return state

    def absorb(self, candidate: CandidateState, report: ReportFeatures) -> frozenset[int]:
        """Add the report to the candidate; count what the candidate newly mentions (see `defer_statistics`)."""
        added = candidate.absorb(report, self.stats, None, self.place_words)
        if self.stats is not None and added:
            heads = [h for h, _parts in report.units if h in added]
            self._count(functools.partial(self.stats.observe_features, heads, report.at))
        return added

    def summarize(self, incident_id: str, reports: Iterable[ReportFeatures]) -> CandidateState | None:
        """The summary of an incident holding these reports, made as `start` and `absorb` make it live
        (same weights, same street list), oldest report first; None without reports. Nothing is counted
        in the statistics: the reports were counted when they arrived."""
        state: CandidateState | None = None
        for report in sorted(reports, key=lambda r: (r.at, r.report_id)):
            if state is None:
                state = CandidateState.start(incident_id, report, self.stats, None, self.place_words)
            else:
                state.absorb(report, self.stats, None, self.place_words)
        return state


# --------------------------------------------------------------------------------------------------
# In-memory streaming grouper
# --------------------------------------------------------------------------------------------------


class Grouper:
    """Groups a stream of reports in memory, the way the database layer does one report at a time.

    Only candidates that could possibly match are scored (blocking): those whose centroid lies in the
    grid cells around the report's point, those sharing the report's area or a neighboring one, and,
    for a report without a point, those sharing one of its distinctive words or numbers. Candidates
    idle for longer than twice the time window are closed and leave the indexes, so the work per
    report stays flat however long the stream. Feature statistics (`FeatureStats`) are kept along the
    way unless `use_stats` is false.
    """

    def __init__(
        self,
        threshold: float = DEFAULT_THRESHOLD,
        neighbors: Neighbors | None = None,
        rules: Rules = DEFAULT_RULES,
        id_prefix: str = "c",
        use_stats: bool = True,
        place_words: frozenset[int] | None = None,
    ) -> None:
        self.threshold = threshold
        self.place_words = place_words
        self.rules = rules
        self.stats = FeatureStats() if use_stats else None
        self._neighbors_fn = neighbors
        self._neighbor_cache: dict[str, frozenset[str]] = {}
        self._neighbors_arg = self._neighbors if neighbors is not None else None
        self._id_prefix = id_prefix
        self._next = 0
        self.incidents: dict[str, CandidateState] = {}
        self.assignments: dict[str, str] = {}
        self._open: dict[str, CandidateState] = {}
        self._cell_of: dict[str, int] = {}
        self._by_cell: dict[int, set[str]] = {}
        self._by_area: dict[str, set[str]] = {}
        self._by_key: dict[int, set[str]] = {}
        self._keys_of: dict[str, list[int]] = {}
        self._nowhere: dict[str | None, set[str]] = {}
        self._nowhere_ids: set[str] = set()
        self._area_count: dict[str, int] = {}
        # Candidates without a centroid, by area: what a report with a point cannot find in the grid.
        self._by_area_nopoint: dict[str, set[str]] = {}
        self._nopoint_ids: set[str] = set()
        self._expiry: list[tuple[float, str]] = []
        self._watermark = float("-inf")
        self._idle = 2 * rules.window.total_seconds()
        # Cells at least max_distance wide, so the 3x3 block around a point covers every centroid
        # that could be within max_distance. Longitude cells assume latitudes below 60 degrees.
        self._cell_lat = rules.max_distance_m / 111_000.0
        self._cell_lon = rules.max_distance_m / (111_000.0 * 0.5)

    def _neighbors(self, area: str) -> frozenset[str]:
        cached = self._neighbor_cache.get(area)
        if cached is None:
            cached = frozenset(self._neighbors_fn(area)) - {area} if self._neighbors_fn else frozenset()
            self._neighbor_cache[area] = cached
        return cached

    def _cell(self, lat: float, lon: float) -> tuple[int, int]:
        return (math.floor(lat / self._cell_lat), math.floor(lon / self._cell_lon))

    @staticmethod
    def _cell_key(row: int, col: int) -> int:
        # One int per cell: cheaper to hash than a tuple, and rows and columns never reach 2**20.
        return (row << 21) + col

    def _index(self, c: CandidateState, keys: list[int]) -> None:
        """Put the candidate in the grid (by centroid), area and word indexes; `keys` are the words and
        street numbers it has just gained."""
        cid = c.incident_id
        if c.lat is not None and c.lon is not None:
            cell = self._cell_key(*self._cell(c.lat, c.lon))
            old = self._cell_of.get(cid)
            if old != cell:
                if old is not None:
                    self._by_cell[old].discard(cid)
                self._by_cell.setdefault(cell, set()).add(cid)
                self._cell_of[cid] = cell
        if len(c.areas) != self._area_count.get(cid, 0):
            self._area_count[cid] = len(c.areas)
            for area in c.areas:
                self._by_area.setdefault(area, set()).add(cid)
                if not c.has_point:
                    self._by_area_nopoint.setdefault(area, set()).add(cid)
        if c.has_point and cid in self._nopoint_ids:
            # It has a centroid now: reports with a point will find it through the grid.
            self._nopoint_ids.discard(cid)
            for area in c.areas:
                ids = self._by_area_nopoint.get(area)
                if ids:
                    ids.discard(cid)
        elif not c.has_point:
            self._nopoint_ids.add(cid)
        if not c.areas and not c.has_point:
            self._nowhere.setdefault(next(iter(c.boroughs), None), set()).add(cid)
            self._nowhere_ids.add(cid)
        elif cid in self._nowhere_ids:
            self._nowhere_ids.discard(cid)
            for ids in self._nowhere.values():
                ids.discard(cid)
        if self.rules.other_area is not None and keys:
            by_key = self._by_key
            for f in keys:
                by_key.setdefault(f, set()).add(cid)
            self._keys_of.setdefault(cid, []).extend(keys)

    def _unindex(self, c: CandidateState) -> None:
        cid = c.incident_id
        cell = self._cell_of.pop(cid, None)
        if cell is not None:
            self._by_cell[cell].discard(cid)
        self._area_count.pop(cid, None)
        for area in c.areas:
            self._by_area[area].discard(cid)
        if cid in self._nopoint_ids:
            self._nopoint_ids.discard(cid)
            for area in c.areas:
                ids = self._by_area_nopoint.get(area)
                if ids:
                    ids.discard(cid)
        if cid in self._nowhere_ids:
            self._nowhere_ids.discard(cid)
            for ids in self._nowhere.values():
                ids.discard(cid)
        by_key = self._by_key
        for f in self._keys_of.pop(cid, ()):
            ids = by_key.get(f)
            if ids is not None:
                ids.discard(cid)
                if not ids:
                    del by_key[f]

    def _expire(self, now: float) -> None:
        """Close candidates idle for more than twice the window (twice: reports may arrive a little out
        of order, and a candidate must still be there for a late one). Times are POSIX seconds."""
        if now > self._watermark:
            self._watermark = now
        horizon = self._watermark - self._idle
        expiry = self._expiry
        while expiry and expiry[0][0] < horizon:
            _, cid = heapq.heappop(expiry)
            c = self._open.get(cid)
            if c is None:
                continue
            if c._last_ts >= horizon:
                heapq.heappush(expiry, (c._last_ts, cid))
                continue
            del self._open[cid]
            self._unindex(c)
            # Closed for good: its text summary is no longer needed, and a long stream would
            # otherwise keep every incident's features in memory.
            c.signature = set()
            c.numbers = {}
            c.streets = {}

    def candidates_for(self, report: ReportFeatures, weights: dict[int, float] | None = None) -> list[CandidateState]:
        """The open candidates worth scoring for this report (blocking).

        Steps:
        1. With a point: candidates whose centroid is in the 3x3 grid cells around it.
        2. With an area: candidates in that area or a neighboring one (for a report with a point, only
           those without a centroid, which the grid cannot find).
        3. Without a point: candidates sharing one of its distinctive words or street numbers
           (weight at least half of a never-seen one, when `weights` are given), wherever they are.
        4. Without point or area: candidates that have neither, in the same borough.
        """
        ids: set[str] = set()
        has_point = report.lat is not None and report.lon is not None
        if has_point:
            # Cells are max_distance wide: a centroid within max_distance of the report lies in the
            # 3x3 block of cells around the report's.
            row, col = self._cell(report.lat, report.lon)
            get = self._by_cell.get
            for key in (self._cell_key(row, col - 1) + d for d in (-1 << 21, 0, 1 << 21)):
                for found in (get(key), get(key + 1), get(key + 2)):
                    if found:
                        ids.update(found)
        if report.area:
            # A report with a point finds every candidate that has a centroid through the grid (the
            # others are beyond max_distance); by area it only needs those without one.
            by_area = self._by_area_nopoint if has_point else self._by_area
            found = by_area.get(report.area)
            if found:
                ids.update(found)
            for area in self._neighbors(report.area):
                found = by_area.get(area)
                if found:
                    ids.update(found)
        if not has_point:
            if self.rules.other_area is not None:
                by_key = self._by_key
                for f, _parts in report.units:
                    kind = f & 3
                    if kind == KIND_NUMBER or kind == KIND_WORD:
                        if weights is not None and weights.get(f, 0.0) < 0.5 * KIND_MULTIPLIER[kind]:
                            continue
                        found = by_key.get(f)
                        if found:
                            ids.update(found)
            if not report.area:
                ids.update(self._nowhere.get(report.borough, ()))
        # Sorted so the outcome never depends on set iteration order.
        return [self._open[i] for i in sorted(ids)]

    def add(self, report: ReportFeatures) -> str:
        """Group one report; return the id of the incident it joined or started.

        Steps:
        1. Close candidates that have gone quiet.
        2. Score the blocked candidates and take the best above the threshold (`choose_candidate`).
        3. Absorb the report into it, or start a new candidate.
        4. Update the feature statistics and the indexes (centroid, areas and words may have changed).
        """
        stats = self.stats
        probe = _Probe(report, self._neighbors_arg, self.rules, stats, self.place_words)
        self._expire(probe.ts)
        chosen = _choose(probe, self.candidates_for(report, probe.weights), self.threshold)
        units = report.units
        if chosen is None:
            self._next += 1
            cid = f"{self._id_prefix}{self._next:07d}"
            chosen = CandidateState.start(cid, report, stats, probe.weights, self.place_words)
            self.incidents[cid] = chosen
            self._open[cid] = chosen
            heapq.heappush(self._expiry, (chosen._last_ts, cid))
            new_heads = list(dict.fromkeys(map(_FIRST, units)))
            if stats is not None:
                stats.observe_incident(new_heads, report.at)
        else:
            added = chosen.absorb(report, stats, probe.weights, self.place_words)
            new_heads = list(dict.fromkeys([h for h in map(_FIRST, units) if h in added])) if added else []
            if stats is not None and new_heads:
                stats.observe_features(new_heads, report.at)
        self._index(chosen, [h for h in new_heads if h & 3 == KIND_NUMBER or h & 3 == KIND_WORD])
        self.assignments[report.report_id] = chosen.incident_id
        return chosen.incident_id

    def add_all(self, reports: Iterable[ReportFeatures]) -> list[str]:
        """Group reports in the order given; return the incident id of each."""
        return [self.add(r) for r in reports]
