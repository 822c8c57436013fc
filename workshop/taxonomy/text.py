"""Text rules shared by the engine: NFC on the way in, a comparison key for labels."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

TATWEEL = "\u0640"
# A BCP 47 language tag, as far as a file of ours uses them: "ar", "en", "fr-CA", "zh-Hant".
LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{1,8})*$", re.IGNORECASE)
# One shared empty mapping: most concepts have no notes. Never mutated (typed Mapping).
NO_TEXT: dict[str, str] = {}
# Arabic presentation of the same letter: tashkeel is kept (it can distinguish words).


def clean(text: str) -> str:
    """NFC-normalise and strip; inner whitespace is kept as written."""
    return unicodedata.normalize("NFC", text).strip()


def clean_map(values: Mapping[str, str | None] | None) -> Mapping[str, str]:
    """Clean every value, drop empty ones, and sort by language for a stable order."""
    if not values:
        return NO_TEXT
    result = {}
    for language, value in values.items():
        if value is None:
            continue
        text = clean(value)
        if text:
            result[clean(language).lower()] = text
    return dict(sorted(result.items()))


def label_key(label: str) -> str:
    """What two labels must share to count as the same: case, spacing and tatweel ignored."""
    if label.isascii():  # NFC and tatweel cannot apply: skip them (half of all labels)
        return " ".join(label.split()).casefold()
    text = unicodedata.normalize("NFC", label).replace(TATWEEL, "")
    return " ".join(text.split()).casefold()


def unprintable(text: str, multiline: bool = False) -> bool:
    """True when the text holds control or other non-printing characters (bidi marks allowed;
    tabs and line breaks too where the text may span lines, as scope notes do)."""
    if text.isprintable():  # the common case, decided in C
        return False
    for char in text:
        if multiline and char in "\t\n\r":
            continue
        category = unicodedata.category(char)
        if category in ("Cc", "Cs", "Co", "Cn"):
            return True
        if category == "Cf" and char not in "\u200c\u200d\u200e\u200f\u061c":
            return True
    return False


# Arabic spellings people type interchangeably: hamza on alef, taa marbuta / haa, alef
# maqsura / yaa. Search folds them, and drops diacritics and the article at a word's start.
_FOLD = str.maketrans(
    {
        "\u0623": "\u0627",  # أ
        "\u0625": "\u0627",  # إ
        "\u0622": "\u0627",  # آ
        "\u0671": "\u0627",  # ٱ
        "\u0629": "\u0647",  # ة -> ه
        "\u0649": "\u064a",  # ى -> ي
        TATWEEL: None,
        **{chr(c): None for c in range(0x064B, 0x0660)},  # harakat, shadda, sukun...
        "\u0670": None,  # superscript alef
        **{chr(c): None for c in range(0x06D6, 0x06EE)},  # Quranic marks
    }
)
ARTICLE = "\u0627\u0644"  # ال


def search_fold(text: str) -> str:
    """What search compares: the label key, with Arabic hamza forms, taa marbuta, alef
    maqsura and diacritics folded, and "ال" dropped at the start of each word of three
    letters or more after it ("الأسرة", "أسرة" and "اسره" all give "اسره")."""
    key = label_key(text)
    if key.isascii():
        return key
    words = key.translate(_FOLD).split()
    return " ".join(
        word[2:] if word.startswith(ARTICLE) and len(word) >= 5 else word for word in words
    )
