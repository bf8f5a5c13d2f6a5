"""Grouping reports into candidate incidents: the pure core.

Every report is placed, on arrival, into an open candidate incident or starts one. The decision uses
three signals an operator would use: time (reports about one scene arrive within a couple of hours),
place (a phone's point, or the neighborhood the text names when there is no point) and text (street
names, numbers and details, in whichever of a dozen languages the reporter wrote).

Text is compared through a signature: a set of hashed features taken from text that has been folded
the same way whatever the language (case, accents, digits of every script, Arabic letter variants,
traditional Chinese characters, Cyrillic romanized), then cut into features by script: character
trigrams and whole words for alphabetic scripts, character bigrams for Chinese and Japanese, syllable
bigrams for Korean, and numbers as tokens of their own because a street number is often the only
thing two reports in two languages share. No language model is involved, so a report in Haitian
Creole is compared exactly like one in English.

This module imports nothing from Django. The database layer keeps one `CandidateState` per open
incident, asks `choose_candidate` which of the nearby open ones a new report belongs to, and calls
`CandidateState.absorb` to update it. `Grouper` does the same in memory for batch work and the
benchmark.
"""

from __future__ import annotations

import heapq
import math
import re
import unicodedata
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

__all__ = [
    "CandidateState",
    "Grouper",
    "ReportFeatures",
    "FeatureStats",
    "Rules",
    "DEFAULT_RULES",
    "DEFAULT_THRESHOLD",
    "choose_candidate",
    "features_signature",
    "normalize_text",
    "score",
    "text_evidence",
    "EXCLUDED",
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
    folded = unicodedata.normalize("NFKC", text).casefold()
    if _HAS_DECOMPOSABLE.search(folded):
        folded = unicodedata.normalize("NFC", unicodedata.normalize("NFD", folded).translate(_MARKS))
    return folded.translate(_FOLD)


# --------------------------------------------------------------------------------------------------
# Features
# --------------------------------------------------------------------------------------------------

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff"
_HANGUL = "\uac00-\ud7a3"
# Alphabetic scripts written with spaces between words: Latin (Cyrillic is romanized by then), Arabic
# and Urdu, Bengali, Devanagari. Punctuation inside those blocks (danda, Arabic comma) is left out.
_ALPHA = "a-z\u00df-\u024f\u0621-\u064a\u066e-\u06d3\u06fa-\u06ff\u0980-\u09e3\u0900-\u0963\u0970-\u097f"
# An ordinal ending right after a number ("3rd", "3e", "3ra", "3-ya" from Cyrillic "3-я") makes it a
# street number rather than a count.
_ORDINAL = r"st|nd|rd|th|e|er|eme|re|ra|ro|da|do|ta|to|va|vo|ya|aya|i|yi|oi|go"
_TOKEN = re.compile(
    rf"(?P<num>[0-9]+)(?:-?(?P<ord>{_ORDINAL})(?![a-z]))?"
    rf"|(?P<han>[{_HAN}]+)|(?P<hangul>[{_HANGUL}]+)|(?P<word>[{_ALPHA}]+)"
)

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
    words: set[str] = set()
    for match in _TOKEN.finditer(normalize_text(blob)):
        if match.lastgroup in ("word", "hangul"):
            words.add(match.group())
    return frozenset(words)


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
KIND_PART = 0  # a character trigram of a word, a Han/kana or Hangul bigram
KIND_NUMBER = 1  # a street or house number: two digits or more, or one digit used as a street
KIND_WORD = 2
KIND_DIGIT = 3  # one digit not marked as a street: a count ("3 vans")
# How much more a whole word or a number says than one piece of a word.
KIND_MULTIPLIER = (1.0, 3.0, 2.0, 2.0)
# A number weighing less than this is one many incidents mention: a count, not a street.
COMMON_NUMBER_WEIGHT = 1.0
_TOKEN_CACHE: dict[tuple[str, str, str, str, str], tuple[int, ...]] = {}
_TOKEN_CACHE_LIMIT = 200_000


def _hash(feature: str, kind: int) -> int:
    # crc32, not hash(): Python salts str hashes per process, and signatures are stored in the database.
    return (zlib.crc32(feature.encode("utf-8")) & ~3) | kind


def _token_features(groups: tuple[str, str, str, str, str]) -> tuple[int, ...]:
    """Hashed features of one token, by script (the token is one of the regex groups).

    Steps:
    1. Numbers: the number without leading zeros (one-digit numbers are handled by the caller, which
       looks at the neighboring tokens).
    2. Alphabetic words: dropped if a stop word or one letter; otherwise the whole word and its
       character trigrams with boundary marks, which survive typos and transliteration.
    3. Han/kana runs: character bigrams, skipping those that hold a very common character.
    4. Hangul words: particle stripped, then the word and its syllable bigrams.
    5. Hash with the kind in the low bits, and remember the result: the vocabulary of reports is
       small next to their number.
    """
    num, _ordinal, han, hangul, word = groups
    feats: list[tuple[str, int]] = []
    if num:
        number = num.lstrip("0") or "0"
        feats.append(("#" + number, KIND_NUMBER if len(number) > 1 else KIND_DIGIT))
    elif word:
        if len(word) > 1 and word not in _STOP:
            feats.append(("w:" + word, KIND_WORD))
            if len(word) > 3:
                padded = f"<{word}>"
                feats.extend((padded[i : i + 3], KIND_PART) for i in range(len(padded) - 2))
    elif han:
        if len(han) == 1:
            if han not in _HAN_STOP:
                feats.append(("h:" + han, KIND_PART))
        else:
            for i in range(len(han) - 1):
                pair = han[i : i + 2]
                if pair[0] not in _HAN_STOP and pair[1] not in _HAN_STOP:
                    feats.append(("h:" + pair, KIND_PART))
    elif hangul:
        stem = hangul
        for particle in _KO_PARTICLES:
            if len(stem) > len(particle) + 1 and stem.endswith(particle):
                stem = stem[: -len(particle)]
                break
        if stem not in _STOP and hangul not in _STOP:
            feats.append(("k:" + stem, KIND_WORD))
            if len(stem) > 2:
                feats.extend(("k:" + stem[i : i + 2], KIND_PART) for i in range(len(stem) - 1))
    result = tuple(_hash(f, kind) for f, kind in feats)
    if len(_TOKEN_CACHE) >= _TOKEN_CACHE_LIMIT:
        _TOKEN_CACHE.clear()
    _TOKEN_CACHE[groups] = result
    return result


def _is_street_word(groups: tuple[str, str, str, str, str]) -> bool:
    _num, _ordinal, han, hangul, word = groups
    if word:
        return word in _STREET_WORDS
    if han:
        return han.startswith(_STREET_HAN)
    return bool(hangul) and hangul in _STREET_WORDS


_DIGIT_AS_STREET = {str(d): _hash(f"#{d}", KIND_NUMBER) for d in range(10)}
_DIGIT_AS_COUNT = {str(d): _hash(f"#{d}", KIND_DIGIT) for d in range(10)}


def features_signature(text: str) -> Signature:
    """The text signature of a report: the set of hashed features of its folded text.

    Steps:
    1. Fold the text (`normalize_text`).
    2. Cut it into tokens by script: numbers (with any ordinal ending), Han/kana runs, Hangul words,
       alphabetic words.
    3. A one-digit number is a street number when it has an ordinal ending or a street-type word
       after it (or before it, for words like "calle"), else a count; it gets the matching kind.
    4. Turn every other token into hashed features (`_token_features`) and collect them in one set.
    """
    feats: set[int] = set()
    cache = _TOKEN_CACHE
    tokens = _TOKEN.findall(normalize_text(text))
    last = len(tokens) - 1
    for i, groups in enumerate(tokens):
        num = groups[0]
        if num and len(num.lstrip("0")) <= 1:
            digit = num.lstrip("0") or "0"
            street = bool(groups[1]) or (i < last and _is_street_word(tokens[i + 1]))
            street = street or (i > 0 and tokens[i - 1][4] in _STREET_FIRST_WORDS)
            feats.add((_DIGIT_AS_STREET if street else _DIGIT_AS_COUNT)[digit])
            continue
        got = cache.get(groups)
        if got is None:
            got = _token_features(groups)
        feats.update(got)
    return frozenset(feats)


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

    The database layer can rebuild one from the signatures and start times of the incidents of the
    last few days (`observe_incident`, oldest first) and keep it per process.
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
        self._df: dict[int, list[float]] = {}
        self._n = 0.0
        self._n_at = 0.0

    def _decay(self, value: float, since: float, now: float) -> float:
        if now <= since:
            return value
        return value * math.exp((since - now) / self._tau)

    def observe_incident(self, features: Iterable[int], at: datetime) -> None:
        """Count a new incident and the features it starts with."""
        now = at.timestamp()
        self._n = self._decay(self._n, self._n_at, now) + 1.0
        self._n_at = max(now, self._n_at)
        self.observe_features(features, at)

    def observe_features(self, features: Iterable[int], at: datetime) -> None:
        """Count features an existing incident gained (each incident counts a feature once)."""
        now = at.timestamp()
        df = self._df
        for f in features:
            entry = df.get(f)
            if entry is None:
                df[f] = [1.0, now]
            else:
                entry[0] = self._decay(entry[0], entry[1], now) + 1.0
                entry[1] = max(now, entry[1])

    def weights(self, features: Iterable[int], at: datetime) -> dict[int, float]:
        """Weight of each feature at time `at`: 1 for a feature in fewer than `rare_share` of recent
        incidents, 0 in more than `common_share`, log-linear in between (a soft stop list), times the
        kind's multiplier (`KIND_MULTIPLIER`)."""
        now = at.timestamp()
        log_n = math.log(self._decay(self._n, self._n_at, now) + self._prior)
        full = self._log_rare
        none = self._log_common
        span = full - none
        df = self._df
        out = {}
        mult = KIND_MULTIPLIER
        for f in features:
            entry = df.get(f)
            if entry is None:
                out[f] = mult[f & 3]
                continue
            # log(1 / share of incidents with the feature), mapped linearly from [none, full] to [0, 1].
            rarity = log_n - math.log(self._decay(entry[0], entry[1], now) + 1.0)
            if rarity >= full:
                out[f] = mult[f & 3]
            elif rarity <= none:
                out[f] = 0.0
            else:
                out[f] = mult[f & 3] * (rarity - none) / span
        return out

    def __len__(self) -> int:
        return len(self._df)


# --------------------------------------------------------------------------------------------------
# Reports and candidates
# --------------------------------------------------------------------------------------------------


@dataclass
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

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("ReportFeatures.at must be timezone-aware")

    @property
    def sig(self) -> Signature:
        if self.signature is None:
            self.signature = features_signature(self.text)
        return self.signature

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None


# A candidate's signature is the union of its reports'; past this size new features are not added, so
# one long-running incident cannot come to contain every word and swallow unrelated reports.
MAX_CANDIDATE_SIGNATURE = 800
# Beyond this from an established centroid, a report's point is treated as an outlier (see absorb).
OUTLIER_M = 250.0


@dataclass
class CandidateState:
    """The summary of an open candidate incident that grouping compares new reports with.

    The database layer stores it with the incident (see `as_dict`/`from_dict`) and hands it back.
    `lat`/`lon` is the mean of the points of the reports that had one (outliers aside); `point_count`
    is how many went into it, so the mean can be updated without the reports.
    """

    incident_id: str
    first_at: datetime
    last_at: datetime
    lat: float | None = None
    lon: float | None = None
    areas: set[str] = field(default_factory=set)
    signature: Signature = frozenset()
    report_count: int = 0
    point_count: int = 0
    boroughs: set[str] = field(default_factory=set)
    text_weight: float = 0.0
    numbers: dict[int, float] = field(default_factory=dict)

    @classmethod
    def start(cls, incident_id: str, report: ReportFeatures, stats: FeatureStats | None = None) -> CandidateState:
        """A new candidate holding just this report."""
        state = cls(incident_id=incident_id, first_at=report.at, last_at=report.at)
        state.absorb(report, stats)
        return state

    def absorb(self, r: ReportFeatures, stats: FeatureStats | None = None) -> frozenset[int]:
        """Add a report to the summary; return the text features the candidate did not have yet.

        `text_weight` grows by the weight the new features have when they arrive (from `stats`, or
        `Rules.uniform_weight` each without): how much the candidate itself says, which is what lets
        a report naming another place count against it. `numbers` keeps the weight of each number
        feature the same way, for the number rules.

        Steps:
        1. Widen the time span.
        2. Move the centroid: running mean over the reports that have a point, outliers left out.
        3. Add the report's area (unless its point is an outlier) and borough.
        4. Add its text features, up to `MAX_CANDIDATE_SIGNATURE`, and their weight.
        5. Count it.
        """
        if self.report_count == 0 or r.at < self.first_at:
            self.first_at = r.at
        if self.report_count == 0 or r.at > self.last_at:
            self.last_at = r.at
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
                self.signature = self.signature | added
                if stats is None:
                    weights = {f: DEFAULT_RULES.uniform_weight * KIND_MULTIPLIER[f & 3] for f in added}
                else:
                    weights = stats.weights(added, r.at)
                self.text_weight += sum(weights.values())
                for f, w in weights.items():
                    if f & 1:  # KIND_NUMBER or KIND_DIGIT
                        self.numbers[f] = w
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
        }

    @classmethod
    def from_dict(cls, data: dict) -> CandidateState:
        return cls(
            incident_id=str(data["incident_id"]),
            first_at=datetime.fromisoformat(data["first_at"]),
            last_at=datetime.fromisoformat(data["last_at"]),
            lat=data.get("lat"),
            lon=data.get("lon"),
            areas=set(data.get("areas", ())),
            signature=frozenset(data.get("signature", ())),
            report_count=int(data.get("report_count", 0)),
            point_count=int(data.get("point_count", 0)),
            boroughs=set(data.get("boroughs", ())),
            text_weight=float(data.get("text_weight", 0.0)),
            numbers={int(f): float(w) for f, w in data.get("numbers", ())},
        )


