"""The date stage: per-language example corpora, invariants, seeds and measured suites.

The corpora live in ``tests/corpus/<lang>/dates.jsonl``: one JSON object a line,
``{"text", "reference_date", "expected": [{"surface", "value", "grain"}], "xfail"?}``.
``expected`` lists every date of the text (an empty list is a negative example); a line
with ``xfail`` is a known failure, run as a strict xfail with that reason.
"""

from __future__ import annotations

import ast
import json
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quantities.candidates import Candidate
from quantities.dates import find_dates
from quantities.lang import LANGS, load
from quantities.normalize import to_view

CORPUS = Path(__file__).parent / "corpus"
SHARED = Path(__file__).parents[2] / "shared"
GRAINS = {"day", "month", "season", "year"}
ANCHORS = {"explicit", "reference_date", "dateline", "none"}


def run(text: str, lang: str, reference: date | None = None) -> list[Candidate]:
    return find_dates(text, to_view(text), lang, reference)[0]


def facts(text: str, lang: str, reference: date | None = None) -> list[tuple[str, Any, Any]]:
    return [(text[c.start:c.end], c.value, c.extra["grain"]) for c in run(text, lang, reference)]


# ---------------------------------------------------------------------------- corpora


def _corpus() -> list[Any]:
    params = []
    for lang in LANGS:
        path = CORPUS / lang / "dates.jsonl"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            marks = [pytest.mark.xfail(strict=True, reason=row["xfail"])] if "xfail" in row else []
            params.append(pytest.param(lang, row, id=f"{lang}:{number}", marks=marks))
    return params


@pytest.mark.parametrize(("lang", "row"), _corpus())
def test_corpus(lang: str, row: dict[str, Any]) -> None:
    reference = date.fromisoformat(row["reference_date"]) if row["reference_date"] else None
    text = row["text"]
    candidates, _ = find_dates(text, to_view(text), lang, reference)
    for c in candidates:
        assert c.kind == "date"
        assert 0 <= c.start < c.end <= len(text)
        assert set(c.extra) == {"grain", "anchor"}
        assert c.extra["grain"] in GRAINS
        assert c.extra["anchor"] in ANCHORS
        assert c.qualifier == "exact"  # an interval of dates names its period exactly
        if "/" in str(c.value):
            assert c.value == f"{c.low}/{c.high}"
        else:
            assert c.low is None
            assert c.high is None
        assert c.rules
        assert all(r.startswith("date.") for r in c.rules)
    got = sorted((text[c.start:c.end], c.value, c.extra["grain"]) for c in candidates)
    want = sorted((e["surface"], e["value"], e["grain"]) for e in row["expected"])
    assert got == want


def test_corpora_cover_every_language() -> None:
    for lang in LANGS:
        rows = [json.loads(x) for x in (CORPUS / lang / "dates.jsonl").read_text("utf-8").split("\n") if x]
        assert sum(1 for r in rows if r["expected"]) >= 20
        assert sum(1 for r in rows if not r["expected"]) >= 5


# ------------------------------------------------------------------------- behaviour


def test_interface_example() -> None:
    text = "Putin spoke on Thursday, January 13. The pullout will end by January 19."
    candidates, rejected = find_dates(text, to_view(text), "en", date(2022, 1, 17))
    assert rejected == []
    first, second = candidates
    assert (first.start, first.end) == (15, 35)
    assert (first.value, first.qualifier, first.low, first.high) == ("2022-01-13", "exact", None, None)
    assert first.extra == {"grain": "day", "anchor": "reference_date"}
    assert first.rules == ["date.month_day", "date.past_sentence", "date.weekday_checked"]
    assert second.value == "2022-01-19"
    assert "date.future_sentence" in second.rules


def test_weekday_mismatch_is_rejected_without_a_fact() -> None:
    text = "Putin spoke on Friday, January 13."
    candidates, rejected = find_dates(text, to_view(text), "en", date(2022, 1, 17))
    assert candidates == []
    assert [(text[r.start:r.end], r.rule) for r in rejected] == [
        ("Friday, January 13", "date.month_day")]
    assert "weekday" in rejected[0].reason


