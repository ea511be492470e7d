"""The ``quantities`` command line: extract, batch, schema, explain.

Exit status: 0 success; 1 ``batch`` finished but some records are error records;
2 usage error (bad option, unreadable input file).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from quantities import __version__
from quantities.api import analyze, parse_reference_date
from quantities.lang import LANGS
from quantities.models import BatchError, BatchRecord, Extraction
from quantities.options import Options
from quantities.schema import SCHEMAS, schema_text

__all__ = ["main", "process_line"]


def _options(args: argparse.Namespace) -> Options:
    return Options(all_numbers=bool(getattr(args, "all_numbers", False)))


def _open_in(path: str) -> IO[bytes]:
    if path == "-":
        return sys.stdin.buffer
    return open(path, "rb")  # noqa: SIM115 - closed by the caller


def _error(rid: Any, kind: str, message: str) -> BatchRecord:
    return BatchRecord(id=rid, facts=[], error=BatchError(type=kind, message=message))


def process_line(raw: bytes, line_no: int, options: Options) -> BatchRecord:
    """One input line of ``batch`` -> one output record; never raises."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _error(None, "invalid_utf8", f"line {line_no}: not valid UTF-8 ({exc.reason} at byte {exc.start})")
    if not line.strip():
        return _error(None, "empty_line", f"line {line_no}: empty line")
    try:
        rec = json.loads(line)
    except ValueError as exc:
        return _error(None, "invalid_json", f"line {line_no}: {exc}")
    if not isinstance(rec, dict):
        return _error(None, "invalid_record", f"line {line_no}: a JSON object was expected")
    rid = rec.get("id")
    if not isinstance(rid, (str, int)) or isinstance(rid, bool):
        rid = None if rid is None else str(rid)
    text = rec.get("text")
    if text is None:
        return _error(rid, "missing_text", f"line {line_no}: no 'text' field")
    if not isinstance(text, str):
        return _error(rid, "invalid_type", f"line {line_no}: 'text' must be a string, not {type(text).__name__}")
    lang = rec.get("lang")
    if lang is not None and lang not in LANGS:
        return _error(rid, "invalid_lang", f"line {line_no}: unknown lang {lang!r}")
    try:
        reference = parse_reference_date(rec.get("reference_date"))
    except (TypeError, ValueError) as exc:
        return _error(rid, "invalid_reference_date", f"line {line_no}: {exc}")
    try:
        result = analyze(text, lang=lang, reference_date=reference, options=options)
    except Exception as exc:  # noqa: BLE001 - a bug must not lose the record: report it
        return _error(rid, "internal_error", f"line {line_no}: {type(exc).__name__}: {exc}")
    if any(r.rule == "limits.max_chars" for r in result.rejected):
        return _error(rid, "input_too_long", f"line {line_no}: {result.rejected[0].reason}")
    return BatchRecord(id=rid, facts=result.facts, error=None)


def _lines(stream: IO[bytes]) -> Iterator[bytes]:
    for raw in stream:
        yield raw.rstrip(b"\r\n") if raw.endswith(b"\n") else raw


def _cmd_batch(args: argparse.Namespace) -> int:
    options = _options(args)
    try:
        source = _open_in(args.input)
    except OSError as exc:
        print(f"quantities batch: cannot read {args.input}: {exc}", file=sys.stderr)
        return 2
    out: IO[str] = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8")  # noqa: SIM115
    failed = 0
    try:
        for line_no, raw in enumerate(_lines(source), start=1):
            record = process_line(raw, line_no, options)
            failed += record.error is not None
            out.write(record.model_dump_json() + "\n")
    except KeyboardInterrupt:
        out.flush()
        return 130
    finally:
        if out is not sys.stdout:
            out.close()
        if source is not sys.stdin.buffer:
            source.close()
    return 1 if failed else 0


def _read_text(path: str) -> str:
    data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    return data.decode("utf-8", errors="replace")


def _analyze_args(args: argparse.Namespace, text: str) -> Extraction:
    return analyze(text, lang=args.lang, reference_date=args.reference_date, options=_options(args))