# --------------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rules:
    """The knobs of the score, which is a sum of log-odds contributions (positive: same scene).

    The contributions were fitted by logistic regression on the generated benchmark set (see
    bench/clustering.py) and rounded; they read as plain rules:

    window: a report joins only a candidate whose reports are at most this far from it in time.
    max_span: a candidate stops taking reports once it would cover more than this.
    max_distance_m: between two points, beyond this never the same scene, whatever the text says.
    point: both sides have a point (then distance decides, below); `bias` already counts against.
    per_100m / per_100m_far: distance penalty per 100 m, up to bend_m and beyond it.
    same_area: one side has no point, but the report's area is one of the candidate's. A neighboring
        area (when the neighbors callable is given) gets `neighbor_area`; any other area excludes.
    text_match / text_cap: per unit of matched text weight (see `FeatureStats.weights`), up to
        text_cap units.
    mismatch: per unit of (report text the candidate lacks) x (the candidate's own text weight) /
        candidate_text_cap: a candidate of vague reports cannot contradict anything.
    number_conflict: per unit of (report numbers the candidate lacks) x (candidate numbers the report
        lacks) / number_cap: both give street numbers, and not the same ones.
    count_match / count_mismatch: common numbers (those too frequent to weigh anything, in practice
        vehicle and people counts, "3 vans") agree, or both sides give some and none agree.
    per_log_minute / per_half_hour: the time gap to the candidate, log-shaped plus linear.
    uniform_weight: the weight of a feature (before its kind multiplier) when no `FeatureStats` is
        given.
    """

    window: timedelta = timedelta(hours=2)
    max_span: timedelta = timedelta(hours=6)
    max_distance_m: float = 1000.0
    bias: float = -0.2
    point: float = 7.1
    per_100m: float = -1.35
    per_100m_far: float = -0.75
    bend_m: float = 300.0
    same_area: float = 2.65
    neighbor_area: float = 0.0
    other_area: float | None = None
    text_match: float = 0.66
    text_cap: float = 8.0
    mismatch: float = -0.4
    mismatch_cap: float = 10.0
    candidate_text_cap: float = 30.0
    number_conflict: float = -3.6
    number_cap: float = 6.0
    count_match: float = 0.75
    count_mismatch: float = -0.9
    per_log_minute: float = -0.74
    per_half_hour: float = -0.14
    uniform_weight: float = 0.5