@pytest.mark.parametrize(("lang", "text", "surface"), [
    ("en", "It happened on February 30, 2021.", "February 30, 2021"),
    ("en", "It happened on January 0.", "January 0"),
    ("en", "On January 5, 0000 nothing happened.", "January 5, 0000"),
    ("en", "It was signed on 31/13/2020.", "31/13/2020"),
    ("uk", "Рішення ухвалили 30 лютого 2021 року.", "30 лютого 2021 року"),
    ("ru", "Встреча прошла 32 января.", "32 января"),
])
def test_impossible_dates_are_rejected(lang: str, text: str, surface: str) -> None:
    candidates, rejected = find_dates(text, to_view(text), lang, date(2022, 1, 17))
    assert candidates == []
    assert [text[r.start:r.end] for r in rejected] == [surface]


def test_february_29_takes_the_nearest_leap_year() -> None:
    assert facts("The law passed on February 29.", "en", date(2022, 1, 17)) == [
        ("February 29", "2020-02-29", "day")]


def test_anchor_explicit_reference_dateline_none() -> None:
    text = "Kyiv, January 17, 2022. Talks began on January 2."
    with_ref = run(text, "en", date(2022, 1, 20))
    assert [c.extra["anchor"] for c in with_ref] == ["explicit", "reference_date"]
    dateline = run(text, "en", None)
    assert [(c.value, c.extra["anchor"]) for c in dateline] == [
        ("2022-01-17", "explicit"), ("2022-01-02", "dateline")]
    far = "x" * 400 + text
    assert [(c.value, c.extra["anchor"]) for c in run(far, "en", None)] == [
        ("2022-01-17", "explicit"), ("--01-02", "none")]


def test_relative_words_need_a_reference() -> None:
    text = "He left yesterday, last week, on Thursday."
    candidates, rejected = find_dates(text, to_view(text), "en", None)
    assert candidates == []
    assert [text[r.start:r.end] for r in rejected] == ["yesterday", "last week", "Thursday"]
    assert all("reference" in r.reason for r in rejected)


def test_year_inference_past_bias_and_future_sentences() -> None:
    ref = date(2022, 1, 17)
    assert facts("It started on December 20.", "en", ref)[0][1] == "2021-12-20"
    assert facts("It started on January 22.", "en", ref)[0][1] == "2022-01-22"  # near future
    assert facts("It started on February 20.", "en", ref)[0][1] == "2021-02-20"
    assert facts("It will start on February 20.", "en", ref)[0][1] == "2022-02-20"
    # a future sentence does not move a date more than half a year ahead
    assert facts("Troops who came on January 6 will stay.", "en", ref)[0][1] == "2022-01-06"


def test_relative_weekdays_and_periods() -> None:
    ref = date(2013, 2, 12)  # a Tuesday
    assert facts("last Sunday", "en", ref) == [("last Sunday", "2013-02-10", "day")]
    assert facts("next Tuesday", "en", ref) == [("next Tuesday", "2013-02-19", "day")]
    assert facts("next week", "en", ref) == [("next week", "2013-02-18/2013-02-24", "day")]
    assert facts("наступна середа", "uk", ref) == [("наступна середа", "2013-02-13", "day")]
    assert facts("вторник на следующей неделе", "ru", ref) == [
        ("вторник на следующей неделе", "2013-02-19", "day")]
    assert facts("позапрошлый месяц", "ru", ref) == [("позапрошлый месяц", "2012-12", "month")]


def test_view_must_match_text() -> None:
    with pytest.raises(ValueError, match="view"):
        find_dates("January 5", "january", "en", None)


# -------------------------------------------------------------------- robustness


PIECES = [*"0123456789 .,-/:'’–\n", "January", "січня", "января", " 2014", " року", " года",
          "Thursday", "у ", "в ", "з ", "по ", "to ", "from ", "in ", "last ", "минулого", "вчора",
          "ago", "29 February", "Friday, "]


@settings(max_examples=300, deadline=None)
@given(
    pieces=st.lists(st.sampled_from(PIECES), max_size=30),
    lang=st.sampled_from(LANGS),
    reference=st.one_of(st.none(), st.dates()),
)
def test_never_raises_and_spans_hold(
    pieces: list[str], lang: str, reference: date | None
) -> None:
    text = "".join(pieces)
    candidates, rejected = find_dates(text, to_view(text), lang, reference)
    spans = [(c.start, c.end) for c in candidates] + [(r.start, r.end) for r in rejected]
    assert all(0 <= start < end <= len(text) for start, end in spans)
    for c in candidates:
        assert isinstance(c.value, str)
        assert c.extra["grain"] in GRAINS


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200), lang=st.sampled_from(LANGS))
def test_never_raises_on_any_text(text: str, lang: str) -> None:
    find_dates(text, to_view(text), lang, date(2022, 1, 17))


