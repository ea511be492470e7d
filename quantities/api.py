"""The public entry points. Orchestrates the stages; holds no extraction logic itself.

Stages: normalise -> dates -> numbers -> filters -> measures -> qualifiers and ranges ->
what was counted -> resolve and validate.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from itertools import islice
from typing import Any, cast

from quantities.candidates import Candidate, Mention, Num, Rejected
from quantities.classify import classify
from quantities.dates import find_dates
from quantities.errors import UnknownLanguageError
from quantities.filters import split_numbers
from quantities.gcpause import gc_paused
from quantities.lang import LANGS
from quantities.langdetect import detect
from quantities.measures import attach, find_phrases
from quantities.models import COUNT_KINDS, Extraction, Fact, Lang, Rejection
from quantities.normalize import to_view
from quantities.numbers import find_numbers
from quantities.options import Options
from quantities.qualify import qualify
from quantities.resolve import resolve

__all__ = ["analyze", "analyze_many", "extract", "extract_many", "parse_reference_date"]

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
        n.end - n.start == 4
        and n.integer_digits
        and len(c.extra.get("number_spans", ())) == 1
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
    with gc_paused():  # the result too, as extract()'s list (see quantities.gcpause)
        return _extraction(*_run(text, lang, reference_date, options, diagnostics=True))


def _extraction(lang: str, ref_iso: str | None, facts: list[Any], rejections: list[Rejection]) -> Extraction:
    """The :class:`Extraction` of a call's results. Its parts are valid as they stand:
    each fact and rejection was validated when built, the language and the date when
    the call's arguments were checked; so they are not validated again one by one
    (about a quarter of a microsecond a fact)."""
    checked = cast(Lang, lang)  # one of LANGS: _prepare says so
    return Extraction.model_construct(lang=checked, reference_date=ref_iso, facts=facts, rejected=rejections)


def _prepare(
    text: object, lang: str | None, reference_date: date | str | None, opts: Options
) -> tuple[str, str, date | None, Rejection | None]:
    """Check one call's arguments: (the text, its language, the reference date, and for
    a text over ``max_chars`` its only rejection). Raises as :func:`analyze` says."""
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    reference = parse_reference_date(reference_date)
    if lang is None:
        lang = detect(text)
    elif lang not in LANGS:
        raise UnknownLanguageError(f"unknown language {lang!r}; expected one of {', '.join(LANGS)}")
    if len(text) > opts.max_chars:
        reason = f"text has {len(text)} characters, more than max_chars={opts.max_chars}"
        too_long = Rejection(start=0, end=0, text="", rule="limits.max_chars", reason=reason)
        return text, lang, reference, too_long
    return text, lang, reference, None


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
    ``diagnostics`` no rejection is built (:func:`extract` has no use for them).
    :func:`_run_jobs` runs the same stages over many texts."""
    opts = options or _DEFAULT_OPTIONS
    text, lang, reference, too_long = _prepare(text, lang, reference_date, opts)
    ref_iso = reference.isoformat() if reference else None
    if too_long is not None:
        return lang, ref_iso, [], [too_long]
    view = to_view(text)
    candidates, rejected = _dates(text, view, lang, reference)
    nums, filtered = split_numbers(view, lang, find_numbers(view, lang, text), text)
    rejected = [*rejected, *filtered]
    kept = _unglued(view, _with_phrases(attach(text, view, lang, nums), find_phrases(view, lang)), rejected)
    if kept:  # (a text with no number, most paragraphs of a long article, skips the stage)
        _qualify_and_classify(text, view, lang, kept, candidates)
    del nums, kept  # the facts are then built in the memory of the numbers and mentions
    if not candidates and not diagnostics:
        return lang, ref_iso, [], []  # no fact to build, no rejection wanted
    facts, rejections = resolve(
        text, lang, candidates, rejected, options=opts, reference=reference, diagnostics=diagnostics
    )
    return lang, ref_iso, facts, rejections


class _Job:
    """One text on its way through the stages of :func:`_run_jobs`: what it keeps of the
    text between one stage and the next (each set by the stage that makes it)."""

    __slots__ = ("candidates", "kept", "lang", "mentions", "nums", "reference", "rejected", "text", "view")
    candidates: list[Candidate]
    kept: list[Mention]
    mentions: list[Mention]
    nums: list[Num]
    rejected: list[Rejected]
    view: str

    def __init__(self, text: str, lang: str, reference: date | None) -> None:
        self.text, self.lang, self.reference = text, lang, reference


