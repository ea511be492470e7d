"""Resolve: rank overlapping candidates, validate them and build the public models.

The only module that builds output models. Overlaps are decided by span length first,
then by the candidate's priority, then by position: deterministic and explainable. A
candidate that loses or fails validation becomes a :class:`Rejection` with its reason.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import TypeAdapter, ValidationError

from quantities.candidates import Candidate, Rejected, Value
from quantities.models import COUNT_KINDS, Fact, Rejection
from quantities.options import Options

__all__ = ["resolve"]

_FACT: TypeAdapter[Any] = TypeAdapter(Fact)
_FACTS: TypeAdapter[list[Any]] = TypeAdapter(list[Fact])
#: the adapter's own validator: TypeAdapter.validate_python adds a Python call a text
_validate_facts = _FACTS.validator.validate_python
#: facts validated together: their payloads are made just before, and freed after, so a
#: long document's do not all sit in memory at once (which made its facts cost a fifth more
#: each than a short one's)
_BATCH = 256
#: No plausible value reaches this; larger ones would become JSON integers of any length
#: (Python's ``json`` refuses more than 4300 digits, and writing them is quadratic).
_MAX_MAGNITUDE = 10**30
_MAX_DECIMAL = Decimal(_MAX_MAGNITUDE)
_TOO_LARGE = "a value of magnitude 10^30 or more is not a plausible quantity"


def _rank_key(c: Candidate) -> tuple[int, int, int]:
    return (-(c.end - c.start), -c.priority, c.start)


def _position(c: Candidate) -> tuple[int, int]:
    return (c.start, c.end)


def _choose(
    candidates: list[Candidate], size: int, diagnostics: bool
) -> tuple[list[Candidate], list[tuple[Candidate, Candidate]]]:
    """Non-overlapping candidates, taken longest first (then by priority, then position),
    in the order taken (as given when none overlaps another); and, with ``diagnostics``,
    each one turned down with the earliest taken candidate it overlaps.

    A few candidates (a paragraph's) are compared with each other. More are chosen in
    time linear in their lengths (when no two overlap, all of them, in the order given):
    one byte per character of the text marks what is taken (and, for the diagnostics,
    an integer which candidate took it). A sorted list of the taken spans, with an
    insertion per candidate, made long documents slower per character than short ones.

    >>> a, b, c = Candidate("count", 4, 8, 1), Candidate("count", 0, 3, 1), Candidate("count", 2, 5, 1)
    >>> chosen, lost = _choose([c, b, a], 10, True)
    >>> [(x.start, x.end) for x in chosen], [((x.start, x.end), (y.start, y.end)) for x, y in lost]
    ([(4, 8), (0, 3)], [((2, 5), (4, 8))])
    """
    if len(candidates) < 2:  # nothing to overlap (a short paragraph's usual case)
        return list(candidates), []
    if len(candidates) <= _FEW:
        return _choose_few(candidates, diagnostics)
    return _choose_marked(candidates, size, diagnostics)


def _choose_marked(
    candidates: list[Candidate], size: int, diagnostics: bool
) -> tuple[list[Candidate], list[tuple[Candidate, Candidate]]]:
    """:func:`_choose` by marking what is taken of the text."""
    taken = bytearray(size + 1)
    for cand in candidates:  # no two overlap (a table of numbers): all are taken, unsorted
        start, end = cand.start, cand.end
        if end <= start or taken.find(1, start, end) >= 0:
            break
        taken[start:end] = b"\x01" * (end - start)
    else:
        return list(candidates), []
    return _choose_ranked(candidates, size, diagnostics)


def _choose_ranked(
    candidates: list[Candidate], size: int, diagnostics: bool
) -> tuple[list[Candidate], list[tuple[Candidate, Candidate]]]:
    """:func:`_choose_marked` without its shortcut: all candidates in rank order."""
    taken = bytearray(size + 1)
    owner = array("i", [0]) * (size + 1) if diagnostics else None
    chosen: list[Candidate] = []
    lost: list[tuple[Candidate, Candidate]] = []
    for cand in sorted(candidates, key=_rank_key):
        start, end = cand.start, cand.end
        if end > start:
            overlaps = taken.find(1, start, end) >= 0
        else:  # an empty span (none is built) overlaps a taken one strictly around it
            overlaps = any(c.start < end and c.end > start for c in chosen)
        if overlaps:
            if owner is not None:
                lost.append((cand, chosen[_earliest(chosen, owner, start, end)]))
            continue
        if end > start:
            taken[start:end] = b"\x01" * (end - start)
            if owner is not None:
                owner[start:end] = array("i", [len(chosen) + 1]) * (end - start)
        chosen.append(cand)
    return chosen, lost


#: up to so many candidates (a paragraph's), each is compared with those taken: cheaper
#: than marking the text, and the same choice (tests/test_resolve.py)
_FEW = 8


def _choose_few(
    candidates: list[Candidate], diagnostics: bool
) -> tuple[list[Candidate], list[tuple[Candidate, Candidate]]]:
    """:func:`_choose` by comparing spans: a candidate overlaps a taken one when their
    spans share a character (an empty span: when it lies strictly inside)."""
    chosen: list[Candidate] = []
    lost: list[tuple[Candidate, Candidate]] = []
    for cand in sorted(candidates, key=_rank_key):
        start, end = cand.start, cand.end
        winner = None
        for c in chosen:
            if c.start < end and c.end > start and c.end > c.start:
                winner = c
                break
        if winner is None:
            chosen.append(cand)
        elif diagnostics:
            lost.append((cand, winner))
    return chosen, lost


def _earliest(chosen: list[Candidate], owner: array[int], start: int, end: int) -> int:
    """The index of the earliest taken candidate overlapping ``[start, end)``."""
    if end > start:
        return min(i for i in owner[start:end] if i) - 1
    return next(i for i, c in enumerate(chosen) if c.start < end and c.end > start)


def _magnitude_ok(v: Value | str | None) -> bool:
    """Is ``v`` no number, or a number of magnitude below 10^30?"""
    return not isinstance(v, (int, Decimal)) or -_MAX_MAGNITUDE < v < _MAX_MAGNITUDE


def _count_problem(v: Value | str | None) -> str | None:
    """Why ``v`` cannot be a count: not whole or negative (None: it can)."""
    if v is None:
        return None
    if not isinstance(v, int):
        if isinstance(v, Decimal) and v == v.to_integral_value():
            return None
        return f"a count must be a whole number, got {v}"
    if v < 0:
        return f"a count cannot be negative, got {v}"
    return None


def _plausible(c: Candidate, options: Options, reference: date | None) -> str | None:
    """Why ``c`` is not a plausible fact (None: it is)."""
    value, low, high, kind = c.value, c.low, c.high, c.kind
    if (
        value.__class__ is int and (low is None or low.__class__ is int)
        and (high is None or high.__class__ is int)
    ):  # the commonest candidates: the checks of _implausible that apply to ints, in order
        for v in (value, low, high):
            if v is not None and not -_MAX_MAGNITUDE < v < _MAX_MAGNITUDE:
                return _TOO_LARGE
        if kind in COUNT_KINDS:
            for v in (value, low, high):
                if v is not None and v < 0:
                    return f"a count cannot be negative, got {v}"
            limit = options.limits.get(kind)
            if limit is not None and value > limit:
                return f"{kind} count {value} is above the plausible limit {limit}"
        if low is not None and high is not None and low > high:
            return f"low {low} is above high {high}"
        return None
    if (
        value.__class__ is Decimal and (low is None or low.__class__ is Decimal)
        and (high is None or high.__class__ is Decimal) and kind not in COUNT_KINDS
    ):  # "2½", "1.5%": Decimals compared with Decimal bounds (with an int, each costs more)
        for d in (value, low, high):
            if d is not None and not -_MAX_DECIMAL < d < _MAX_DECIMAL:
                return _TOO_LARGE
        if low is not None and high is not None and low > high:
            return f"low {low} is above high {high}"
        return None
    if kind == "date" and value.__class__ is str and (low is None or low.__class__ is str) and (
        high is None or high.__class__ is str
    ):  # strings only: the year's window is all there is to check
        return _date_problem(value, options, reference)
    return _implausible(c, options, reference)


def _implausible(c: Candidate, options: Options, reference: date | None) -> str | None:
    """:func:`_plausible` of any candidate."""
    value, low, high = c.value, c.low, c.high
    for v in (value, low, high):
        # None and date strings have no magnitude; ints and Decimals must be below 10^30
        if v is not None and v.__class__ is not str and not _magnitude_ok(v):
            return _TOO_LARGE
    kind = c.kind
    if kind in COUNT_KINDS:
        for v in (value, low, high):
            problem = _count_problem(v)
            if problem is not None:
                return problem
        limit = options.limits.get(kind)
        if limit is not None and isinstance(value, (int, Decimal)) and value > limit:
            return f"{kind} count {value} is above the plausible limit {limit}"
    if low is not None and high is not None and isinstance(low, (int, Decimal)) and isinstance(
        high, (int, Decimal)
    ) and low > high:
        return f"low {low} is above high {high}"
    if kind == "date" and isinstance(value, str):
        return _date_problem(value, options, reference)
    return None


def _date_problem(value: str, options: Options, reference: date | None) -> str | None:
    """Why a date of ISO ``value`` is not plausible: its year far from the reference's."""
    year = _year(value)
    centre = reference.year if reference is not None else 2000
    if year is not None and abs(year - centre) > options.date_window_years:
        return f"year {year} is outside the window of {options.date_window_years} years"
    return None


def _year(iso: str) -> int | None:
    head = iso[:4]
    return int(head) if head.isdigit() else None


def _as_int(v: Any) -> Any:
    if isinstance(v, Decimal) and v == v.to_integral_value():
        return int(v)
    return v


def _payload(c: Candidate, text: str, lang: str) -> dict[str, Any]:
    """The fields of ``c``'s fact, to be validated into the model of its kind (the model
    copies ``rules``: a rule named twice is named once)."""
    kind, start, end, rules = c.kind, c.start, c.end, c.rules
    data: dict[str, Any] = {
        "kind": kind,
        "start": start,
        "end": end,
        "text": text[start:end],
        "value": c.value,
        "low": c.low,
        "high": c.high,
        "low_inclusive": c.low_inclusive,
        "high_inclusive": c.high_inclusive,
        "qualifier": c.qualifier,
        "unit": c.unit,
        "lang": lang,
        "rules": rules if len(rules) < 2 else list(dict.fromkeys(rules)),
    }
    if kind in _PLAIN_KINDS:
        return data
    extra = c.extra
    if kind in COUNT_KINDS:  # whole numbers, no unit
        value, low, high = c.value, c.low, c.high
        if value.__class__ is not int or low.__class__ is not int or high.__class__ is not int:
            data["value"], data["low"], data["high"] = _as_int(value), _as_int(low), _as_int(high)
        data["unit"] = None
        data["counted"] = extra.get("counted")
        if kind == "casualties":
            data["outcome"] = extra.get("outcome", "killed")
        else:
            data["models"] = list(extra.get("models", []))
    elif kind == "date":
        data["unit"] = None
        data["grain"] = extra.get("grain", "day")
        data["anchor"] = extra.get("anchor", "explicit")
    elif kind == "duration":
        data["iso_duration"] = extra.get("iso_duration") or ""
    elif kind == "quantity":
        data["dimensionality"] = extra.get("dimensionality") or ""
    return data


#: the kinds whose fact has no field beyond the common ones, taken as they are
_PLAIN_KINDS = frozenset(["number", "money", "percent"])


def resolve(
    text: str,
    lang: str,
    candidates: Sequence[Candidate],
    rejected: Sequence[Rejected],
    *,
    options: Options,
    reference: date | None,
    diagnostics: bool = True,
) -> tuple[list[Any], list[Rejection]]:
    """Pick non-overlapping candidates, validate them, and build facts and rejections
    (no rejections without ``diagnostics``: the facts are the same)."""
    rejections = [
        Rejection(start=r.start, end=r.end, text=text[r.start : r.end], rule=r.rule, reason=r.reason)
        for r in rejected
    ] if diagnostics else []
    plausible: list[Candidate] = []
    for cand in candidates:  # validate first: an implausible reading must not hide another
        why = _plausible(cand, options, reference)
        if why is None:
            plausible.append(cand)
        elif diagnostics:
            rejections.append(_reject(text, cand, why))
    chosen, lost = _choose(plausible, len(text), diagnostics)
    for cand, winner in lost:
        shown = text[winner.start : winner.end]
        rejections.append(_reject(text, cand, f"overlaps a {winner.kind} fact {shown!r}"))
    kept: list[Candidate] = []
    all_numbers, kinds = options.all_numbers, options.kinds
    # by position; the same span in the order of choosing (the sort is stable)
    for cand in sorted(chosen, key=_position) if len(chosen) > 1 else chosen:
        if cand.kind == "number" and not all_numbers:
            if diagnostics:
                rejections.append(_reject(text, cand, "a bare number: nothing counted or measured"))
            continue
        if kinds is not None and cand.kind not in kinds:
            continue
        kept.append(cand)
    facts: list[Any] = []
    for at in range(0, len(kept), _BATCH):
        part = kept[at : at + _BATCH] if len(kept) > _BATCH else kept
        payloads = [_payload(cand, text, lang) for cand in part]
        try:  # a batch at once: a fifth cheaper than one call per fact. Strict: the
            # payloads hold the fields' own types, and a Decimal is then taken as one
            # without first being tried as an int (2.2 -> 1.6 µs a fact); a batch strict
            # mode turns down goes one by one below, in the models' own (lax) mode
            facts += _validate_facts(payloads, strict=True)
        except ValidationError:  # one by one, to turn down only the invalid ones
            for cand, payload in zip(part, payloads, strict=True):
                try:
                    facts.append(_FACT.validate_python(payload))
                except ValidationError as exc:
                    first = exc.errors()[0]
                    rejections.append(_reject(text, cand, f"invalid: {first['loc']}: {first['msg']}"))
    if len(rejections) > 1:
        rejections.sort(key=_rejection_key)
    return facts, rejections


def _rejection_key(r: Rejection) -> tuple[int, int, str]:
    return (r.start, r.end, r.rule)


def _reject(text: str, cand: Candidate, reason: str) -> Rejection:
    rule = cand.rules[-1] if cand.rules else cand.kind
    surface = text[cand.start : cand.end]
    return Rejection(start=cand.start, end=cand.end, text=surface, rule=rule, reason=reason)