@pytest.mark.parametrize("chunk", [
    "1 ", "12-", "january ", "січня 2014 ", "з 12 по ", "1.1.", "9" * 50 + " ", "в ", "- ",
    "the ", "last ", "2014-2015 ", "mid-", "Monday, ",
])
def test_linear_time_on_repetitive_input(chunk: str) -> None:
    text = chunk * (60_000 // len(chunk))
    for lang in LANGS:
        started = time.perf_counter()
        find_dates(text, to_view(text), lang, date(2022, 1, 17))
        assert time.perf_counter() - started < 5.0


# --------------------------------------------------------------------------- data


def test_dates_data_has_the_same_sections_and_tags_in_every_language() -> None:
    shapes = {lang: {section: sorted(table) if isinstance(table, dict) else None
                     for section, table in load(lang, "dates").items()} for lang in LANGS}
    assert all(shape == shapes["en"] for shape in shapes.values())


def test_data_files_start_with_a_syntax_header() -> None:
    for lang in LANGS:
        path = Path(__file__).parents[1] / "quantities" / "lang" / lang / "dates.toml"
        head = path.read_text(encoding="utf-8").splitlines()[:12]
        assert head[0].startswith("# ")
        assert any("Syntax" in line for line in head)


def test_no_language_words_in_code() -> None:
    """Words live in the data; the code knows canonical tags only (STYLE rule 1)."""
    source = (Path(__file__).parents[1] / "quantities" / "dates.py").read_text(encoding="utf-8")
    literals = {node.value.lower() for node in ast.walk(ast.parse(source))
                if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    for lang in LANGS:
        data = load(lang, "dates")
        sections = [data[name] for name in ("months", "weekdays", "relative_days", "seasons",
                                            "modifiers", "units", "month_parts", "holidays")]
        tags = {tag for section in sections for tag in section} | set(data)  # and section names
        words = {form for section in sections for forms in section.values() for form in forms}
        assert not (words - tags) & literals, lang


# ---------------------------------------------------------------- seeds (measured)

SEEDS_GOLD = SHARED / "eval" / "seeds.gold.jsonl"


def _lang_of(text: str) -> str:
    cyrillic = sum(1 for ch in text if "\u0400" <= ch <= "\u04ff")
    return "uk" if cyrillic > len(text) // 4 else "en"


@pytest.mark.skipif(not SEEDS_GOLD.exists(), reason="../shared is not available")
def test_seed_gold_dates_are_found() -> None:
    gold = [json.loads(x) for x in SEEDS_GOLD.read_text("utf-8").splitlines() if x.strip()]
    missed = []
    for g in gold:
        if g.get("category") != "date":
            continue
        text = (SHARED / "seeds" / g["doc"]).read_text(encoding="utf-8")
        start = text.index(g["anchor"])
        end = start + len(g["anchor"])
        found = run(text, _lang_of(text), date.fromisoformat(g["reference_date"]))
        if not any(c.start < end and start < c.end and g["value"] in (c.value, c.low, c.high)
                   for c in found):
            missed.append((g["doc"], g["anchor"], g["value"]))
    assert missed == []


@pytest.mark.skipif(not SEEDS_GOLD.exists(), reason="../shared is not available")
def test_seed_negatives_are_not_dates() -> None:
    gold = [json.loads(x) for x in SEEDS_GOLD.read_text("utf-8").splitlines() if x.strip()]
    hits = []
    for g in gold:
        if not g.get("negative"):
            continue
        text = (SHARED / "seeds" / g["doc"]).read_text(encoding="utf-8")
        start = text.index(g["anchor"])
        end = start + len(g["anchor"])
        hits += [g["anchor"] for c in run(text, _lang_of(text), date(2022, 1, 10))
                 if c.start < end and start < c.end]
    assert hits == []


# ------------------------------------------------------------ Duckling (measured)

CUT = {"day": 10, "month": 7, "year": 4}
# In-scope pass rates measured when this suite was written; a drop below fails the test.
# UK and RU must reach 80 % once Duckling's forward reading of bare weekdays and dates is
# set against our documented past bias (see quantities.dates).
FLOORS = {"en": 0.12, "uk": 0.65, "ru": 0.67}
TARGET_WITH_CONVENTION = 0.80


def _passes(candidates: list[Candidate], want: str, grain: str) -> bool:
    n = CUT[grain]
    return any(isinstance(c.value, str) and c.qualifier == "exact" and len(c.value) >= n
               and c.value[:n] == want[:n] for c in candidates)


def duckling_score(lang: str) -> dict[str, Any]:
    """Run the in-scope Duckling time examples (one value, grain day, month or year).

    ``forward``: failures that pass once the sentence is read as future (our convention
    resolves year-less dates and weekdays into the past, Duckling into the future);
    ``bare_weekday``: a lone weekday word, which UK/RU only take after a preposition.
    """
    path = SHARED / "eval" / "peers" / f"duckling_time_{lang}.jsonl"
    data = load(lang, "dates")
    weekday_forms = {f for forms in data["weekdays"].values() for f in forms}
    future_cue = data["words"]["future_cues"][0]
    score: dict[str, Any] = {"n": 0, "pass": 0, "forward": 0, "bare_weekday": 0, "fail": []}
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        expected = record["expected"]
        if not expected or expected.get("type") != "value" or expected.get("grain") not in CUT:
            continue
        reference = date.fromisoformat(record["reference_time"][:10])
        text, grain, want = record["text"], expected["grain"], expected["value"]
        score["n"] += 1
        if _passes(run(text, lang, reference), want, grain):
            score["pass"] += 1
        elif _passes(run(f"{future_cue} {text}", lang, reference), want, grain):
            score["forward"] += 1
        elif to_view(text).strip() in weekday_forms:
            score["bare_weekday"] += 1
        else:
            score["fail"].append(text)
    return score


@pytest.mark.skipif(not (SHARED / "eval" / "peers").exists(), reason="../shared is not available")
@pytest.mark.parametrize("lang", ["en", "uk", "ru"])
def test_duckling_time_in_scope(lang: str, record_property: Any) -> None:
    score = duckling_score(lang)
    raw = score["pass"] / score["n"]
    with_convention = (score["pass"] + score["forward"] + score["bare_weekday"]) / score["n"]
    record_property("duckling", {k: v for k, v in score.items() if k != "fail"})
    print(f"\nduckling {lang}: {score['pass']}/{score['n']} = {raw:.1%}; "
          f"+{score['forward']} forward-only, +{score['bare_weekday']} bare weekdays "
          f"= {with_convention:.1%}")
    assert raw >= FLOORS[lang]
    if lang in ("uk", "ru"):
        assert with_convention >= TARGET_WITH_CONVENTION


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("В минувшую субботу, 17 сентября 2016 года, прогремел взрыв. Его арестовали в понедельник.",
         "ru"),
        ("Станом на 01.01.2017 в області працювали 12 шкіл. Сьогодні їх менше.", "uk"),
        ("Композитор родился 21 марта 1889 года. И сегодня его музыка звучит.", "ru"),
        ("As of January 1, 2017, the fund held $5m. Today it holds more.", "en"),
    ],
)
def test_a_date_inside_a_sentence_or_after_a_document_cue_is_no_dateline(text: str, lang: str) -> None:
    """Hand-read samples (issue 3): an event's, an order's or a birth date near the top
    resolved the article's relative dates wrongly; only a date at a line's start is one."""
    candidates, rejected = find_dates(text, to_view(text), lang, None)
    assert [c.extra["anchor"] for c in candidates] == ["explicit"]
    assert any("dateline" in r.reason for r in rejected)  # the relative date stays unresolved


def test_a_date_line_under_a_title_is_a_dateline() -> None:
    text = "Talks resume in Geneva\n17 January 2022\nThe delegations met on Monday."
    assert [(c.value, c.extra["anchor"]) for c in run(text, "en", None)][-1] == ("2022-01-17", "dateline")


def test_a_birth_date_or_an_old_caption_is_no_dateline() -> None:
    """Hand-read sample 4 (issue 3): "21 марта 1889 года родился", and a caption date
    more than a year older than a year written further on, anchor nothing."""
    born = "Вертинский\n21 марта 1889 года родился в Киеве. И сегодня его помнят."
    caption = "Старое фото\n17 ноября 1875 года.\nМузей открыли в 2007 году. В понедельник прошла встреча."
    for text in (born, caption):
        candidates, rejected = find_dates(text, to_view(text), "ru", None)
        assert all(c.extra["anchor"] == "explicit" for c in candidates)
        assert any("dateline" in r.reason for r in rejected)
