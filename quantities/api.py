"""The public entry points. Orchestrates the stages; holds no extraction logic itself.

Stages: normalise -> dates -> numbers -> filters -> measures -> qualifiers and ranges ->
what was counted -> resolve and validate.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from quantities.candidates import Candidate, Mention, Rejected
from quantities.classify import classify
from quantities.dates import find_dates
from quantities.errors import UnknownLanguageError
from quantities.filters import split_numbers
from quantities.gcpause import gc_paused
from quantities.lang import LANGS
from quantities.langdetect import detect
from quantities.measures import attach, find_phrases
from quantities.models import COUNT_KINDS, Extraction, Fact, Rejection
from quantities.normalize import to_view
from quantities.numbers import find_numbers
from quantities.options import Options
from quantities.qualify import qualify
from quantities.resolve import resolve

__all__ = ["analyze", "extract", "parse_reference_date"]

_DEFAULT_OPTIONS = Options()


def parse_reference_date(value: date | str | None) -> date | None:
    """Accept a ``date``, a ``datetime`` (its date) or an ISO string ``YYYY-MM-DD[...]``.

    >>> parse_reference_date("2022-01-17")
    datetime.date(2022, 1, 17)
    >>> parse_reference_date("2022-01-17T10:00:00Z")
    datetime.date(2022, 1, 17)

    Raises ``ValueError`` for anything else.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            raise ValueError(f"reference_date must be an ISO date YYYY-MM-DD, got {value!r}") from None
    raise TypeError(f"reference_date must be a date or an ISO string, not {type(value).__name__}")


def _whole(c: Candidate) -> bool:
    return all(
        v is None or isinstance(v, int) or (isinstance(v, Decimal) and v == v.to_integral_value())
        for v in (c.value, c.low, c.high)
    )


def _year_like(c: Candidate, m: Mention) -> bool:
    n = m.num
    return (
        len(c.extra.get("number_spans", ())) == 1
        and n.integer_digits
        and n.end - n.start == 4
        and isinstance(n.value, int)
        and 1800 <= n.value <= 2100
    )


def _overlap_test(spans: Iterable[tuple[int, int]]) -> Callable[[int, int], bool]:
    """``overlaps(start, end)``: does ``[start, end)`` overlap any of ``spans``? In
    O(log n) a call, so that filtering n mentions by n spans stays O(n log n).

    >>> overlaps = _overlap_test([(10, 20), (0, 3)])
    >>> overlaps(2, 5), overlaps(3, 10), overlaps(19, 30), overlaps(20, 30)
    (True, False, True, False)
    """
    ordered = sorted(spans)
    starts = [s for s, _ in ordered]
    reach: list[int] = []  # the furthest end among the first i spans
    for _, end in ordered:
        reach.append(max(end, reach[-1]) if reach else end)

    def overlaps(start: int, end: int) -> bool:
        k = bisect_left(starts, end)  # the spans that start before ``end``
        return k > 0 and reach[k - 1] > start

    return overlaps


def analyze(
    text: str,
    *,
    lang: str | None = None,
    reference_date: date | str | None = None,
    options: Options | None = None,
) -> Extraction:
    """Extract the facts of ``text`` with diagnostics: every rejected candidate and why.

    ``lang`` is 'en', 'uk' or 'ru' (detected when None); ``reference_date`` is the
    article's date, against which relative and partial dates are resolved (never the
    clock). Raises ``TypeError`` when ``text`` is not a ``str``, ``ValueError`` for an
    unknown ``lang`` or a malformed ``reference_date``; any ``str`` is otherwise handled.
    """
    lang, ref_iso, facts, rejections = _run(text, lang, reference_date, options, diagnostics=True)
    return Extraction(lang=lang, reference_date=ref_iso, facts=facts, rejected=rejections)


