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


def test_plausibility_shortcuts_agree_with_every_check() -> None:
    """``_plausible`` settles all-int and all-string candidates itself; on every mix of
    kinds, value types, bounds and limits it must say what the full checks say."""
    import itertools
    from datetime import date
    from decimal import Decimal

    from quantities.models import KINDS
    from quantities.resolve import _implausible, _plausible

    values: list[object] = [
        None, 0, 7, -3, 10**29, 10**30, -(10**30), 2 * 10**7, Decimal("2.5"), Decimal("4"),
        Decimal("-1"), Decimal("1E+31"), "2022-01-17", "1650-03", "--05-09", "2022-01/2022-03",
    ]
    options = [Options(), Options(limits={"aircraft": 5}, date_window_years=10)]
    references = [None, date(2022, 1, 17)]
    checked = 0
    for kind, value, low, high in itertools.product(KINDS, values, values[:11], values[:11]):
        cand = Candidate(kind, 0, 1, value, low, high)  # type: ignore[arg-type]
        for opts, ref in itertools.product(options, references):
            assert _plausible(cand, opts, ref) == _implausible(cand, opts, ref), (cand, opts, ref)
            checked += 1
    assert checked > 10_000


def test_few_candidates_chosen_as_by_marking_the_text() -> None:
    """``_choose`` compares a paragraph's few candidates pairwise instead of marking the
    text: the same candidates taken and lost, with the same winners, on random spans
    (empty ones included, which no stage builds but the choice must handle)."""
    import random

    from quantities.resolve import _FEW, _choose_few, _choose_ranked

    rng = random.Random(4)
    for _ in range(5000):
        size = rng.randint(1, 40)
        cands = []
        for _ in range(rng.randint(0, _FEW)):
            start = rng.randint(0, size)
            end = min(size, start + rng.choice([0, 1, 1, 2, 3, 5, 8]))
            cands.append(Candidate("count", start, end, 1, priority=rng.randint(0, 1)))
        for diagnostics in (True, False):
            few = _choose_few(list(cands), diagnostics)
            marked = _choose_ranked(list(cands), size, diagnostics)
            assert [id(c) for c in few[0]] == [id(c) for c in marked[0]], cands
            assert [(id(a), id(b)) for a, b in few[1]] == [(id(a), id(b)) for a, b in marked[1]]


def test_many_candidates_none_overlapping_all_taken() -> None:
    """With no two candidates overlapping, ``_choose_marked`` takes them all as given,
    without ranking them: the same candidates as ranking them (what ``resolve`` keeps of
    the choice: the set, then sorted by position), and nothing lost."""
    import random

    from quantities.resolve import _choose_marked, _choose_ranked

    rng = random.Random(5)
    shortcut = 0
    for _ in range(3000):
        size = rng.randint(1, 200)
        cands = []
        if rng.random() < 0.5:  # spans side by side (a table of numbers), in any order
            pos = 0
            while len(cands) < 40 and pos < size:
                start = pos + rng.randint(0, 3)
                end = start + rng.randint(1, 5)
                if end <= size:
                    cands.append(Candidate("count", start, end, 1, priority=rng.randint(0, 1)))
                pos = end
            rng.shuffle(cands)
        else:
            for _ in range(rng.randint(9, 40)):
                start = rng.randint(0, size)
                end = min(size, start + rng.choice([0, 1, 2, 3, 5]))
                cands.append(Candidate("count", start, end, 1, priority=rng.randint(0, 1)))
        for diagnostics in (True, False):
            got = _choose_marked(list(cands), size, diagnostics)
            want = _choose_ranked(list(cands), size, diagnostics)
            by_position = sorted(want[0], key=lambda c: (c.start, c.end))
            assert sorted(got[0], key=lambda c: (c.start, c.end)) == by_position
            assert [(id(a), id(b)) for a, b in got[1]] == [(id(a), id(b)) for a, b in want[1]]
            shortcut += not want[1] and len(got[0]) == len(cands) and got[0] == cands
    assert shortcut > 100  # the shortcut was taken often


def test_many_facts_validated_in_batches_in_text_order() -> None:
    """More facts than a validation batch: all of them, in text order; an invalid one in
    a later batch turned down alone."""
    from quantities.resolve import _BATCH

    n = 2 * _BATCH + 7
    text = " ".join(["7 cars"] * n)
    cands = [Candidate("count", 7 * i, 7 * i + 6, 7, 7, 7, rules=["number.digits"], extra={"counted": "cars"})
             for i in range(n)]
    cands[_BATCH + 3].qualifier = "roughly"
    facts, rejections = resolve(text, "en", cands[::-1], [], options=Options(), reference=None)
    assert [f.start for f in facts] == [7 * i for i in range(n) if i != _BATCH + 3]
    assert [r.start for r in rejections] == [7 * (_BATCH + 3)]


def test_a_batch_strict_mode_refuses_goes_one_by_one_in_the_models_mode() -> None:
    """A batch is validated in strict mode; a payload only the models' own (lax) mode
    takes (a float for an exact number) still becomes its fact, as one at a time gives,
    and the others of its batch come out too."""
    text = "2.5 km and 6 km"
    cands = [
        Candidate("quantity", 0, 6, 2.5, 2.5, 2.5, unit="kilometer", rules=["unit.symbol"],
                  extra={"dimensionality": "[length]"}),
        Candidate("quantity", 11, 15, 6, 6, 6, unit="kilometer", rules=["unit.symbol"],
                  extra={"dimensionality": "[length]"}),
    ]
    facts, rejections = resolve(text, "en", cands, [], options=Options(), reference=None)
    got = [(f.start, f.value, type(f.value).__name__) for f in facts]
    assert got == [(0, 2.5, "Decimal"), (11, 6, "int")]
    assert rejections == []
