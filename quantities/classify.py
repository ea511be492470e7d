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

#: A word after a number: the gap before it (spaces, a comma or a dash, never a line
#: break: a line ends the phrase) and the word.
_GAP = r"[ ]{1,3}|[ ]?,[ ]{1,2}|[ ]?-[ ]?"
_LETTER = r"[^\W\d_]"
#: Latin and Cyrillic letters: a subset of _LETTER that the regex engine tests by range,
#: not by a Unicode category lookup for each character.
_COMMON_LETTER = (
    r"[a-zA-Z\u0430-\u044f\u0410-\u042f\u0451\u0401\u0456\u0406\u0457\u0407\u0454\u0404\u0491\u0490]"
)
#: ``_LETTER++`` (a maximal run of letters), read a quarter faster: a letter first, the
#: common letters, then any others (the lookup is made twice a word, not once a letter).
_LETTERS = rf"(?={_LETTER}){_COMMON_LETTER}*+{_LETTER}*+"
_WORD = rf"{_LETTERS}(?:['.\-]{_LETTERS})*+"
_TOKEN = re.compile(rf"({_GAP})({_WORD})")


@dataclass(frozen=True, slots=True)
class CueData:
    kinds: dict[tuple[str, ...], str]  # phrase tokens -> kind
    kind_first: dict[str, list[tuple[str, ...]]]  # first word -> phrases, longest first
    outcomes_after: dict[tuple[str, ...], str]
    after_first: dict[str, list[tuple[str, ...]]]
    before_re: re.Pattern[str]
    before_back_re: re.Pattern[str]  # a phrase right before a number, on the reversed view
    before_focus_back_re: re.Pattern[str]  # a phrase, then a focus word, the same way
    before_tags: dict[str, str]
    # What may come just before the spaces before a number when a phrase does: a space,
    # the last character of an outcome phrase or of a focus word (None: anything)
    before_last: frozenset[str] | None
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
    run_re: re.Pattern[str]  # the words read after a number: at most modifiers_max + 6
    rest_re: re.Pattern[str]  # the same run after its first word: one word fewer
    #: Words that, first after a number, end what is read after it: stop words that are
    #: no joiner, no "of", and start no cue, outcome, auxiliary or place phrase. With one
    #: of them first, the number counts nothing and no outcome follows, as with no word.
    idle: frozenset[str]


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
    back_phrase = rf"(?P<o>{alternation([p[::-1] for p in before]) or '(?!)'})(?![\w'])"
    back_focus = alternation([f[::-1] for f in focus]) or "(?!)"
    aux = _index({tuple(p.split()): "aux" for p in raw["gap"]["aux"]})
    prefixes = raw["models"]["prefixes"]
    models_re = re.compile(
        rf"(?:{alternation(prefixes, not_after=_NOT_AFTER_ALNUM)})-?\d{{1,4}}[^\W\d_]{{0,3}}(?![\w])"
    )
    numbers_words = load(lang, "numbers")["words"]
    stop = frozenset(raw["stop"]["words"])
    joiners = frozenset(numbers_words["and"]) | frozenset(raw["gap"].get("joiners", []))
    of_words = frozenset(numbers_words["of"])
    places = frozenset(raw["gap"].get("places", []))
    words_max = int(raw["gap"]["modifiers_max"]) + 6
    starts = {p[0] for p in [*kinds, *after]} | set(aux)
    return CueData(
        kinds=kinds,
        kind_first=_index(kinds),
        outcomes_after=after,
        after_first=_index(after),
        before_re=before_re,
        before_back_re=re.compile(rf"[ ]{{1,3}}{back_phrase}"),
        before_focus_back_re=re.compile(rf"[ ]{{1,3}}(?:{back_focus})[ ]{{1,3}}{back_phrase}"),
        before_tags=before,
        before_last=(
            None if "" in before or "" in focus else frozenset([" ", *(p[-1] for p in [*before, *focus])])
        ),
        aux=aux,
        modifiers_max=int(raw["gap"]["modifiers_max"]),
        stop=stop,
        plural_suffixes=tuple(raw["plural"]["suffixes"]),
        plural_nouns=frozenset(raw["plural"]["nouns"]),
        noun_words=int(raw["plural"]["max_words"]),
        models_re=models_re,
        human=frozenset(raw["human"]["kinds"]),
        joiners=joiners,
        generic_people=frozenset(raw["context"]["generic_people"]),
        personnel_context_re=re.compile(
            rf"(?:{alternation(raw['context']['personnel'], not_after=_NOT_AFTER_WORD)})(?![\w'])"
        ),
        places=places,
        adjectival=frozenset(raw["context"].get("adjectival", [])),
        verb_endings=tuple(raw["context"].get("verb_endings", [])),
        numbering_re=re.compile(
            rf"(?:{alternation(raw['context']['numbering'], not_after=_NOT_AFTER_WORD)})[ ]{{1,3}}\Z"
        ),
        of_words=of_words,
        run_re=re.compile(rf"(?:(?:{_GAP}){_WORD}){{0,{words_max}}}+"),
        rest_re=re.compile(rf"(?:(?:{_GAP}){_WORD}){{0,{words_max - 1}}}+"),
        idle=stop - joiners - of_words - places - starts,
    )