def _run_jobs(
    jobs: list[_Job], opts: Options, diagnostics: bool
) -> list[tuple[list[Any], list[Rejection]]]:
    """The stages of :func:`_run` over ``jobs``, each stage over all of them before the
    next: a stage's code and tables then stay in the processor's caches (many short texts
    run about 15 % faster than with one call each). Each text is still processed on its
    own: the results are those of one call per text."""
    for job in jobs:
        job.view = to_view(job.text)
    for job in jobs:
        job.candidates, job.rejected = _dates(job.text, job.view, job.lang, job.reference)
    for job in jobs:
        job.nums = find_numbers(job.view, job.lang, job.text)
    for job in jobs:
        job.nums, filtered = split_numbers(job.view, job.lang, job.nums, job.text)
        job.rejected = [*job.rejected, *filtered]
    for job in jobs:
        job.mentions = attach(job.text, job.view, job.lang, job.nums)
    for job in jobs:
        phrases = find_phrases(job.view, job.lang)
        job.kept = _unglued(job.view, _with_phrases(job.mentions, phrases), job.rejected)
    for job in jobs:
        if job.kept:
            _qualify_and_classify(job.text, job.view, job.lang, job.kept, job.candidates)
    return [
        resolve(job.text, job.lang, job.candidates, job.rejected, options=opts,
                reference=job.reference, diagnostics=diagnostics)
        if job.candidates or diagnostics else ([], [])
        for job in jobs
    ]


def _dates(text: str, view: str, lang: str, reference: date | None) -> tuple[list[Candidate], list[Rejected]]:
    """:func:`find_dates`, each date ranked above a number of the same span ("in 2014")."""
    candidates, rejected = find_dates(text, view, lang, reference)
    for cand in candidates:
        cand.priority = 1
    return candidates, rejected


def _with_phrases(mentions: list[Mention], phrases: list[Mention]) -> list[Mention]:
    """``mentions`` and the duration phrases with no number of their own ("half an hour",
    "полчаса") that no measured mention overlaps, in text order; a mention inside a
    phrase kept gives way to it."""
    if not phrases:
        return mentions
    taken = _overlap_test((m.start, m.end) for m in mentions if m.kind != "bare")
    phrases = [p for p in phrases if not taken(p.start, p.end)]
    in_phrase = _overlap_test((p.start, p.end) for p in phrases)
    mentions = [m for m in mentions if not in_phrase(m.start, m.end)]
    return sorted([*mentions, *phrases], key=lambda m: m.start)


def _unglued(view: str, mentions: list[Mention], rejected: list[Rejected]) -> list[Mention]:
    """``mentions`` but the bare digit numbers glued to a letter after them ("5G"),
    which go to ``rejected``."""
    kept: list[Mention] = []
    n = len(view)
    for m in mentions:
        if m.kind == "bare" and m.end < n and view[m.end].isalpha() and not m.num.words:
            rejected.append(Rejected(m.start, m.end, "filter.identifier", "glued to letters after it"))
            continue
        kept.append(m)
    return kept


def _qualify_and_classify(
    text: str, view: str, lang: str, kept: list[Mention], candidates: list[Candidate]
) -> None:
    """Append to ``candidates`` the qualified candidates of the ``kept`` mentions, the
    bare ones classified."""
    by_start: dict[int, Mention] | None = None  # made at the first four-digit number
    back = view[::-1]  # phrases before a number are matched backwards from its start
    for cand in qualify(view, lang, kept, back):
        if cand.kind == "bare":
            classify(text, view, lang, cand, back)
            if cand.kind in COUNT_KINDS:
                end = cand.end
                if view[end : end + 1] == "-" and view[end + 1 : end + 2].isalpha():
                    cand.kind = "number"  # "6.0-sigma", "5-тонних", "10-этажного": an adjective
                    cand.extra.pop("counted", None)
                    cand.rules.append("count.compound_adjective")
                elif not _whole(cand):
                    cand.kind = "number"  # "half the people", "2.5 soldiers": not a count
                    cand.extra.pop("counted", None)
                    cand.rules.append("count.not_whole")
            if cand.kind in ("count", "number"):
                spans = cand.extra["number_spans"]
                first = spans[0][0]
                mention = None
                # a year-like number is four digits alone: the slice rules out most numbers
                if len(spans) == 1 and view[first : first + 4].isdigit():
                    if by_start is None:
                        by_start = {m.num.start: m for m in kept}
                    mention = by_start.get(first)
                if mention is not None and _year_like(cand, mention):
                    cand.kind = "number"
                    cand.extra.pop("counted", None)
                    cand.rules.append("number.year_like")
        candidates.append(cand)


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


