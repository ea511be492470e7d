"""resolve(): candidates that fail the models' validation are turned down one by one.

Facts are validated all at once for speed; when one of them is invalid, the others must
still come out, in text order, and the invalid one must become a rejection naming the
field (with diagnostics), exactly as a validation one fact at a time gives.
"""

from __future__ import annotations

from quantities.candidates import Candidate
from quantities.options import Options
from quantities.resolve import resolve

TEXT = "5 cars, 6 trucks and 7 boats"


def _count(start: int, end: int, value: int, **extra: object) -> Candidate:
    return Candidate("count", start, end, value, value, value, rules=["number.digits"],
                     extra={"counted": TEXT[start + 2 : end], **extra})


def test_an_invalid_fact_is_turned_down_alone() -> None:
    cands = [_count(0, 6, 5), _count(8, 16, 6), _count(21, 28, 7)]
    cands[1].qualifier = "roughly"  # no such qualifier: the model refuses it
    facts, rejections = resolve(TEXT, "en", cands, [], options=Options(), reference=None)
    assert [(f.start, f.value, f.counted) for f in facts] == [(0, 5, "cars"), (21, 7, "boats")]
    assert [(r.start, r.end, r.text) for r in rejections] == [(8, 16, "6 trucks")]
    assert rejections[0].reason.startswith("invalid: ('count', 'qualifier'):")


def test_without_diagnostics_the_same_facts() -> None:
    cands = [_count(0, 6, 5), _count(8, 16, 6), _count(21, 28, 7)]
    cands[0].qualifier = "roughly"
    facts, rejections = resolve(TEXT, "en", cands, [], options=Options(), reference=None, diagnostics=False)
    assert [f.value for f in facts] == [6, 7]
    assert [r.text for r in rejections] == ["5 cars"]  # a validation failure is always told


def test_all_valid_in_text_order() -> None:
    cands = [_count(21, 28, 7), _count(0, 6, 5), _count(8, 16, 6)]
    facts, rejections = resolve(TEXT, "en", cands, [], options=Options(), reference=None)
    assert [f.value for f in facts] == [5, 6, 7]
    assert rejections == []