_OUTCOME_REACH = 40  # characters before a number searched for an outcome phrase
#: What may not come just before a cue phrase. It is checked after the phrase's first
#: letter (see ``alternation``), so that a search skips at C speed to where one can start.
_NOT_AFTER_WORD = [r"[\w']"]
_NOT_AFTER_ALNUM = [r"\w"]  # before a model's prefix ("Su-", "Leopard")


@dataclass(slots=True)
class _Words:
    """The words right after a number, each after the last, within the line: their
    texts, the gaps before them (" ", ", ", "-") and where the first gap starts."""

    words: tuple[str, ...]
    gaps: tuple[str, ...]
    pos: int

    def start(self, i: int) -> int:
        """Where word ``i`` starts in the view."""
        pos = self.pos + len(self.gaps[i])
        for k in range(i):
            pos += len(self.gaps[k]) + len(self.words[k])
        return pos

    def end(self, i: int) -> int:
        """Where word ``i`` ends in the view."""
        return self.start(i) + len(self.words[i])


_NO_WORDS = _Words((), (), 0)  # read-only: it has no word to locate


def _tokens(view: str, pos: int, data: CueData, head: re.Match[str] | None = None) -> _Words:
    r"""The words from ``pos`` on (at most ``modifiers_max + 6``), each right after the
    last, within the line: one match finds how far they reach, a split at the spaces or
    else one ``findall`` splits them (the same words a match at each word's end would
    read). ``head`` is ``_TOKEN.match(view, pos)``, when the caller has it and it is not
    None.

    >>> t = _tokens("5 big, red-hot - cars\nlater", 1, cue_data("en"))
    >>> t.words, t.gaps, t.start(1), t.end(2)
    (('big', 'red-hot', 'cars'), (' ', ', ', ' - '), 7, 21)
    """
    if head is None:
        head = _TOKEN.match(view, pos)
        if head is None:
            return _Words((), (), pos)
    after = head.end()  # the run is its first word and the run after it, one word shorter
    end = data.rest_re.match(view, after).end()  # type: ignore[union-attr]  # {0,n} always matches
    run = view[pos:end]
    if run[:1] == " " and "  " not in run and " ," not in run and " -" not in run and "- " not in run:
        # Every gap is one space, or a comma and one space (a dash gap has a space beside
        # it: after a word, a dash and a letter belong to the word), and no word has a
        # space or a comma: split at the spaces, several times faster than the findall.
        if "," not in run:
            words = tuple(run.split(" "))[1:]  # the first gap starts the run
            return _Words(words, (" ",) * len(words), pos)
        parts = run[1:].split(" ")
        words = tuple(run[1:].replace(",", "").split(" "))
        del parts[-1]  # a gap follows each part but the last: ", " after one ending in a comma
        return _Words(words, (" ", *[", " if p[-1] == "," else " " for p in parts]), pos)
    gaps, words = zip(head.groups(), *_TOKEN.findall(view, after, end), strict=True)
    return _Words(words, gaps, pos)