#: An item of :func:`extract_many`: a text, or a text with its own reference date.
Item = str | tuple[str, date | str | None]


def extract_many(
    texts: Iterable[Item],
    *,
    lang: str | None = None,
    reference_date: date | str | None = None,
    options: Options | None = None,
    batch_size: int = 64,
) -> Iterator[list[Fact]]:
    """The facts of each text, in order: what ``extract()`` of each would return, but
    faster on many short texts (paragraphs, posts, headlines: about 15 % in English),
    as the texts are read ``batch_size`` at a time and each stage runs over a batch.

    An item is a text, or a ``(text, reference_date)`` pair that overrides
    ``reference_date`` for that text. The results come lazily. An item that
    ``extract()`` would refuse raises the same error when its turn comes, after the
    results of the items before it.

    >>> [[f.value for f in facts] for facts in extract_many(["12 soldiers died.", "No number."])]
    [[12], []]
    """
    for _, _, facts, _ in _many(texts, lang, reference_date, options, batch_size, diagnostics=False):
        yield facts


def analyze_many(
    texts: Iterable[Item],
    *,
    lang: str | None = None,
    reference_date: date | str | None = None,
    options: Options | None = None,
    batch_size: int = 64,
) -> Iterator[Extraction]:
    """:func:`analyze` of each text, in order, as :func:`extract_many` gives
    :func:`extract`'s."""
    for lang_, ref_iso, facts, rejections in _many(
        texts, lang, reference_date, options, batch_size, diagnostics=True
    ):
        yield _extraction(lang_, ref_iso, facts, rejections)


def _many(
    texts: Iterable[Item],
    lang: str | None,
    reference_date: date | str | None,
    options: Options | None,
    batch_size: int,
    *,
    diagnostics: bool,
) -> Iterator[tuple[str, str | None, list[Any], list[Rejection]]]:
    """:func:`_run` of each item, a batch at a time through :func:`run_texts`."""
    if isinstance(texts, str):
        raise TypeError("texts must be an iterable of texts, not one str")
    if batch_size < 1:
        raise ValueError(f"batch_size must be 1 or more, got {batch_size}")
    items = iter(texts)
    while batch := list(islice(items, batch_size)):
        calls: list[tuple[object, str | None, date | str | None]] = []
        error: Exception | None = None
        for item in batch:
            try:
                text, ref = _item(item, reference_date)
            except TypeError as exc:
                error = exc
                break
            calls.append((text, lang, ref))
        results, refused = run_texts(calls, options, diagnostics=diagnostics)
        yield from results
        failed = refused or error  # the first refused item: a call's, else the pair's
        if failed is not None:
            raise failed


def run_texts(
    calls: Sequence[tuple[object, str | None, date | str | None]],
    options: Options | None,
    *,
    diagnostics: bool,
) -> tuple[list[tuple[str, str | None, list[Any], list[Rejection]]], Exception | None]:
    """:func:`_run` of each ``(text, lang, reference_date)``, each stage over all of
    them (:func:`_run_jobs`): the results up to the first call that ``_run`` would
    refuse, and that call's error (None: none refused)."""
    opts = options or _DEFAULT_OPTIONS
    prepared: list[tuple[str, date | None, Rejection | _Job]] = []
    error: Exception | None = None
    for given, lang, reference_date in calls:
        try:
            text, lang_, reference, too_long = _prepare(given, lang, reference_date, opts)
        except (TypeError, ValueError) as exc:
            error = exc
            break
        prepared.append((lang_, reference, too_long or _Job(text, lang_, reference)))
    with gc_paused():
        done = iter(_run_jobs([p for _, _, p in prepared if isinstance(p, _Job)], opts, diagnostics))
    results = []
    for lang_, reference, job in prepared:
        ref_iso = reference.isoformat() if reference else None
        facts, rejections = ([], [job]) if isinstance(job, Rejection) else next(done)
        results.append((lang_, ref_iso, facts, rejections))
    return results, error


def _item(item: Item, reference_date: date | str | None) -> tuple[str, date | str | None]:
    """(text, reference date) of an item of :func:`extract_many`."""
    if isinstance(item, tuple):
        if len(item) != 2:
            message = f"an item must be a text or a (text, reference_date) pair, not {len(item)} values"
            raise TypeError(message)
        return item[0], item[1]
    return item, reference_date
