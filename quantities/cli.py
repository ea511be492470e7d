"""The ``quantities`` command line: extract, batch, schema, explain.

Exit status: 0 success; 1 ``batch`` finished but some records are error records;
2 usage error (bad option, unreadable input file, a missing optional extra, workers or
a Dask scheduler that cannot be reached); 130 ``batch`` interrupted (Ctrl-C, SIGTERM):
the output holds the records so far, complete and in order. The batch runner itself
lives in :mod:`quantities.batch`.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import signal
import stat
import sys
from collections.abc import Generator, Sequence
from pathlib import Path
from typing import IO, Any

from quantities import __version__
from quantities.api import analyze, parse_reference_date
from quantities.batch import (
    DASK_WORKER_PRELOAD,
    DEFAULT_TIMEOUT,
    Chunk,
    JsonlFormat,
    Progress,
    available_cores,
    iter_batch,
    numbered_lines,
    process_line,
    start_fork_server,
)
from quantities.lang import LANGS
from quantities.models import Extraction
from quantities.options import Options
from quantities.schema import SCHEMAS, schema_text

__all__ = ["main", "process_line"]


def _options(args: argparse.Namespace) -> Options:
    return Options(all_numbers=bool(getattr(args, "all_numbers", False)))


def _open_in(path: str) -> IO[bytes]:
    if path == "-":
        return sys.stdin.buffer
    return open(path, "rb")


class _Stop:
    """Ctrl-C (SIGINT) or SIGTERM: finish the chunk being written, close the output (a
    valid, truncated file) and exit 130. A second Ctrl-C interrupts at once."""

    def __init__(self) -> None:
        self.requested = False
        self.saved: dict[int, Any] = {}

    def __call__(self) -> bool:
        return self.requested

    def _handle(self, signum: int, _frame: object) -> None:
        self.requested = True
        signal.signal(signum, self.saved.get(signum, signal.SIG_DFL))

    def __enter__(self) -> _Stop:
        for signum in (signal.SIGINT, signal.SIGTERM):
            try:
                self.saved[signum] = signal.signal(signum, self._handle)
            except ValueError:  # not the main thread: leave signals alone
                break
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self.saved.items():
            signal.signal(signum, handler)


class _JsonlSink:
    def __init__(self, stream: IO[bytes], owned: bool) -> None:
        self.stream, self.owned = stream, owned

    def write(self, payload: bytes) -> None:
        self.stream.write(payload)

    def close(self) -> None:
        if self.owned:
            self.stream.close()
        else:
            self.stream.flush()

    abort = close


def _usage(message: str) -> int:
    print(f"quantities batch: {message}", file=sys.stderr)
    return 2


def _cmd_batch(args: argparse.Namespace) -> int:
    options = _options(args)
    jobs = args.jobs if args.jobs > 0 else available_cores()
    fmt: Any = JsonlFormat()
    if args.format == "parquet":
        if args.output == "-":
            return _usage("--format parquet needs a file: -o OUTPUT")
        try:
            from quantities import arrow
        except ImportError:
            return _usage("--format parquet needs pyarrow: pip install 'news-quantities[parquet]'")
        fmt = arrow.ParquetFormat()
    if args.dask is not None:
        if args.dask == "local" and importlib.util.find_spec("distributed") is not None:
            # the workers' fork server imports Dask and the pipeline while this process imports Dask
            start_fork_server(DASK_WORKER_PRELOAD)
        try:
            import quantities.dask as qdask
        except ImportError:
            return _usage("--dask needs dask and distributed: pip install 'news-quantities[dask]'")
    try:
        source = _open_in(args.input)
    except OSError as exc:
        return _usage(f"cannot read {args.input}: {exc}")
    try:
        sink: Any = (arrow.ParquetSink(args.output) if args.format == "parquet"
                     else _JsonlSink(sys.stdout.buffer, False) if args.output == "-"
                     else _JsonlSink(open(args.output, "wb"), True))  # noqa: SIM115 - closed by _drain
    except OSError as exc:
        if source is not sys.stdin.buffer:
            source.close()
        return _usage(f"cannot write {args.output}: {exc}")
    progress = Progress(sys.stderr, _size(source))
    with _Stop() as stop:
        lines = numbered_lines(source)
        if args.dask is not None:
            # The workers of a local cluster read their parts of an input file themselves.
            shared = args.dask == "local" and _size(source) is not None
            chunks: Generator[Chunk[Any], None, None] = qdask.iter_batch_distributed(
                args.input if shared else lines, options, fmt, address=args.dask, jobs=jobs, stop=stop
            )
        else:
            chunks = iter_batch(lines, options, fmt, jobs=jobs, timeout=args.timeout or None, stop=stop,
                                isolate=args.isolate)
        try:
            failed = _drain(chunks, sink, progress)
        except (RuntimeError, OSError) as exc:  # workers that cannot start, a scheduler out of reach
            print(f"quantities batch: {exc}", file=sys.stderr)
            return 2
        finally:
            if source is not sys.stdin.buffer:
                source.close()
        if failed is None:
            return 141
        if stop.requested:
            print(f"quantities batch: interrupted; the output holds the first {progress.docs} records",
                  file=sys.stderr)
            return 130
    return 1 if failed else 0


def _drain(chunks: Generator[Chunk[Any], None, None], sink: Any, progress: Progress) -> int | None:
    """Write the chunks in order; the number of error records (None: the reader of
    standard output went away). The output is closed, valid, whatever happens."""
    failed = 0
    try:
        for chunk in chunks:
            sink.write(chunk.payload)
            failed += chunk.errors
            progress.update(chunk)
    except BrokenPipeError:
        chunks.close()
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return None
    except KeyboardInterrupt:  # a second Ctrl-C: stop now, keep what is written
        chunks.close()
        sink.close()
        raise
    except BaseException:
        chunks.close()
        sink.abort()
        raise
    finally:
        progress.close()
    sink.close()
    return failed


def _size(stream: IO[bytes]) -> int | None:
    """The size of a regular input file (for the progress display), else None."""
    try:
        info = os.fstat(stream.fileno())
    except (OSError, ValueError, AttributeError):
        return None
    return info.st_size if stat.S_ISREG(info.st_mode) else None


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


def _jobs(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of jobs: {value!r}") from None
    if jobs < 0:
        raise argparse.ArgumentTypeError("--jobs must be 0 (all cores) or more")
    return jobs


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {value!r}") from None
    if not 0 <= seconds < float("inf"):
        raise argparse.ArgumentTypeError("--timeout must be 0 (no limit) or a positive number of seconds")
    return seconds


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
        "error record and the run goes on. Exit status: 0, or 1 when any record is an error, "
        "2 on a usage error, 130 when interrupted (the output then holds the records so far). "
        "A progress line goes to standard error when it is a terminal.",
    )
    p_batch.add_argument("input", nargs="?", default="-", metavar="INPUT|-")
    p_batch.add_argument("-o", "--output", default="-", metavar="OUTPUT|-")
    p_batch.add_argument("--all-numbers", action="store_true",
                         help="also return bare numbers (kind 'number')")
    p_batch.add_argument("-j", "--jobs", type=_jobs, default=1, metavar="N",
                         help="worker processes (default 1; 0: one per available core); "
                         "the output is the same for every N")
    p_batch.add_argument("--timeout", type=_seconds, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                         help=f"time limit per document (default {DEFAULT_TIMEOUT:g}; 0 = no limit); "
                         "a document over it becomes a 'timeout' error record")
    p_batch.add_argument("--isolate", action="store_true",
                         help="run documents in worker processes even with --jobs 1: a crash "
                         "then costs one record, not the run, and a document stuck in C code "
                         "is stopped too (with --jobs 1 and no --isolate, everything runs in "
                         "this process and a timer signal enforces --timeout)")
    p_batch.add_argument("--format", choices=["jsonl", "parquet"], default="jsonl",
                         help="JSON Lines (default), or Parquet: one row per fact (needs pyarrow, "
                         "the 'parquet' extra; -o OUTPUT required)")
    p_batch.add_argument("--dask", metavar="ADDRESS|local",
                         help="run on a Dask cluster: a scheduler address (tcp://host:8786) or "
                         "'local' for a local cluster of --jobs workers, which read their parts of "
                         "an input file themselves (needs the 'dask' extra); no per-document time "
                         "limit there")
    p_batch.set_defaults(func=_cmd_batch)

    p_schema = sub.add_parser("schema", help="print the JSON Schema of the output")
    p_schema.add_argument("which", nargs="?", choices=sorted(SCHEMAS), default="fact",
                          help="fact (default), batch (one batch output line) or extraction")
    p_schema.add_argument("--write", metavar="DIR", help="write every schema file into DIR")
    p_schema.set_defaults(func=_cmd_schema)

    p_explain = sub.add_parser(
        "explain", help="each fact with its rules, each rejected candidate with its reason"
    )
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
