"""Language detection without models: script, distinctive letters, function words.

An explicit ``lang`` always wins. Per document: Latin letters mean English; Cyrillic
text is Ukrainian or Russian by the letters only one of them has (і ї є ґ vs ы э ъ ё),
by frequent function words (both listed in ``lang/<code>/lang.toml``) and by the number
and cue words of the data files that only one of the two languages has.

>>> detect("Понад 2 000 військовослужбовців")
'uk'
>>> detect("Более 2 000 военнослужащих")
'ru'
>>> detect("More than 2,000 troops")
'en'
>>> detect("за добу загинули 5 людей")
'uk'
"""

from __future__ import annotations

import re
from functools import cache

from quantities.lang import LANGS, load

__all__ = ["detect"]

_SAMPLE = 20_000
_WORD = re.compile(r"[^\W\d_]+")


def _vocabulary(lang: str) -> set[str]:
    """Every single word of a language's number and cue tables."""
    words: set[str] = set()
    numbers = load(lang, "numbers")
    for section in ("cardinals", "scales", "vague"):
        words.update(numbers[section])
    cues = load(lang, "cues")
    for phrases in cues["kinds"].values():
        words.update(w for p in phrases for w in p.split())
    for spec in cues["outcomes"].values():
        words.update(w for key in ("after", "before") for p in spec.get(key, []) for w in p.split())
    return words


@cache
def _profile(lang: str) -> tuple[str, frozenset[str], frozenset[str]]:
    """Script, distinctive letters, and distinctive words: the function words of
    ``lang.toml`` plus the number and cue words no other language of the script has."""
    raw = load(lang, "lang")["detect"]
    own = _vocabulary(lang)
    others: set[str] = set()
    for other in LANGS:
        if other != lang and load(other, "lang")["detect"]["script"] == raw["script"]:
            others |= _vocabulary(other) | set(load(other, "lang")["detect"]["words"])
    return raw["script"], frozenset(raw["letters"]), frozenset(set(raw["words"]) | (own - others))


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