def _cmd_extract(args: argparse.Namespace) -> int:
    try:
        text = _read_text(args.file)
    except OSError as exc:
        print(f"quantities extract: cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    result = _analyze_args(args, text)
    facts = [f.model_dump(mode="json") for f in result.facts]
    if args.format == "json":
        print(json.dumps(facts, ensure_ascii=False, indent=2))
    elif args.format == "table":
        _print_table(result)
    else:
        for fact in facts:
            print(json.dumps(fact, ensure_ascii=False))
    return 0


def _describe(fact: Any) -> str:
    parts = [f"{fact.kind:<10}", f"{fact.qualifier:<13}", f"{fact.value!s:<12}"]
    if fact.unit:
        parts.append(str(fact.unit))
    for attr in ("outcome", "counted", "grain"):
        value = getattr(fact, attr, None)
        if value:
            parts.append(f"{attr}={value}")
    models = getattr(fact, "models", None)
    if models:
        parts.append("models=" + ",".join(models))
    return " ".join(parts)


def _print_table(result: Extraction) -> None:
    for fact in result.facts:
        print(f"{fact.start:>6}-{fact.end:<6} {fact.text!r:<32} {_describe(fact)}")


def _cmd_explain(args: argparse.Namespace) -> int:
    text = " ".join(args.text) if args.text else _read_text("-")
    result = _analyze_args(args, text)
    print(f"lang={result.lang} reference_date={result.reference_date}")
    for fact in result.facts:
        print(f"FACT   {fact.start}-{fact.end} {fact.text!r}: {_describe(fact)}")
        print(f"       rules: {' -> '.join(fact.rules)}")
    for rej in result.rejected:
        print(f"NOT    {rej.start}-{rej.end} {rej.text!r}: {rej.reason} [{rej.rule}]")
    return 0


def _cmd_schema(args: argparse.Namespace) -> int:
    if args.write:
        target = Path(args.write)
        target.mkdir(parents=True, exist_ok=True)
        for name, (file_name, _model) in SCHEMAS.items():
            (target / file_name).write_text(schema_text(name), encoding="utf-8")
        return 0
    sys.stdout.write(schema_text(args.which))
    return 0


def _reference_date(value: str) -> str:
    try:
        parse_reference_date(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="quantities",
        description="Extract numeric facts (counts, casualties, dates, durations, money, "
        "quantities) with exact spans from English, Ukrainian and Russian news.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--lang", choices=LANGS, help="language of the text (default: detected)")
        p.add_argument("--reference-date", type=_reference_date, metavar="YYYY-MM-DD",
                       help="the article's date: relative and partial dates resolve against it")
        p.add_argument("--all-numbers", action="store_true",
                       help="also return bare numbers (kind 'number') with nothing counted or measured")

    p_extract = sub.add_parser("extract", help="facts of one text (a file or standard input)")
    p_extract.add_argument("file", nargs="?", default="-", metavar="FILE|-")
    common(p_extract)
    p_extract.add_argument("--format", choices=["jsonl", "json", "table"], default="jsonl",
                           help="one JSON fact per line (default), a JSON array, or a table")
    p_extract.set_defaults(func=_cmd_extract)

    p_batch = sub.add_parser(
        "batch",
        help="JSON Lines in, one output line per input line, in order",
        description='Input lines: {"id", "text", "reference_date"?, "lang"?}. Output lines: '
        '{"id", "facts": [...], "error": null | {"type", "message"}}. A bad line becomes an '
        "error record and the run goes on; exit status 1 when any record is an error.",
    )
    p_batch.add_argument("input", nargs="?", default="-", metavar="INPUT|-")
    p_batch.add_argument("-o", "--output", default="-", metavar="OUTPUT|-")
    p_batch.add_argument("--all-numbers", action="store_true",
                         help="also return bare numbers (kind 'number')")
    p_batch.set_defaults(func=_cmd_batch)

    p_schema = sub.add_parser("schema", help="print the JSON Schema of the output")
    p_schema.add_argument("which", nargs="?", choices=sorted(SCHEMAS), default="fact",
                          help="fact (default), batch (one batch output line) or extraction")
    p_schema.add_argument("--write", metavar="DIR", help="write every schema file into DIR")
    p_schema.set_defaults(func=_cmd_schema)

    p_explain = sub.add_parser("explain", help="each fact with its rules, each rejected candidate with its reason")
    p_explain.add_argument("text", nargs="*", help="the text (default: standard input)")
    common(p_explain)
    p_explain.set_defaults(func=_cmd_explain)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
