"""atheris (libFuzzer) harness for the public API: any ``str`` in, facts or ``[]`` out.

Run it as documented in ``fuzz/README.md``. Every input is checked for the contract of
issue 5; a violation raises, which libFuzzer reports as a crash and saves the input:

* ``analyze``/``extract`` never raise for a ``str``;
* every fact and rejection has ``0 <= start <= end <= len(text)`` (``start < end`` for a
  fact) and ``text[start:end] == .text``;
* every fact serialises with ``model_dump_json()`` to strict UTF-8 and validates
  against ``schemas/fact.schema.json`` (draft 2020-12); the whole ``Extraction`` too;
* for one input in four, a second call gives byte-identical JSON.

Input layout: byte 0 holds flags (language, ``all_numbers``, reference date, entry
point, determinism re-run); the rest is UTF-8 decoded with ``surrogateescape``, so
invalid bytes become lone surrogates (U+DC80-U+DCFF) and reach the library as such.

A libFuzzer dictionary is written at start-up from the language data files (number
words, multipliers, qualifiers, months, units, cue words of every language present),
so mutations splice in real vocabulary; pass your own ``-dict=`` to override it.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import atheris  # type: ignore[import-untyped]
import jsonschema  # type: ignore[import-untyped]

with atheris.instrument_imports(include=["quantities"]):
    from quantities import Options, analyze, extract
    from quantities.lang import DATA_FILES, LANGS, load

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "schemas" / "fact.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def _kind_validators(schema: dict[str, Any]) -> dict[str, jsonschema.Draft202012Validator]:
    """One validator per ``kind``: the ``oneOf`` branch the discriminator names.

    Equivalent to the full schema because the branches accept disjoint ``kind`` values
    (checked here), so exactly the named branch can match; five times faster.
    """
    seen: set[str] = set()
    for ref in schema["oneOf"]:
        kind = schema["$defs"][ref["$ref"].rsplit("/", 1)[1]]["properties"]["kind"]
        kinds = set(kind.get("enum", [kind.get("const")]))
        if kinds & seen:
            raise RuntimeError("schema branches overlap on kind: use the full validator")
        seen |= kinds
    return {
        kind: jsonschema.Draft202012Validator({"$defs": schema["$defs"], "$ref": ref})
        for kind, ref in schema["discriminator"]["mapping"].items()
    }


KIND_VALIDATORS = _kind_validators(SCHEMA)
VALID_PAYLOADS: set[str] = set()  # JSON already validated (facts repeat across inputs)
PLAIN = Options()
ALL = Options(all_numbers=True)


LANG_CHOICES: tuple[str | None, ...] = (None, "en", "uk", "ru")


class ContractError(AssertionError):
    """The output broke the contract for this input."""


def _strings(value: Any) -> list[str]:
    """Every string leaf of a TOML value (keys of tables included)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def vocabulary() -> list[str]:
    """Words and phrases of every language's data files, sorted, unique."""
    words: set[str] = set()
    for lang in LANGS:
        for name in DATA_FILES():
            words.update(s for s in _strings(load(lang, name)) if 0 < len(s) <= 40 and "\n" not in s)
    return sorted(words)


def _dict_entry(word: str) -> str:
    out = []
    for b in word.encode("utf-8"):
        ch = chr(b)
        out.append(ch if 0x20 <= b < 0x7F and ch not in '"\\' else f"\\x{b:02x}")
    return '"' + "".join(out) + '"'


def write_dictionary(path: Path) -> None:
    extra = ["1,234", "1 234", "2 030", "1.5", "1,5", "$", "€", "%", "-", "\u2013", "\u00a0",
             "\u202f", "\ufeff", "\u200f", "\u0301", "IL-76", "45th", "12:30", "+380"]
    lines = [_dict_entry(w) for w in [*vocabulary(), *extra]]
    path.write_text("\n".join(lines) + "\n", encoding="ascii")


def check(text: str, lang: str | None, options: Options, reference: str | None, *,
          entry: int, twice: bool) -> None:
    """Run the API on ``text`` and raise :class:`ContractError` on any violation."""
    if entry:
        facts: list[Any] = extract(text, lang=lang, reference_date=reference, options=options)
        rejected: list[Any] = []
        dumped = json.dumps([f.model_dump(mode="json") for f in facts], ensure_ascii=False)
    else:
        result = analyze(text, lang=lang, reference_date=reference, options=options)
        facts, rejected = list(result.facts), list(result.rejected)
        dumped = result.model_dump_json()
    dumped.encode("utf-8")  # strict: no lone surrogate may reach the JSON output
    n = len(text)
    for fact in facts:
        if not (0 <= fact.start < fact.end <= n) or text[fact.start : fact.end] != fact.text:
            raise ContractError(f"bad fact span {fact.start}-{fact.end} {fact.text!r} in {text!r}")
        payload = fact.model_dump_json()
        payload.encode("utf-8")
        if payload in VALID_PAYLOADS:
            continue
        instance = json.loads(payload)
        validator = KIND_VALIDATORS.get(instance.get("kind"), VALIDATOR)
        errors = list(validator.iter_errors(instance))
        if errors:
            raise ContractError(f"schema: {errors[0].message} for {payload} from {text!r}")
        if len(VALID_PAYLOADS) < 200_000:
            VALID_PAYLOADS.add(payload)
    for rej in rejected:
        if not (0 <= rej.start <= rej.end <= n) or text[rej.start : rej.end] != rej.text:
            raise ContractError(f"bad rejection span {rej!r} in {text!r}")
    if twice:
        again = analyze(text, lang=lang, reference_date=reference, options=options)
        if entry:
            again_dumped = json.dumps([f.model_dump(mode="json") for f in again.facts],
                                      ensure_ascii=False)
        else:
            again_dumped = again.model_dump_json()
        if again_dumped != dumped:
            raise ContractError(f"not deterministic for {text!r}")


def test_one_input(data: bytes) -> None:
    flags = data[0] if data else 0
    text = data[1:].decode("utf-8", "surrogateescape")
    lang = LANG_CHOICES[flags & 3]
    options = ALL if flags & 4 else PLAIN
    reference = "2022-01-17" if flags & 8 else None
    check(text, lang, options, reference, entry=flags & 16, twice=(flags & 96) == 96)


def main() -> None:
    argv = list(sys.argv)
    if not any(a.startswith("-dict=") for a in argv):
        path = Path(tempfile.gettempdir()) / "quantities-fuzz.dict"
        write_dictionary(path)
        argv.insert(1, f"-dict={path}")
    atheris.Setup(argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