def _match_at(toks: _Words, i: int, index: dict[str, list[tuple[str, ...]]]) -> tuple[str, ...] | None:
    """The longest phrase of ``index`` at word ``i``, its words joined by no comma."""
    words = toks.words
    for phrase in index.get(words[i], ()):  # its first word is words[i]
        end = i + len(phrase)
        if words[i:end] == phrase and "," not in "".join(toks.gaps[i + 1 : end]):
            return phrase
    return None


def _find_noun(toks: _Words, data: CueData) -> tuple[int, int, str | None]:
    """(first token, end token (exclusive), kind or None) of the counted noun phrase."""
    words, gaps, size = toks.words, toks.gaps, len(toks.words)  # read once per number
    kind_first, stop, joiners = data.kind_first, data.stop, data.joiners
    i = 0
    if words and words[0] in data.of_words:
        i = 1
    first = i
    if first < size and "," in gaps[first]:
        return first, first, None  # "Of the 12, three soldiers", "свої мільйони, новоявлена": another clause
    seen = 0
    j = i
    while j < size and seen <= data.modifiers_max:
        word = words[j]
        phrase = _match_at(toks, j, kind_first) if word in kind_first else None  # (most words start none)
        adjectival = phrase is not None and len(phrase) == 1 and phrase[0] in data.adjectival
        if adjectival and _noun_next(toks, j + 1, data):
            phrase = None  # "5 military vehicles": the vehicles are counted
        if phrase is not None:
            kind = data.kinds[phrase]
            return first, _extend(toks, j + len(phrase), kind, data), kind
        if word in stop and word not in joiners:
            break
        if "," in gaps[j]:
            break
        seen += 1
        j += 1
    # no cue: a generic counted noun, at most three words, ending at a plural-like word
    end = first
    k = first
    while k < size and k - first < data.noun_words:
        word = words[k]
        if word in stop or word in joiners or (k > first and "," in gaps[k]):
            break
        if "-" in gaps[k] and k == first:
            break
        if k > first and not data.plural_suffixes and len(word) > 3 and word.endswith(data.verb_endings):
            break  # no plural endings to stop at: a verb ends it ("двох підприємств розподілили")
        k += 1
        if _plural_like(word, data):
            end = k
    return first, end, None


def _noun_next(toks: _Words, k: int, data: CueData) -> bool:
    """Is ``toks[k]`` a noun that a preceding adjectival cue word modifies?"""
    if k >= len(toks.words) or toks.gaps[k].strip():
        return False  # the end, or a comma or dash in between
    word = toks.words[k]
    if word in data.stop or word in data.aux or word in data.after_first or len(word) < 3:
        return False
    return not word.endswith(data.verb_endings)


def _extend(toks: _Words, end: int, kind: str, data: CueData) -> int:
    """Extend a noun phrase over coordinated cues of the same kind.

    "3,600 military, police and civilian personnel" ends at "personnel", not "military".
    """
    j, steps = end, 0
    while j < len(toks.words) and steps <= data.modifiers_max:
        phrase = _match_at(toks, j, data.kind_first)
        if phrase is not None and data.kinds[phrase] == kind:
            j += len(phrase)
            end, steps = j, 0
            continue
        if toks.words[j] in data.stop and toks.words[j] not in data.joiners:
            break
        j += 1
        steps += 1
    return end


def _plural_like(word: str, data: CueData) -> bool:
    if not data.plural_suffixes:
        return True
    return word in data.plural_nouns or (len(word) > 2 and word.endswith(data.plural_suffixes))


def _outcome_after(toks: _Words, i: int, data: CueData) -> str | None:
    """An outcome phrase at ``toks[i]``, after at most four auxiliaries and one place
    phrase ("в микроавтобусе", "in the minibus"), within the clause."""
    words, size, after_first = toks.words, len(toks.words), data.after_first  # read once
    skipped = 0
    place = False
    while i < size and skipped < 4:
        if "," in toks.gaps[i] and i > 0:
            return None  # "killed two soldiers, wounded four": the comma ends the clause
        word = words[i]
        phrase = _match_at(toks, i, after_first) if word in after_first else None  # (most words start none)
        if phrase is not None:
            return data.outcomes_after[phrase]
        if not place and word in data.places:
            place = True
            j = i + 1
            while j < len(toks.words) and j - i <= 2 and "," not in toks.gaps[j] and (
                _match_at(toks, j, data.after_first) is None
            ):
                j += 1
            i = j
            skipped += 1
            continue
        aux = _match_at(toks, i, data.aux) if word in data.aux else None
        if aux is None:
            return None
        i += len(aux)
        skipped += 1
    return None


