"""A same-length normalised view of the input text.

Every code point of the input maps to exactly one code point of the view, so an offset
into the view is an offset into the original text (STYLE rule 3: offsets are sacred).
The view folds what the language data should not have to spell out:

* apostrophes ``' ’ ʼ ‘ ` ´ ′`` -> ``'``
* dashes and minus signs ``‐ ‑ ‒ – — ― − ﹣ －`` -> ``-``
* the many spaces (NBSP, U+202F, thin and hair spaces, ...) -> `` ``
* letter case (only where lower-casing keeps a single code point)
* Russian ``ё`` -> ``е`` (Ukrainian letters ``ї й є ґ і`` are never touched)

>>> to_view("More than 4\u202f350 – Ё")
'more than 4 350 - е'
>>> len(to_view("İstanbul")) == len("İstanbul")
True
"""

from __future__ import annotations

import re

__all__ = ["to_view"]

_APOSTROPHES = "\u2019\u02bc\u2018`\u00b4\u2032\u02b9\uff07"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d\u2043"
_SPACES = "\u00a0\u202f\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u205f\u3000\t"


_FOLD: dict[str, str] = {
    **dict.fromkeys(_APOSTROPHES, "'"),
    **dict.fromkeys(_DASHES, "-"),
    **dict.fromkeys(_SPACES, " "),
    "ё": "е",
    "Ё": "е",
}
# a regex substitution of the few characters to fold: several times faster than
# str.translate, which looks up every character of a non-ASCII text in a dict
_FOLD_RE = re.compile("[" + re.escape("".join(_FOLD)) + "]")


def _fold(m: re.Match[str]) -> str:
    return _FOLD[m.group()]


def to_view(text: str) -> str:
    """Return the folded, lower-cased view of ``text``, of exactly the same length."""
    folded = _FOLD_RE.sub(_fold, text)
    low = folded.lower()
    if len(low) == len(folded):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in folded)
