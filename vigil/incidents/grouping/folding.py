"""Text folding: one form of a report text whatever its script, accents and digits, so that spelling
variants of one place compare equal (`normalize_text`)."""

from __future__ import annotations

import re
import unicodedata


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
