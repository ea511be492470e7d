"""Qualifier and range rules: mentions become bounded candidates.

Rules (names as they appear in a fact's ``rules``):

* ``range.<template>``: two mentions joined by a template of ``qualifiers.toml``
  ("between <a> and <b>", "<a>-<b>"); the unit of the second applies to both
  ("3 to 4 L"); a multiplier written once applies to both ("5-6 million"). The point
  value of a range is its low end, the conservative figure (as ACLED codes ranges).
* ``qualifier.<tag>``: a prefix ("at least", "понад") or suffix ("or more") phrase.
* vague numbers ("dozens") carry the conventional bounds of ``numbers.toml``.

Bounds: exact and approximately give low = high = value; at_least [v, open);
more_than (v, open); at_most (open, v]; less_than (open, v); range [a, b].
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from quantities.candidates import Candidate, Mention, Value
from quantities.durations import merge_durations
from quantities.lang import load
from quantities.numbers import alternation
from quantities.units import iso_duration

__all__ = ["QualifierData", "qualifier_data", "qualify"]


@dataclass(frozen=True, slots=True)
class _Template:
    name: str
    prefix_re: re.Pattern[str] | None
    infix_re: re.Pattern[str]
    needs_prefix: bool
    first: frozenset[str] | None  # the characters the infix can start with (None: any)


@dataclass(frozen=True, slots=True)
class QualifierData:
    prefix_re: re.Pattern[str]
    prefix_back_re: re.Pattern[str]  # the same phrases, matched on the reversed view
    prefix_tags: dict[str, str]
    suffix_re: re.Pattern[str]
    suffix_tags: dict[str, str]
    templates: tuple[_Template, ...]
    any_infix_re: re.Pattern[str]  # the infix of some template: one test rules out most pairs
    infix_first: frozenset[str] | None  # what some template's infix can start with (None: any)
    # The same with a ratio's infix (a space). Not None, every infix has a character
    # other than a space: a word, a dash or a tilde.
    pair_first: frozenset[str] | None
    # infix -> the templates whose infix it is, in order: filled as infixes are met (a
    # few dozen: each infix pattern matches a finite set of strings, none longer than 12)
    infix_templates: dict[str, tuple[_Template, ...]]
    not_before_duration: frozenset[str]
    joiner_re: re.Pattern[str]
    ratios: tuple[tuple[str, re.Pattern[str]], ...]
    list_re: re.Pattern[str] | None
    duration_joiner_re: re.Pattern[str]
    numerators: frozenset[int]
    # The characters the phrases next to a number can begin with, each tested before the
    # regex that reads the phrase (most numbers have none: a test of one character is
    # cheaper than a failed match). Prefixes are matched backwards, so theirs is the last
    # character; the spaces that may come between are included.
    prefix_last: frozenset[str]
    suffix_first: frozenset[str]


def _phrase(text: str, *, dash_gap: bool = False) -> str:
    """Regex for a data phrase: words separated by 1-3 spaces; '-' = any dash."""
    parts = []
    for i, chunk in enumerate(text.split(" ")):
        if not chunk:
            continue
        parts.append(re.escape(chunk))
        del i
    gap = r"[ ]{1,3}"
    body = gap.join(parts)
    if dash_gap:
        body = body.replace(r"\-", r"[ ]{0,2}-[ ]{0,2}")
    return body


@cache
def qualifier_data(lang: str) -> QualifierData:
    raw = load(lang, "qualifiers")
    prefix_tags = {p: tag for tag, phrases in raw["prefix"].items() for p in phrases}
    suffix_tags = {p.strip(): tag for tag, phrases in raw["suffix"].items() for p in phrases}
    prefix_re = re.compile(rf"(?P<q>{_prefix_alternation(prefix_tags)})[ ]{{0,3}}\Z")
    suffix_re = re.compile(
        r"(?:[ ]{0,2})(?P<q>"
        + "|".join(_phrase(p) for p in sorted(suffix_tags, key=len, reverse=True))
        + r")(?![\w])(?![ ]{0,3}[^\W\d_]{0,6}[ ]{0,3}[-+]?\d)"
    )
    needs = set(raw["range"].get("needs_prefix", []))
    templates = []
    for template in raw["range"]["templates"]:
        before, _, rest = template.partition("<a>")
        infix, _, _after = rest.partition("<b>")
        template_prefix = None
        if before.strip():
            template_prefix = re.compile(rf"(?<![\w'])(?:{_phrase(before.strip())})[ ]{{1,3}}\Z")
        inf = infix.strip()
        lead = r"[ ]{1,3}" if infix[:1] == " " else ""
        trail = r"[ ]{1,3}" if infix[-1:] == " " else ""
        first: frozenset[str] | None
        if inf == "-":
            infix_pat = r"[ ]{0,2}-[ ]{0,2}" if lead or trail else "-"
            first = frozenset(" -") if lead or trail else frozenset("-")
        elif inf.startswith("-"):
            infix_pat = r"-[ ]{1,3}" + _phrase(inf[1:].strip()) + r"[ ]{1,3}"
            first = frozenset("-")
        else:
            infix_pat = lead + _phrase(inf) + trail
            first = frozenset(" ") if lead else frozenset(inf[:1]) if inf else None
        templates.append(
            _Template(template, template_prefix, re.compile(infix_pat), template in needs, first)
        )
    infix_first: frozenset[str] | None = frozenset()
    for t in templates:
        infix_first = None if infix_first is None or t.first is None else infix_first | t.first
    prefix_forms = [" ".join(p.split()) for p in prefix_tags]
    return QualifierData(
        prefix_re=prefix_re,
        prefix_back_re=re.compile(_backward_alternation(prefix_tags)),
        prefix_tags=prefix_tags,
        suffix_re=suffix_re,
        suffix_tags=suffix_tags,
        templates=tuple(templates),
        any_infix_re=re.compile(
            "|".join(dict.fromkeys(f"(?:{t.infix_re.pattern})" for t in templates)) or "(?!)"
        ),
        infix_first=infix_first,
        pair_first=None if infix_first is None else infix_first | {" "},
        infix_templates={},
        not_before_duration=frozenset(raw.get("ambiguous", {}).get("before_duration", [])),
        ratios=tuple(
            (t, re.compile(r"[ ]{1,3}" + _phrase(t.split("<a>")[1].split("<b>")[0].strip()) + r"[ ]{1,3}"))
            for t in raw["ratio"]["templates"]
        ),
        numerators=frozenset(raw["ratio"]["numerators"]),
        prefix_last=frozenset([" ", *(f[-1] for f in prefix_forms)]),  # (no phrase is empty)
        suffix_first=frozenset([" ", *(p[0] for p in suffix_tags)]),
        duration_joiner_re=re.compile(
            "|".join([
                r"[ ]{1,3}",
                *(r"[ ]{0,2}" + _phrase(j) + r"[ ]{1,3}" for j in raw["list"]["duration_joiners"]),
            ])
        ),
        list_re=re.compile(
            r"[ ]{0,2}(?:" + "|".join(_phrase(j) for j in raw["list"]["joiners"]) + r")[ ]{1,3}"
        ) if raw.get("list", {}).get("joiners") else None,
        joiner_re=re.compile(
            r"[ ]{0,3}(?:"
            + "|".join(_phrase(j) for j in sorted(raw["range"]["bound_joiners"], key=len, reverse=True))
            + r")[ ]{1,3}"
        ),
    )


_PREFIX_REACH = 40  # characters before a number searched for a qualifier phrase
_WORD_BEFORE = r"[\w']"  # may not come just before a prefix phrase of words
_SIGN_BEFORE = r"[<>=!]"  # nor this before one of signs ("x>10" is fine)


def _bounded(phrase: str) -> str:
    """A prefix phrase; word-initial phrases may not start inside a word ("x>10" is fine)."""
    body = _phrase(phrase)
    return rf"(?<![\w']){body}" if phrase[:1].isalnum() else rf"(?<![<>=!]){body}"


def _prefix_alternation(phrases: Iterable[str]) -> str:
    r"""The prefix phrases as two tries, each behind the check :func:`_bounded` makes.

    Matches what ``"|".join(_bounded(p) for p in phrases)`` matches, in a fraction of the
    time: the check is made once per position, not once per phrase, and each letter is
    tested once. (Anchored at ``\Z``, at most one phrase can match from a position, so
    the order of the alternatives does not matter.)

    Each check comes after the first character, so that the pattern starts with a
    literal and a search skips at C speed to where a phrase can start:

    >>> print(_prefix_alternation(["about", "at least", "~"]))
    a(?<![\w']a)(?:bout|t[ ]{1,3}least)|\~(?<![<>=!]\~)

    (One flat alternation: the regex compiler finds the set of first characters only
    when every branch starts with a literal, not with a group.)
    """
    words = [" ".join(p.split()) for p in phrases if p[:1].isalnum()]
    signs = [" ".join(p.split()) for p in phrases if not p[:1].isalnum()]
    groups = [alternation(words, not_after=[_WORD_BEFORE])] if words else []
    groups += [alternation(signs, not_after=[_SIGN_BEFORE])] if signs else []
    return "|".join(groups)


def _backward_alternation(phrases: Iterable[str]) -> str:
    r"""The prefix phrases spelled backwards, to be *matched* on the reversed view at a
    number's start: the phrase just before the number, with at most three spaces between.

    A search of ``prefix_re`` in the window before a number tries every position of the
    window where a phrase can start; this match reads only the characters of the phrase.
    All phrases found end at the same place (the last letter before the spaces), so the
    leftmost one the search finds is the longest, which the trie tries first here. The
    checks :func:`_bounded` makes before a phrase come after it, on the phrase's last
    character spelled backwards (its first):

    >>> back = re.compile(_backward_alternation(["at least", "least", ">"]))
    >>> def before(text): return back.match(text[::-1]).group("q")[::-1]
    >>> before("at least "), before("flat  least  "), before("x>")
    ('at least', 'least', '>')
    >>> back.match("at least 5"[::-1]) is None, back.match("=>"[::-1]) is None
    (True, True)
    """
    forms = {" ".join(p.split()) for p in phrases}
    checks = []
    for starts, not_before in (
        ({f[0] for f in forms if f[:1].isalnum()}, _WORD_BEFORE),
        ({f[0] for f in forms if not f[:1].isalnum()}, _SIGN_BEFORE),
    ):
        if starts:
            first = "[" + "".join(re.escape(c) for c in sorted(starts)) + "]"
            checks.append(f"(?<={first})(?!{not_before})")
    body = alternation([f[::-1] for f in forms]) or "(?!)"
    return rf"[ ]{{0,3}}(?P<q>{body})(?:{'|'.join(checks) or '(?!)'})"


def _prefix_at(view: str, back: str, start: int, data: QualifierData) -> tuple[int, str] | None:
    """The prefix phrase before the number at ``start`` within :data:`_PREFIX_REACH`
    characters: (where it starts, its text). ``back`` is ``view[::-1]``.

    The caller tests the characters before first (see :func:`_single`): most numbers
    have no phrase before."""
    size = len(view)
    m = data.prefix_back_re.match(back, size - start)
    if m is None:
        return None
    begin = size - m.end()
    lo = max(0, start - _PREFIX_REACH)
    if begin >= lo:
        return begin, m.group("q")[::-1]
    pm = data.prefix_re.search(view, lo, start)  # only a shorter one fits
    return None if pm is None else (pm.start(), pm.group("q"))


def _tag(table: dict[str, str], surface: str) -> str:
    key = surface.strip()
    if "  " in key:  # (most phrases have one space between words: no call to re.sub)
        key = re.sub(r"[ ]+", " ", key)
    return table.get(key, "approximately")


def _bounds(qualifier: str, value: Value) -> tuple[Value | None, Value | None, bool, bool]:
    if qualifier == "exact":  # most numbers
        return value, value, True, True
    if qualifier == "at_least":
        return value, None, True, True
    if qualifier == "more_than":
        return value, None, False, True
    if qualifier == "at_most":
        return None, value, True, True
    if qualifier == "less_than":
        return None, value, True, False
    return value, value, True, True


def _range_at(
    view: str, mentions: Sequence[Mention], i: int, data: QualifierData
) -> tuple[Candidate, int] | None:
    a, b = mentions[i], mentions[i + 1]
    gap = b.start - a.end
    if gap > 12:  # the cheap checks first: the infix is too long, or starts wrong
        return None
    first = data.infix_first
    if first is not None and (gap <= 0 or view[a.end] not in first):
        return None
    if not ((a.kind == b.kind and a.unit == b.unit) or (a.kind == "bare" and b.kind != "bare")):
        return None  # the same measure, or the second's for both
    if a.num.vague or b.num.vague:
        return None
    if data.any_infix_re.fullmatch(view, a.end, b.start) is None:
        return None  # no template's infix: one test instead of one per template
    infix = view[a.end : b.start]
    templates = data.infix_templates.get(infix)
    if templates is None:
        templates = tuple(t for t in data.templates if t.infix_re.fullmatch(infix))
        data.infix_templates[infix] = templates
    for t in templates:
        start = a.start
        if t.prefix_re is not None:
            pm = t.prefix_re.search(view, max(0, a.start - 20), a.start)
            if pm is None:
                continue
            start = pm.start()
        elif t.needs_prefix:
            continue
        low, high = a.num.value, b.num.value
        if b.num.factor > 1 and a.num.factor == 1 and not a.num.words:
            scaled = low * b.num.factor
            if scaled <= high:
                low = scaled
        if low > high:
            if b.kind == "bare":
                return None  # "5-3" is a score or a code, not a range
            low, high = high, low  # "from -18 °C to -34 °C"
        cand = Candidate(  # positional, as in _single
            b.kind, start, b.end, low, low, high, True, True, "range", b.unit,
            [*a.rules, *b.rules, f"range.{t.name}"],
            _measure_extra(b, [(a.num.start, a.num.end), (b.num.start, b.num.end)]),
        )
        return cand, i + 2
    return None


def _ratio_at(view: str, a: Mention, b: Mention, data: QualifierData) -> Candidate | None:
    """ "one in three", "1 over 20": a proportion."""
    if b.start <= a.end or view[a.end] != " ":
        return None  # each infix starts with a space (the cheap test first)
    if a.kind != "bare" or b.kind != "bare" or a.num.value not in data.numerators or not b.num.value:
        return None
    if a.num.vague or b.num.vague:
        return None
    for name, infix in data.ratios:
        if infix.fullmatch(view, a.end, b.start):
            value = Decimal(a.num.value) / Decimal(b.num.value)
            return Candidate(
                kind="number", start=a.start, end=b.end, value=value, low=value, high=value,
                rules=[a.num.rule, b.num.rule, f"ratio.{name}"],
                extra={"number_spans": [(a.num.start, a.num.end), (b.num.start, b.num.end)]},
            )
    return None


def _measure_extra(m: Mention, spans: list[tuple[int, int]]) -> dict[str, object]:
    """The ``extra`` of a candidate of ``m``: the spans of its numbers and what its
    measure adds."""
    extra: dict[str, object] = {"number_spans": spans}
    if m.dimensionality is not None:
        extra["dimensionality"] = m.dimensionality
    if m.iso_duration is not None:
        extra["iso_duration"] = m.iso_duration
    return extra


def _single(view: str, back: str, m: Mention, data: QualifierData) -> Candidate:
    num = m.num
    start, end = m.start, m.end
    rules = list(m.rules) if num.rule in m.rules else [num.rule, *m.rules]
    qualifier = "exact"
    value: Value = num.value
    # A phrase can end just before the number only after a phrase's last character or a
    # space, and after a space another or such a character (prefix_last holds both).
    last = data.prefix_last
    before = view[start - 1] if start else ""
    pm = (
        _prefix_at(view, back, start, data)
        if before in last and (before != " " or (start >= 2 and view[start - 2] in last))
        else None
    )
    if pm is not None and m.kind == "duration" and pm[1] in data.not_before_duration:
        pm = None
    if pm is not None:
        qualifier = _tag(data.prefix_tags, pm[1])
        start = pm[0]
        rules.append(f"qualifier.{qualifier}")
    after = view[end : end + 2]  # a phrase, or a space then a phrase or a space
    first = data.suffix_first
    sm = (
        data.suffix_re.match(view, end)
        if qualifier in ("exact", "approximately") and after[:1] in first
        and (after[:1] != " " or after[1:] in first)
        else None
    )
    if sm is not None:  # "about 500 or more": the bound wins over "about"
        qualifier = _tag(data.suffix_tags, sm.group("q"))
        end = sm.end()
        rules.append(f"qualifier.{qualifier}")
    if num.vague:
        cand = Candidate(
            kind=m.kind, start=start, end=end, value=value, low=num.low, high=num.high,
            qualifier="vague" if qualifier == "exact" else qualifier, unit=m.unit, rules=rules,
            extra=_measure_extra(m, [(num.start, num.end)]),
        )
        if qualifier != "exact":
            cand.low, cand.high, cand.low_inclusive, cand.high_inclusive = _bounds(qualifier, value)
        cand.extra["vague"] = True
        return cand
    low, high, low_inc, high_inc = _bounds(qualifier, value)
    # positional: keywords cost twice as much here, once per number
    return Candidate(
        m.kind, start, end, value, low, high, low_inc, high_inc, qualifier, m.unit, rules,
        _measure_extra(m, [(num.start, num.end)]),
    )


def spans(c: Candidate) -> list[tuple[int, int]]:
    """The spans of the numbers inside a candidate."""
    found: list[tuple[int, int]] = c.extra.get("number_spans", [])
    return found


_LOWER = frozenset(["at_least", "more_than"])
_UPPER = frozenset(["at_most", "less_than"])


def _join_bounds(view: str, cands: list[Candidate], data: QualifierData) -> list[Candidate]:
    """ "more than 10 and less than 40" -> one interval (10, 40)."""
    qualifiers = [c.qualifier for c in cands]
    if _LOWER.isdisjoint(qualifiers) or _UPPER.isdisjoint(qualifiers):
        return cands  # no pair of a lower and an upper bound (most texts)
    out: list[Candidate] = []
    i = 0
    while i < len(cands):
        a = cands[i]
        if i + 1 < len(cands):
            b = cands[i + 1]
            qa, qb = a.qualifier, b.qualifier
            if (
                ((qa in _LOWER and qb in _UPPER) or (qa in _UPPER and qb in _LOWER)) and a.kind == b.kind
                and a.unit == b.unit and data.joiner_re.fullmatch(view, a.end, b.start)
            ):
                lo, hi = (a, b) if a.qualifier in _LOWER else (b, a)
                closed = lo.low_inclusive and hi.high_inclusive
                if (
                    isinstance(lo.low, (int, Decimal)) and isinstance(hi.high, (int, Decimal))
                    and (lo.low <= hi.high if closed else lo.low < hi.high)
                ):
                    out.append(Candidate(
                        kind=a.kind, start=a.start, end=b.end, value=lo.low, low=lo.low, high=hi.high,
                        low_inclusive=lo.low_inclusive, high_inclusive=hi.high_inclusive,
                        qualifier="range", unit=a.unit, rules=[*a.rules, *b.rules, "range.bounds"],
                        extra={**a.extra, "number_spans": [*spans(a), *spans(b)]},
                    ))
                    i += 2
                    continue
        out.append(a)
        i += 1
    return out


def _share_units(view: str, mentions: Sequence[Mention], data: QualifierData) -> list[Mention]:
    """A unit written once after a list applies to each: "45 and 50 mg" (rule unit.shared)."""
    out = list(mentions)
    if data.list_re is None:
        return out
    for i in range(len(out) - 2, -1, -1):
        a, b = out[i], out[i + 1]
        listed = a.kind == "bare" and b.kind != "bare" and not a.num.vague
        if listed and data.list_re.fullmatch(view, a.end, b.start):
            iso = iso_duration(a.num.value, b.unit) if b.kind == "duration" and b.unit else None
            out[i] = Mention(
                a.num, a.start, a.end, kind=b.kind, unit=b.unit, dimensionality=b.dimensionality,
                iso_duration=iso, rules=[*a.rules, "unit.shared"],
            )
    return out


def qualify(view: str, lang: str, mentions: Sequence[Mention], back: str | None = None) -> list[Candidate]:
    """Turn mentions into candidates: ranges first, then single qualified mentions.
    ``back`` is ``view[::-1]``, when the caller has it."""
    data = qualifier_data(lang)
    kinds = [m.kind for m in mentions]
    if "bare" in kinds and kinds.count("bare") < len(kinds):  # else no bare one before a unit
        mentions = _share_units(view, mentions, data)
        kinds = [m.kind for m in mentions]
    if "duration" in kinds:  # only durations merge
        mentions = merge_durations(view, mentions, data.duration_joiner_re)
    out: list[Candidate] = []
    if back is None:
        back = view[::-1]  # prefix phrases are matched backwards from a number's start
    pair_first = data.pair_first
    size = len(mentions)
    i = 0
    while i < size:
        m = mentions[i]
        if i + 1 < size and (
            pair_first is None
            or ((gap := mentions[i + 1].start - m.end) > 0 and view[m.end] in pair_first
                and (gap > 1 or view[m.end] != " "))
        ):  # the cheap test of _ratio_at's and _range_at's first, for most pairs
            ratio = _ratio_at(view, m, mentions[i + 1], data)
            if ratio is not None:
                out.append(ratio)
                i += 2
                continue
            found = _range_at(view, mentions, i, data)
            if found is not None:
                out.append(found[0])
                i = found[1]
                continue
        out.append(_single(view, back, m, data))
        i += 1
    return _join_bounds(view, out, data)