@gc_paused()
def _run(
    text: str,
    lang: str | None,
    reference_date: date | str | None,
    options: Options | None,
    *,
    diagnostics: bool,
) -> tuple[str, str | None, list[Any], list[Rejection]]:
    """The pipeline: (language, reference date, facts, rejections). Without
    ``diagnostics`` no rejection is built (:func:`extract` has no use for them)."""
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    opts = options or _DEFAULT_OPTIONS
    reference = parse_reference_date(reference_date)
    if lang is None:
        lang = detect(text)
    elif lang not in LANGS:
        raise UnknownLanguageError(f"unknown language {lang!r}; expected one of {', '.join(LANGS)}")
    ref_iso = reference.isoformat() if reference else None
    if len(text) > opts.max_chars:
        reason = f"text has {len(text)} characters, more than max_chars={opts.max_chars}"
        too_long = Rejection(start=0, end=0, text="", rule="limits.max_chars", reason=reason)
        return lang, ref_iso, [], [too_long]

    view = to_view(text)
    date_cands, rejected = find_dates(text, view, lang, reference)
    for cand in date_cands:
        cand.priority = 1  # a date wins over a number of the same span ("in 2014")
    nums, filtered = split_numbers(view, lang, find_numbers(view, lang, text))
    rejected = [*rejected, *filtered]
    mentions = attach(text, view, lang, nums)
    phrases = find_phrases(view, lang)
    if phrases:  # "half an hour", "полчаса": durations with no number of their own
        taken = _overlap_test((m.start, m.end) for m in mentions if m.kind != "bare")
        phrases = [p for p in phrases if not taken(p.start, p.end)]
        in_phrase = _overlap_test((p.start, p.end) for p in phrases)
        mentions = [m for m in mentions if not in_phrase(m.start, m.end)]
        mentions = sorted([*mentions, *phrases], key=lambda m: m.start)
    kept: list[Mention] = []
    for m in mentions:
        if m.kind == "bare" and m.end < len(view) and view[m.end].isalpha() and not m.num.words:
            rejected.append(Rejected(m.start, m.end, "filter.identifier", "glued to letters after it"))
            continue
        kept.append(m)
    by_start = {m.num.start: m for m in kept}
    candidates: list[Candidate] = list(date_cands)
    back = view[::-1]  # phrases before a number are matched backwards from its start
    for cand in qualify(view, lang, kept, back):
        if cand.kind == "bare":
            classify(text, view, lang, cand, back)
            hyphenated = view[cand.end : cand.end + 1] == "-" and view[cand.end + 1 : cand.end + 2].isalpha()
            if cand.kind in COUNT_KINDS and hyphenated:
                cand.kind = "number"  # "6.0-sigma", "35-відсоткового", "5-тонних": an adjective
                cand.extra.pop("counted", None)
                cand.rules.append("count.compound_adjective")
            elif cand.kind in COUNT_KINDS and not _whole(cand):
                cand.kind = "number"  # "half the people", "2.5 soldiers": not a count
                cand.extra.pop("counted", None)
                cand.rules.append("count.not_whole")
            mention = by_start.get(cand.extra["number_spans"][0][0])
            if mention is not None and _year_like(cand, mention) and cand.kind in ("count", "number"):
                cand.kind = "number"
                cand.extra.pop("counted", None)
                cand.rules.append("number.year_like")
        candidates.append(cand)
    facts, rejections = resolve(
        text, lang, candidates, rejected, options=opts, reference=reference, diagnostics=diagnostics
    )
    return lang, ref_iso, facts, rejections


def extract(
    text: str,
    *,
    lang: str | None = None,
    reference_date: date | str | None = None,
    options: Options | None = None,
) -> list[Fact]:
    """The facts of ``text`` (see :func:`analyze` for the arguments).

    >>> [(f.kind, f.value, f.qualifier) for f in extract("At least 225 people were killed.")]
    [('casualties', 225, 'at_least')]
    """
    facts: list[Any] = _run(text, lang, reference_date, options, diagnostics=False)[2]
    return facts
