"""The benchmark corpus: news-like paragraphs that may be shipped with the project.

Two sources, both redistributable:

* the seed articles of ``tests/seeds/*.txt`` (given with the project), split into
  paragraphs;
* synthetic paragraphs generated here, deterministically (a fixed random seed), from
  the sentence templates of ``news_templates.toml``, in the style of wire news:
  casualty counts, troops and equipment, money, percentages, physical quantities,
  dates and relative dates, spelled-out and vague numbers, ranges and qualifiers, and
  sentences with no number at all, tuned to the density of real news (one number in
  every 150 to 350 characters, paragraphs of 300 to 500 bytes).

The texts of ``../shared/corpora`` are for research use only: they are read from there
when present (:func:`shared_paragraphs`), never copied into the repository.

>>> paras = paragraphs("en", 2_000)
>>> sum(len(p.encode("utf-8")) for p in paras) >= 2_000
True
>>> paras == paragraphs("en", 2_000)
True
"""

from __future__ import annotations

import json
import os
import random
import tomllib
from collections.abc import Iterator
from functools import cache
from pathlib import Path

__all__ = ["LANGS", "ROOT", "SHARED", "batch_lines", "document", "paragraphs", "shared_paragraphs"]

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("QUANTITIES_SHARED", ROOT.parent / "shared"))
SEEDS = ROOT / "tests" / "seeds"
LANGS: tuple[str, ...] = ("en", "uk", "ru")

TEMPLATES = Path(__file__).resolve().parent / "news_templates.toml"


@cache
def _tables(lang: str) -> tuple[dict[str, list[str]], list[str]]:
    """The slot fillers and sentence templates of ``lang`` (news_templates.toml)."""
    with TEMPLATES.open("rb") as f:
        data = tomllib.load(f)[lang]
    return data["slots"], data["templates"]


_PLAIN_SHARE = 0.5  # share of sentences drawn from those without slots (no number)
_SEED_LANG = {"002": "uk"}  # seed prefix -> language (the other seeds are English)


class _Slots(dict[str, str]):
    """Template slots: ``{name}`` picks a filler, ``{Name}`` the same capitalised."""

    def __init__(self, table: dict[str, list[str]], rng: random.Random) -> None:
        super().__init__()
        self.table = table
        self.rng = rng

    def __missing__(self, key: str) -> str:
        if key == "year":
            return str(self.rng.randint(1995, 2023))
        base = key[0].lower() + key[1:]
        base = base.removesuffix("_cap")
        value = self.rng.choice(self.table[base])
        if key[0].isupper() or key.endswith("_cap"):
            value = value[0].upper() + value[1:]
        return value


def _synthetic(lang: str, rng: random.Random) -> str:
    table, templates = _tables(lang)
    plain = [t for t in templates if "{" not in t]
    sentences = []
    for _ in range(rng.randint(2, 5)):
        template = rng.choice(plain if rng.random() < _PLAIN_SHARE else templates)
        sentences.append(template.format_map(_Slots(table, rng)))
    return " ".join(sentences)


def _seed_paragraphs(lang: str) -> list[str]:
    out: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        if _SEED_LANG.get(path.name[:3], "en") != lang:
            continue
        text = path.read_text(encoding="utf-8")
        out.extend(p.strip() for p in text.split("\n") if len(p.strip()) > 40)
    return out


def paragraphs(lang: str, nbytes: int, seed: int = 20220117) -> list[str]:
    """At least ``nbytes`` (UTF-8) of paragraphs in ``lang``: the seeds, then synthetic."""
    rng = random.Random(f"{seed}-{lang}")
    out: list[str] = []
    size = 0
    for para in _seed_paragraphs(lang):
        if size >= nbytes:
            return out
        out.append(para)
        size += len(para.encode("utf-8"))
    while size < nbytes:
        para = _synthetic(lang, rng)
        out.append(para)
        size += len(para.encode("utf-8"))
    return out


def shared_paragraphs(lang: str, nbytes: int) -> list[str] | None:
    """At least ``nbytes`` of paragraphs of ``../shared/corpora/news_<lang>.jsonl``
    (research use only: read in place, never copied), or None when it is absent."""
    path = SHARED / "corpora" / f"news_{lang}.jsonl"
    if not path.exists():
        return None
    out: list[str] = []
    size = 0
    with path.open(encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            for raw in json.loads(line)["text"].split("\n"):
                para = raw.strip()
                if not para:
                    continue
                out.append(para)
                size += len(para.encode("utf-8"))
                if size >= nbytes:
                    return out
    return out


def document(lang: str, nbytes: int, block: int = 10_000) -> str:
    """One document of at least ``nbytes``: the same ``block`` bytes of paragraphs (drawn
    from the whole corpus, seeds and synthetic alike) repeated, joined by blank lines.
    Every size then has the same mix of text, so cost per byte can be compared."""
    pool = paragraphs(lang, 200_000)
    picked = random.Random(f"document-{lang}").sample(pool, len(pool))
    unit: list[str] = []
    size = 0
    for para in picked:
        if size >= block:
            break
        unit.append(para)
        size += len(para.encode("utf-8")) + 2
    times = max(1, -(-nbytes // size))
    return "\n\n".join(unit * times)


def batch_lines(ndocs: int, langs: tuple[str, ...] = ("en",), seed: int = 7) -> Iterator[bytes]:
    """``ndocs`` JSONL lines for ``quantities batch`` (id, text, lang, reference_date),
    generated lazily so even a million documents take no memory here."""
    rng = random.Random(seed)
    pool = {lang: paragraphs(lang, 200_000) for lang in langs}
    for i in range(ndocs):
        lang = langs[i % len(langs)]
        paras = pool[lang]
        k = rng.randint(1, 3)
        start = rng.randrange(len(paras))
        text = "\n\n".join(paras[(start + j) % len(paras)] for j in range(k))
        rec = {"id": f"{lang}-{i}", "text": text, "lang": lang, "reference_date": "2022-01-17"}
        yield (json.dumps(rec, ensure_ascii=False) + "\n").encode("utf-8")