DEFAULT_RULES = Rules()
DEFAULT_THRESHOLD = 0.0
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
    ) -> None:
        self.report = report
        self.rules = rules
        self.ts = report.at.timestamp()
        self.sig = report.sig
        if stats is not None:
            self.weights = stats.weights(self.sig, report.at)
        else:
            self.weights = {f: rules.uniform_weight * KIND_MULTIPLIER[f & 3] for f in self.sig}
        self.total = sum(self.weights.values())
        self.numbers = [f for f in self.sig if f & 1]  # KIND_NUMBER or KIND_DIGIT
        self.near_areas = neighbors(report.area) if (neighbors is not None and report.area) else ()
        self.window = rules.window.total_seconds()
        self.max_span = rules.max_span.total_seconds()

    def place(self, c: CandidateState) -> float:
        """Place contribution, or EXCLUDED.

        Steps:
        1. Both have points: `point`, less the distance penalty (steeper up to bend_m); excluded
           beyond max_distance_m.
        2. Otherwise by area: the same neighborhood gives `same_area`, a neighboring one
           `neighbor_area`; a known area that is neither excludes the candidate.
        3. Otherwise (no area on one side): a different borough excludes; else nothing either way.
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
            if near and any(a in near for a in c.areas):
                return rules.neighbor_area
            return EXCLUDED if rules.other_area is None else rules.other_area
        if r.borough and c.boroughs and r.borough not in c.boroughs:
            return EXCLUDED
        return rules.neighbor_area

    def matched(self, c: CandidateState) -> float:
        """Weight of the report's text features that the candidate has already seen."""
        common = self.sig & c.signature
        if not common:
            return 0.0
        w = self.weights
        return sum(w[f] for f in common)

    def text_parts(self, c: CandidateState) -> tuple[float, float, float, float]:
        """(matched, unmatched, report street numbers the candidate lacks, candidate street numbers the
        report lacks)."""
        w = self.weights
        sig = self.sig
        common = sig & c.signature
        matched = sum(w[f] for f in common) if common else 0.0
        report_numbers = 0.0
        for f in self.numbers:
            if f & 3 == KIND_NUMBER and f not in common:
                report_numbers += w[f]
        candidate_numbers = 0.0
        if report_numbers:
            for f, v in c.numbers.items():
                if f & 3 == KIND_NUMBER and f not in sig:
                    candidate_numbers += v
        return matched, self.total - matched, report_numbers, candidate_numbers

    def counts(self, c: CandidateState) -> float:
        """Contribution of counts (one-digit numbers not marked as streets, and numbers too common to be
        a street): some agree for; both give some and none agree, against."""
        w = self.weights
        mine = [f for f in self.numbers if f & 3 == KIND_DIGIT or w[f] < COMMON_NUMBER_WEIGHT]
        if not mine or not c.numbers:
            return 0.0
        theirs = c.numbers
        if any(f in theirs for f in mine):
            return self.rules.count_match
        if any(f & 3 == KIND_DIGIT or v < COMMON_NUMBER_WEIGHT for f, v in theirs.items()):
            return self.rules.count_mismatch
        return 0.0

    def text(self, c: CandidateState) -> float:
        """Text contribution: matched weight for; against, the report's unmatched weight in proportion
        to how much the candidate says itself, and street numbers that disagree; counts either way."""
        rules = self.rules
        matched, unmatched, report_numbers, candidate_numbers = self.text_parts(c)
        own = min(c.text_weight, rules.candidate_text_cap)
        cap = rules.number_cap
        return (
            rules.text_match * min(matched, rules.text_cap)
            + rules.mismatch * min(unmatched, rules.mismatch_cap) * own / rules.candidate_text_cap
            + rules.number_conflict * min(report_numbers, cap) * min(candidate_numbers, cap) / cap
            + self.counts(c)
        )

    def gap(self, c: CandidateState) -> float | None:
        """Seconds between the report and the candidate's span, or None when out of the window or
        when the candidate would grow past its maximum span."""
        first, last = c.first_at.timestamp(), c.last_at.timestamp()
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
            + self.text(c)
            + rules.per_log_minute * math.log1p(minutes)
            + rules.per_half_hour * minutes / 30.0
        )


