"""The cheap tests the qualify and classify stages make before a regex rule out only
what the regex would not match: on generated texts dense in the phrases, every match
starts with a character of the set tested first."""

from __future__ import annotations

import random

import pytest

from quantities.qualify import qualifier_data

_LANGS = ["en", "uk", "ru"]
_FILLERS = [" ", "  ", "   ", "    ", "-", " - ", "~", ",", ".", ":", "5", "12", "x", "'", ">", "<", "="]


def _pieces(lang: str) -> list[str]:
    data = qualifier_data(lang)
    words = [*data.prefix_tags, *data.suffix_tags]
    words += [t.name.replace("<a>", " ").replace("<b>", " ") for t in data.templates]
    words += [name.replace("<a>", " ").replace("<b>", " ") for name, _ in data.ratios]
    return [*words, *(w.split()[0] for w in words if w.split()), *_FILLERS]


def _texts(lang: str, n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    pieces = _pieces(lang)
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 8))) for _ in range(n)]


@pytest.mark.parametrize("lang", _LANGS)
def test_phrase_first_characters(lang: str) -> None:
    """A prefix phrase (matched backwards), a suffix phrase, a range infix and a ratio
    infix each start with a character of the set tested before its regex."""
    data = qualifier_data(lang)
    missed = []
    for text in _texts(lang, 1500, seed=len(lang)):
        back = text[::-1]
        for pos in range(len(text) + 1):
            c = text[pos : pos + 1]
            if data.suffix_re.match(text, pos) and c not in data.suffix_first:
                missed.append(("suffix", text, pos))
            if data.prefix_back_re.match(back, pos) and back[pos : pos + 1] not in data.prefix_last:
                missed.append(("prefix", text, pos))
            for end in range(pos, min(len(text), pos + 14) + 1):
                infix = data.any_infix_re.fullmatch(text, pos, end)
                if infix and (end <= pos or (data.infix_first is not None and c not in data.infix_first)):
                    missed.append(("infix", text, pos))
                for t in data.templates:
                    if t.infix_re.fullmatch(text, pos, end) and infix is None:
                        missed.append(("template", text, pos))
                if any(r.fullmatch(text, pos, end) for _, r in data.ratios) and c != " ":
                    missed.append(("ratio", text, pos))
    assert not missed, missed[:5]
