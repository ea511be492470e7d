"""What a bare number counts: the kind of a count, its noun phrase and a casualty outcome.

Rules:

* ``count.<kind>``: a cue noun of ``cues.toml [kinds]`` follows the number, with at most
  ``modifiers_max`` words between ("75 Russian military transport planes");
* ``count.noun``: another counted noun follows ("50 cars") - kind ``count``;
* ``casualty.after`` / ``casualty.before``: an outcome phrase follows the count or its
  noun ("225 people were killed") or precedes the number ("killing 17");
* ``count.models``: model designations named next to aircraft or equipment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from quantities.candidates import Candidate
from quantities.lang import load
from quantities.numbers import alternation

__all__ = ["CueData", "classify", "cue_data"]

_TOKEN = re.compile(
    r"(?P<gap>[ ]{1,3}|[ ]?,[ ]{1,2}|[ ]?-[ ]?|[ ]{0,2}\n[ ]{0,2})"
    r"(?P<tok>[^\W\d_]++(?:['.\-][^\W\d_]++)*+)"
)


@dataclass(frozen=True, slots=True)
class CueData:
    kinds: dict[tuple[str, ...], str]  # phrase tokens -> kind
    kind_first: dict[str, list[tuple[str, ...]]]  # first word -> phrases, longest first
    outcomes_after: dict[tuple[str, ...], str]
    after_first: dict[str, list[tuple[str, ...]]]
    before_re: re.Pattern[str]
    before_tags: dict[str, str]
    aux: dict[str, list[tuple[str, ...]]]
    modifiers_max: int
    stop: frozenset[str]
    plural_suffixes: tuple[str, ...]
    plural_nouns: frozenset[str]
    noun_words: int
    models_re: re.Pattern[str]
    human: frozenset[str]
    joiners: frozenset[str]
    generic_people: frozenset[str]
    personnel_context_re: re.Pattern[str]
    numbering_re: re.Pattern[str]
    places: frozenset[str]  # prepositions of a place phrase before an outcome
    adjectival: frozenset[str]  # cue words that may modify a following noun
    verb_endings: tuple[str, ...]  # endings of a verb form after such a word
    of_words: frozenset[str]  # "of" after a number: "two of them" (numbers.toml)


def _index(phrases: dict[tuple[str, ...], str]) -> dict[str, list[tuple[str, ...]]]:
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in sorted(phrases, key=len, reverse=True):
        index.setdefault(phrase[0], []).append(phrase)
    return index


@cache
def cue_data(lang: str) -> CueData:
    raw = load(lang, "cues")
    kinds = {tuple(p.split()): kind for kind, phrases in raw["kinds"].items() for p in phrases}
    after: dict[tuple[str, ...], str] = {}
    before: dict[str, str] = {}
    for outcome, spec in raw["outcomes"].items():
        for p in spec.get("after", []):
            after[tuple(p.split())] = outcome
        for p in spec.get("before", []):
            before[p] = outcome
    focus = raw["gap"].get("focus", [])
    optional_focus = rf"(?:(?<![\w'])(?:{alternation(focus)})[ ]{{1,3}})?" if focus else ""
    before_re = re.compile(
        rf"(?P<o>{alternation(before, not_after=_NOT_AFTER_WORD)})[ ]{{1,3}}{optional_focus}\Z"
    )
    aux = _index({tuple(p.split()): "aux" for p in raw["gap"]["aux"]})
    prefixes = raw["models"]["prefixes"]
    models_re = re.compile(
        rf"(?:{alternation(prefixes, not_after=_NOT_AFTER_ALNUM)})-?\d{{1,4}}[^\W\d_]{{0,3}}(?![\w])"
    )
    numbers_words = load(lang, "numbers")["words"]
    return CueData(
        kinds=kinds,
        kind_first=_index(kinds),
        outcomes_after=after,
        after_first=_index(after),
        before_re=before_re,
        before_tags=before,
        aux=aux,
        modifiers_max=int(raw["gap"]["modifiers_max"]),
        stop=frozenset(raw["stop"]["words"]),
        plural_suffixes=tuple(raw["plural"]["suffixes"]),
        plural_nouns=frozenset(raw["plural"]["nouns"]),
        noun_words=int(raw["plural"]["max_words"]),
        models_re=models_re,
        human=frozenset(raw["human"]["kinds"]),
        joiners=frozenset(numbers_words["and"]) | frozenset(["or"]),
        generic_people=frozenset(raw["context"]["generic_people"]),
        personnel_context_re=re.compile(
            rf"(?:{alternation(raw['context']['personnel'], not_after=_NOT_AFTER_WORD)})(?![\w'])"
        ),
        places=frozenset(raw["gap"].get("places", [])),
        adjectival=frozenset(raw["context"].get("adjectival", [])),
        verb_endings=tuple(raw["context"].get("verb_endings", [])),
        numbering_re=re.compile(
            rf"(?:{alternation(raw['context']['numbering'], not_after=_NOT_AFTER_WORD)})[ ]{{1,3}}\Z"
        ),
        of_words=frozenset(numbers_words["of"]),
    )


#: What may not come just before a cue phrase. It is checked after the phrase's first
#: letter (see ``alternation``), so that a search skips at C speed to where one can start.
_NOT_AFTER_WORD = [r"[\w']"]
_NOT_AFTER_ALNUM = [r"\w"]  # before a model's prefix ("Su-", "Leopard")


@dataclass(slots=True)
class _Tok:
    word: str
    start: int
    end: int
    gap: str


def _tokens(view: str, pos: int, limit: int) -> list[_Tok]:
    """Up to ``limit`` words from ``pos`` on, each right after the last, within the line."""
    toks: list[_Tok] = []
    match = _TOKEN.match
    while len(toks) < limit:
        m = match(view, pos)
        if m is None:
            break
        gap, word = m.groups()
        if "\n" in gap:
            break
        pos = m.end()
        toks.append(_Tok(word, pos - len(word), pos, gap))
    return toks


def _match_at(toks: list[_Tok], i: int, index: dict[str, list[tuple[str, ...]]]) -> tuple[str, ...] | None:
    for phrase in index.get(toks[i].word, ()):
        if i + len(phrase) <= len(toks) and all(
            toks[i + k].word == phrase[k] and (k == 0 or "," not in toks[i + k].gap)
            for k in range(len(phrase))
        ):
            return phrase
    return None


def _find_noun(toks: list[_Tok], data: CueData, of_words: frozenset[str]) -> tuple[int, int, str | None]:
    """(first token, end token (exclusive), kind or None) of the counted noun phrase."""
    i = 0
    if toks and toks[0].word in of_words:
        i = 1
    first = i
    seen = 0
    j = i
    while j < len(toks) and seen <= data.modifiers_max:
        phrase = _match_at(toks, j, data.kind_first)
        adjectival = phrase is not None and len(phrase) == 1 and phrase[0] in data.adjectival
        if adjectival and _noun_next(toks, j + 1, data):
            phrase = None  # "5 military vehicles": the vehicles are counted
        if phrase is not None:
            kind = data.kinds[phrase]
            return first, _extend(toks, j + len(phrase), kind, data), kind
        word = toks[j].word
        if word in data.stop and word not in data.joiners:
            break
        if "," in toks[j].gap:
            break
        seen += 1
        j += 1
    # no cue: a generic counted noun, at most three words, ending at a plural-like word
    end = first
    k = first
    while k < len(toks) and k - first < data.noun_words:
        word = toks[k].word
        if word in data.stop or word in data.joiners or (k > first and "," in toks[k].gap):
            break
        if "-" in toks[k].gap and k == first:
            break
        if k > first and not data.plural_suffixes and len(word) > 3 and word.endswith(data.verb_endings):
            break  # no plural endings to stop at: a verb ends it ("двох підприємств розподілили")
        k += 1
        if _plural_like(word, data):
            end = k
    return first, end, None


def _noun_next(toks: list[_Tok], k: int, data: CueData) -> bool:
    """Is ``toks[k]`` a noun that a preceding adjectival cue word modifies?"""
    if k >= len(toks) or toks[k].gap.strip():
        return False  # the end, or a comma or dash in between
    word = toks[k].word
    if word in data.stop or word in data.aux or word in data.after_first or len(word) < 3:
        return False
    return not word.endswith(data.verb_endings)


def _extend(toks: list[_Tok], end: int, kind: str, data: CueData) -> int:
    """Extend a noun phrase over coordinated cues of the same kind.

    "3,600 military, police and civilian personnel" ends at "personnel", not "military".
    """
    j, steps = end, 0
    while j < len(toks) and steps <= data.modifiers_max:
        phrase = _match_at(toks, j, data.kind_first)
        if phrase is not None and data.kinds[phrase] == kind:
            j += len(phrase)
            end, steps = j, 0
            continue
        if toks[j].word in data.stop and toks[j].word not in data.joiners:
            break
        j += 1
        steps += 1
    return end


def _plural_like(word: str, data: CueData) -> bool:
    if not data.plural_suffixes:
        return True
    return word in data.plural_nouns or (len(word) > 2 and word.endswith(data.plural_suffixes))


def _outcome_after(toks: list[_Tok], i: int, data: CueData) -> str | None:
    """An outcome phrase at ``toks[i]``, after at most four auxiliaries and one place
    phrase ("в микроавтобусе", "in the minibus"), within the clause."""
    skipped = 0
    place = False
    while i < len(toks) and skipped < 4:
        if "," in toks[i].gap and i > 0:
            return None  # "killed two soldiers, wounded four": the comma ends the clause
        phrase = _match_at(toks, i, data.after_first)
        if phrase is not None:
            return data.outcomes_after[phrase]
        if not place and toks[i].word in data.places:
            place = True
            j = i + 1
            while j < len(toks) and j - i <= 2 and "," not in toks[j].gap and (
                _match_at(toks, j, data.after_first) is None
            ):
                j += 1
            i = j
            skipped += 1
            continue
        aux = _match_at(toks, i, data.aux)
        if aux is None:
            return None
        i += len(aux)
        skipped += 1
    return None


def _personnel_context(view: str, start: int, data: CueData) -> bool:
    """A force named earlier in the sentence: "forces ... numbering 2,030 people"."""
    if data.numbering_re.search(view, max(0, start - 30), start) is None:
        return False
    left = max(0, start - 100)
    for stop in ".!?;\n":
        cut = view.rfind(stop, left, start)
        if cut >= 0:
            left = max(left, cut + 1)
    return data.personnel_context_re.search(view, left, start) is not None


def classify(text: str, view: str, lang: str, cand: Candidate) -> None:
    """Set the kind of a bare candidate in place: a count kind, casualties or number."""
    data = cue_data(lang)
    toks = _tokens(view, cand.end, data.modifiers_max + 6)
    first, end, kind = _find_noun(toks, data, data.of_words)
    if end > first:
        cand.extra["counted"] = text[toks[first].start : toks[end - 1].end]
        cand.kind = kind or "count"
        cand.rules.append(f"count.{kind}" if kind else "count.noun")
        noun = view[toks[first].start : toks[end - 1].end]
        if kind == "people" and noun in data.generic_people and _personnel_context(view, cand.start, data):
            cand.kind = kind = "personnel"
            cand.rules.append("count.personnel_context")
    else:
        cand.kind = "number"
    # without a noun: "4,350 were injured", "two of them were beheaded", "17 dead"
    outcome = _outcome_after(toks, end if end > first else 0, data)
    if outcome is not None:
        rule = "casualty.after"
    else:
        rule = "casualty.before"
        bm = data.before_re.search(view, max(0, cand.start - 40), cand.start)
        if bm is not None:
            outcome = data.before_tags.get(re.sub(r"[ ]+", " ", bm.group("o")))
    if outcome is not None and (kind in data.human or end == first):
        cand.kind = "casualties"
        cand.extra["outcome"] = outcome
        cand.rules.append(rule)
    if cand.kind in ("aircraft", "equipment"):
        window_end = toks[end - 1].end + 80 if end > first else cand.end + 80
        models = [
            text[m.start() : m.end()]
            for m in data.models_re.finditer(view, cand.end, min(len(view), window_end))
            if text[m.start()].isupper()
        ]
        if models:
            cand.extra["models"] = models
            cand.rules.append("count.models")