def score(
    report: ReportFeatures,
    candidate: CandidateState,
    neighbors: Neighbors | None = None,
    rules: Rules = DEFAULT_RULES,
    stats: FeatureStats | None = None,
) -> float:
    """Log-odds that the report belongs to the candidate (`EXCLUDED`, minus infinity, if it cannot).

    Steps:
    1. Time: outside the window, or past the candidate's maximum span, excludes; otherwise the gap
       counts against, more for the first minutes than for later ones.
    2. Place: distance between points, else area (neighbors count when the callable is given), else
       borough; see `Rules`.
    3. Text: weight of the report's features the candidate has (weights from `stats`, uniform
       without), less a mismatch term when both name places and not the same ones.
    4. The sum, with the bias (a report is more often not about a given nearby candidate).
    """
    return _Probe(report, neighbors, rules, stats).score(candidate)


def text_evidence(report: ReportFeatures, candidate: CandidateState, stats: FeatureStats | None = None) -> float:
    """The matched text weight on its own (how much of what the report says the candidate has said)."""
    return _Probe(report, None, DEFAULT_RULES, stats).matched(candidate)


def _choose(
    probe: _Probe, candidates: Iterable[CandidateState], threshold: float, alone: float = 0.0
) -> CandidateState | None:
    best: CandidateState | None = None
    best_score = EXCLUDED
    plausible = 0
    for candidate in candidates:
        s = probe.score(candidate)
        if s == EXCLUDED:
            continue
        if s >= threshold - alone - 2.0:
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
    limit = threshold - alone if plausible == 1 else threshold
    return best if best_score >= limit else None