def _before(view: str, back: str, start: int, data: CueData) -> str | None:
    r"""The outcome phrase before the number at ``start`` (``before_re`` searched in the
    :data:`_OUTCOME_REACH` characters before it), found by two matches on ``back`` (``view[::-1]``) at the
    number's start, which read only the phrase: the phrase right before the number, and
    the phrase before a focus word ("killing only 5"). Each tries the longest phrase
    first, so each gives the leftmost start for its ending; the search gives the leftmost
    of all, the phrase right before the number on a tie (the longer one at that start).
    When one starts outside the window, a shorter one may fit: the search decides.

    >>> view = "the death toll rose to only 5"
    >>> _before(view, view[::-1], 28, cue_data("en"))
    'death toll rose to'
    """
    if not start or view[start - 1] != " ":
        return None  # both matches below start with a space
    last = data.before_last
    if last is not None and (start < 2 or view[start - 2] not in last):
        return None  # then a phrase, a focus word or more spaces
    size = len(view)
    at = size - start
    best = data.before_back_re.match(back, at)
    far = data.before_focus_back_re.match(back, at)
    if far is not None and (best is None or far.end() > best.end()):
        best = far  # it starts further left
    if best is None:
        return None
    lo = max(0, start - _OUTCOME_REACH)
    if size - best.end() < lo:
        bm = data.before_re.search(view, lo, start)
        return None if bm is None else bm.group("o")
    return best.group("o")[::-1]


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


def classify(text: str, view: str, lang: str, cand: Candidate, back: str | None = None) -> None:
    """Set the kind of a bare candidate in place: a count kind, casualties or number.
    ``back`` is ``view[::-1]`` (pass it when classifying many candidates of one view)."""
    data = cue_data(lang)
    head = _TOKEN.match(view, cand.end)
    idle = head is None or head[2] in data.idle  # most numbers: nothing counted, no outcome
    toks = _NO_WORDS if idle else _tokens(view, cand.end, data, head)
    first, end, kind = (0, 0, None) if idle else _find_noun(toks, data)
    if end > first:
        noun_start, noun_end = toks.start(first), toks.end(end - 1)
        cand.extra["counted"] = text[noun_start:noun_end]
        cand.kind = kind or "count"
        cand.rules.append(f"count.{kind}" if kind else "count.noun")
        noun = view[noun_start:noun_end]
        if kind == "people" and noun in data.generic_people and _personnel_context(view, cand.start, data):
            cand.kind = kind = "personnel"
            cand.rules.append("count.personnel_context")
    else:
        cand.kind = "number"
    # without a noun: "4,350 were injured", "two of them were beheaded", "17 dead"
    outcome = None if idle else _outcome_after(toks, end if end > first else 0, data)
    if outcome is not None:
        rule = "casualty.after"
    else:
        rule = "casualty.before"
        phrase = _before(view, view[::-1] if back is None else back, cand.start, data)
        if phrase is not None:
            outcome = data.before_tags.get(re.sub(r"[ ]+", " ", phrase))
    if outcome is not None and (kind in data.human or end == first):
        cand.kind = "casualties"
        cand.extra["outcome"] = outcome
        cand.rules.append(rule)
    if cand.kind in ("aircraft", "equipment"):
        window_end = toks.end(end - 1) + 80 if end > first else cand.end + 80
        models = [
            text[m.start() : m.end()]
            for m in data.models_re.finditer(view, cand.end, min(len(view), window_end))
            if text[m.start()].isupper()
        ]
        if models:
            cand.extra["models"] = models
            cand.rules.append("count.models")
