"""Phrases before a number matched backwards on the reversed view give what the forward
search in the window before the number gives (classify's outcome phrases)."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from quantities.classify import _before, cue_data
from quantities.lang import load
from quantities.normalize import to_view

_CORPUS = Path(__file__).parent / "corpus"


def _texts(lang: str, phrases: list[str], rng: random.Random) -> list[str]:
    """The test corpus of ``lang`` and texts glued from phrases, their words and noise."""
    texts = [
        to_view(json.loads(line)["text"])
        for path in sorted((_CORPUS / lang).glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    words = [w for p in phrases for w in p.split()]
    pieces = [*phrases, *words, "x", "'", "-", " ", "  ", "    ", "5", "a", "ще", "only"]
    for _ in range(3000):
        parts = [rng.choice(pieces) for _ in range(rng.randint(1, 6))]
        gap = rng.choice(["", " ", "  ", "x"])
        texts.append(gap.join(parts) + rng.choice(["", " ", "  ", "   ", "    "]) + "5")
    return texts


@pytest.mark.parametrize("lang", ["en", "uk", "ru"])
def test_outcome_before_matches_forward_search(lang: str) -> None:
    data = cue_data(lang)
    rng = random.Random(lang)
    focus = list(load(lang, "cues")["gap"].get("focus", []))
    for text in _texts(lang, [*data.before_tags, *focus], rng):
        back = text[::-1]
        starts = [m.start() for m in re.finditer(r"\d+", text)]
        starts += [rng.randrange(len(text) + 1) for _ in range(3)]
        for start in starts:
            bm = data.before_re.search(text, max(0, start - 40), start)
            expected = None if bm is None else bm.group("o")
            assert _before(text, back, start, data) == expected, (text, start)