def choose_candidate(
    report: ReportFeatures,
    candidates: Iterable[CandidateState],
    threshold: float = DEFAULT_THRESHOLD,
    neighbors: Neighbors | None = None,
    rules: Rules = DEFAULT_RULES,
    stats: FeatureStats | None = None,
) -> CandidateState | None:
    """The best-scoring candidate at or above the threshold, or None to start a new incident.

    Ties go to the candidate with the most recent report, then the smaller incident id, so the choice
    does not depend on the order the database returned them in.
    """
    return _choose(_Probe(report, neighbors, rules, stats), candidates, threshold)


# --------------------------------------------------------------------------------------------------
# In-memory streaming grouper
# --------------------------------------------------------------------------------------------------


class Grouper:
    """Groups a stream of reports in memory, the way the database layer does one report at a time.

    Only candidates that could possibly match are scored (blocking): those whose centroid lies in the
    grid cells around the report's point, and those sharing the report's area or a neighboring one.
    Candidates idle for longer than twice the time window are closed and leave the indexes, so the
    work per report stays flat however long the stream. Feature statistics (`FeatureStats`) are kept
    along the way unless `use_stats` is false.
    """

    def __init__(
        self,
        threshold: float = DEFAULT_THRESHOLD,
        neighbors: Neighbors | None = None,
        rules: Rules = DEFAULT_RULES,
        id_prefix: str = "c",
        use_stats: bool = True,
    ) -> None:
        self.threshold = threshold
        self.rules = rules
        self.stats = FeatureStats() if use_stats else None
        self._neighbors_fn = neighbors
        self._neighbor_cache: dict[str, frozenset[str]] = {}
        self._id_prefix = id_prefix
        self._next = 0
        self.incidents: dict[str, CandidateState] = {}
        self.assignments: dict[str, str] = {}
        self._open: dict[str, CandidateState] = {}
        self._cell_of: dict[str, tuple[int, int]] = {}
        self._by_cell: dict[tuple[int, int], set[str]] = {}
        self._by_area: dict[str, set[str]] = {}
        self._nowhere: dict[str | None, set[str]] = {}
        self._expiry: list[tuple[datetime, str]] = []
        self._watermark: datetime | None = None
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

    def _index(self, c: CandidateState) -> None:
        cid = c.incident_id
        if c.lat is not None and c.lon is not None:
            cell = self._cell(c.lat, c.lon)
            old = self._cell_of.get(cid)
            if old != cell:
                if old is not None:
                    self._by_cell[old].discard(cid)
                self._by_cell.setdefault(cell, set()).add(cid)
                self._cell_of[cid] = cell
        for area in c.areas:
            self._by_area.setdefault(area, set()).add(cid)
        if not c.areas and not c.has_point:
            self._nowhere.setdefault(next(iter(c.boroughs), None), set()).add(cid)
        else:
            for ids in self._nowhere.values():
                ids.discard(cid)

    def _unindex(self, c: CandidateState) -> None:
        cid = c.incident_id
        cell = self._cell_of.pop(cid, None)
        if cell is not None:
            self._by_cell[cell].discard(cid)
        for area in c.areas:
            self._by_area[area].discard(cid)
        for ids in self._nowhere.values():
            ids.discard(cid)

    def _expire(self, now: datetime) -> None:
        """Close candidates idle for more than twice the window (twice: reports may arrive a little out
        of order, and a candidate must still be there for a late one)."""
        if self._watermark is None or now > self._watermark:
            self._watermark = now
        horizon = self._watermark - 2 * self.rules.window
        while self._expiry and self._expiry[0][0] < horizon:
            _, cid = heapq.heappop(self._expiry)
            c = self._open.get(cid)
            if c is None:
                continue
            if c.last_at >= horizon:
                heapq.heappush(self._expiry, (c.last_at, cid))
                continue
            del self._open[cid]
            self._unindex(c)

    def candidates_for(self, report: ReportFeatures) -> list[CandidateState]:
        """The open candidates worth scoring for this report (blocking).

        Steps:
        1. With a point: candidates whose centroid is in the 3x3 grid cells around it.
        2. With an area: candidates in that area or a neighboring one (this also finds candidates
           without any point, which the grid cannot).
        3. Without point or area: candidates that have neither, in the same borough.
        """
        ids: set[str] = set()
        if report.lat is not None and report.lon is not None:
            row, col = self._cell(report.lat, report.lon)
            by_cell = self._by_cell
            for dr in (-1, 0, 1):
                for dc in (-1, 0, 1):
                    found = by_cell.get((row + dr, col + dc))
                    if found:
                        ids.update(found)
        if report.area:
            by_area = self._by_area
            found = by_area.get(report.area)
            if found:
                ids.update(found)
            for area in self._neighbors(report.area):
                found = by_area.get(area)
                if found:
                    ids.update(found)
        if not report.has_point and not report.area:
            ids.update(self._nowhere.get(report.borough, ()))
        if not report.has_point and getattr(self, "xarea", False):
            ids.update(self._open)
        # Sorted so the outcome never depends on set iteration order.
        return [self._open[i] for i in sorted(ids)]

    def add(self, report: ReportFeatures) -> str:
        """Group one report; return the id of the incident it joined or started.

        Steps:
        1. Close candidates that have gone quiet.
        2. Score the blocked candidates and take the best above the threshold.
        3. Absorb the report into it, or start a new candidate.
        4. Update the feature statistics and the indexes (centroid and areas may have changed).
        """
        self._expire(report.at)
        neighbors = self._neighbors if self._neighbors_fn else None
        probe = _Probe(report, neighbors, self.rules, self.stats)
        chosen = _choose(probe, self.candidates_for(report), self.threshold, getattr(self, "alone", 0.0))
        if chosen is None:
            self._next += 1
            chosen = CandidateState.start(f"{self._id_prefix}{self._next:07d}", report, self.stats)
            self.incidents[chosen.incident_id] = chosen
            self._open[chosen.incident_id] = chosen
            heapq.heappush(self._expiry, (chosen.last_at, chosen.incident_id))
            if self.stats is not None:
                self.stats.observe_incident(chosen.signature, report.at)
        else:
            added = chosen.absorb(report, self.stats)
            if self.stats is not None and added:
                self.stats.observe_features(added, report.at)
        self._index(chosen)
        self.assignments[report.report_id] = chosen.incident_id
        return chosen.incident_id

    def add_all(self, reports: Iterable[ReportFeatures]) -> list[str]:
        """Group reports in the order given; return the incident id of each."""
        return [self.add(r) for r in reports]
