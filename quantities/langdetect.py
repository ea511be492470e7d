"""Language detection without models: script, distinctive letters, function words.

An explicit ``lang`` always wins. Per document: Latin letters mean English; Cyrillic
text is Ukrainian or Russian by the letters only one of them has (і ї є ґ vs ы э ъ ё)
and by frequent function words, all listed in ``lang/<code>/lang.toml``.

>>> detect("Понад 2 000 військовослужбовців")
'uk'
>>> detect("Более 2 000 военнослужащих")
'ru'
>>> detect("More than 2,000 troops")
'en'
"""

from __future__ import annotations

import re
from functools import cache

from quantities.lang import LANGS, load

__all__ = ["detect"]

_SAMPLE = 20_000
_WORD = re.compile(r"[^\W\d_]+")


@cache
def _profile(lang: str) -> tuple[str, frozenset[str], frozenset[str]]:
    raw = load(lang, "lang")["detect"]
    return raw["script"], frozenset(raw["letters"]), frozenset(raw["words"])


def detect(text: str) -> str:
    """Guess the language of ``text``: 'en', 'uk' or 'ru' (default 'en')."""
    sample = text[:_SAMPLE].lower()
    latin = cyrillic = 0
    for ch in sample:
        if "a" <= ch <= "z":
            latin += 1
        elif "\u0400" <= ch <= "\u04ff":
            cyrillic += 1
    if cyrillic <= latin:
        return "en"
    scores: dict[str, int] = {}
    words = _WORD.findall(sample)
    for lang in LANGS:
        script, letters, function_words = _profile(lang)
        if script != "cyrillic":
            continue
        score = sum(3 for ch in sample if ch in letters)
        score += sum(2 for w in words if w in function_words)
        scores[lang] = score
    return max(sorted(scores), key=lambda k: scores[k]) if scores else "en"
