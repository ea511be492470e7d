"""Batch extraction: JSON Lines in, exactly one record per input line out, in input order.

Three layers, each usable alone:

* :func:`process_line` / :func:`process_record`: one input line (or one already parsed
  record) -> one :class:`~quantities.models.BatchRecord`. They never raise: a bad line
  becomes an error record that names the line and the problem. :func:`process_group`
  does the same for a few lines at once, each stage of the pipeline over all of them.
* :func:`iter_batch`: streams numbered lines, in this process or through a pool of worker
  processes, and yields :class:`Chunk` results in input order, with bounded memory. A
  document that runs past the per-document time limit becomes an error record of type
  ``timeout``: in this process a timer signal stops it; in a pool its worker is killed
  and replaced. A worker that dies becomes ``worker_crashed`` for the one document it was
  on. Everything else in the chunk is run again, so no record is lost. Documents run in
  groups (:func:`run_chunk`); a group stopped or failing runs again document by document,
  so these records are each document's own.
* :class:`JsonlFormat` (and ``quantities.arrow.ParquetFormat``): how a chunk of records
  is encoded in the worker and written by the parent.

The output depends only on the input and the options: never on the clock, the locale,
the hash seed, the number of jobs or how the input was cut into chunks (time limits
aside, which by their nature depend on the machine).

>>> rec = process_line(b'{"id": 7, "text": "Ten soldiers arrived."}', 1, Options())
>>> rec.id, [f.kind for f in rec.facts], rec.error
(7, ['personnel'], None)
>>> process_line(b'{"id": 8}', 2, Options()).error.message
"line 2: no 'text' field"
"""

from __future__ import annotations

import contextlib
import gc
import json
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import IO, Any, Generic, Protocol, TypeVar

from quantities.api import analyze, parse_reference_date, run_texts
from quantities.gcpause import gc_paused
from quantities.lang import LANGS
from quantities.models import BatchError, BatchRecord, Extraction, Rejection
from quantities.options import Options

__all__ = [
    "DASK_WORKER_PRELOAD",
    "DEFAULT_TIMEOUT",
    "Analyzer",
    "Chunk",
    "Format",
    "JsonlFormat",
    "Progress",
    "Span",
    "available_cores",
    "error_record",
    "file_spans",
    "iter_batch",
    "numbered_lines",
    "process_line",
    "process_record",
    "read_span",
    "run_chunk",
    "run_span",
    "start_fork_server",
]

#: Seconds one document may take before it becomes a ``timeout`` error record.
DEFAULT_TIMEOUT = 30.0

P = TypeVar("P")
P_co = TypeVar("P_co", covariant=True)

#: A numbered input line: (1-based line number, raw bytes without the line break).
Line = tuple[int, bytes]


class Analyzer(Protocol):
    """The per-document function: :func:`quantities.analyze` unless a caller injects another.

    It must be a module-level function (it is sent to worker processes by reference).
    """

    def __call__(
        self, text: str, *, lang: str | None, reference_date: date | None, options: Options
    ) -> Extraction: ...


def error_record(rid: str | int | None, kind: str, message: str) -> BatchRecord:
    """An error record: no facts, ``error`` = ``{"type": kind, "message": message}``."""
    return BatchRecord(id=rid, facts=[], error=BatchError(type=kind, message=message))


def _record_id(rec: Mapping[str, Any]) -> str | int | None:
    """The record's ``id``: a string or integer as given, anything else as its string."""
    rid = rec.get("id")
    if isinstance(rid, int) and not isinstance(rid, bool):
        return rid
    if rid is None:
        return None
    # a lone surrogate ("\ud800") cannot be written as UTF-8 JSON: U+FFFD keeps the length
    text = rid if isinstance(rid, str) else str(rid)
    return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text)


#: A record ready to analyse: (its id, text, lang, reference date, how errors name it).
Parsed = tuple[str | int | None, str, str | None, date | None, str]


def parse_record(rec: Mapping[str, Any], where: str) -> BatchRecord | Parsed:
    """A parsed input record ``{"id", "text", "reference_date"?, "lang"?}`` checked: ready
    to analyse, or an error record. ``where`` names the record in error messages."""
    rid = _record_id(rec)
    text = rec.get("text")
    if text is None:
        return error_record(rid, "missing_text", f"{where}: no 'text' field")
    if not isinstance(text, str):
        message = f"{where}: 'text' must be a string, not {type(text).__name__}"
        return error_record(rid, "invalid_type", message)
    lang = rec.get("lang")
    if lang is not None and lang not in LANGS:
        return error_record(rid, "invalid_lang", f"{where}: unknown lang {lang!r}")
    try:
        reference = parse_reference_date(rec.get("reference_date"))
    except (TypeError, ValueError) as exc:
        return error_record(rid, "invalid_reference_date", f"{where}: {exc}")
    return rid, text, lang, reference, where


def _analysed(parsed: Parsed, facts: list[Any], rejected: list[Rejection]) -> BatchRecord:
    """The output record of an analysed record: its facts, or ``input_too_long``."""
    rid, _, _, _, where = parsed
    if any(r.rule == "limits.max_chars" for r in rejected):
        return error_record(rid, "input_too_long", f"{where}: {rejected[0].reason}")
    return BatchRecord(id=rid, facts=facts, error=None)


def _analyse(parsed: BatchRecord | Parsed, options: Options, analyzer: Analyzer) -> BatchRecord:
    """The output record of a parsed record (an error record as it is). Never raises."""
    if isinstance(parsed, BatchRecord):
        return parsed
    rid, text, lang, reference, where = parsed
    try:
        result = analyzer(text, lang=lang, reference_date=reference, options=options)
    except Exception as exc:  # noqa: BLE001 - a bug must not lose the record: report it
        return error_record(rid, "internal_error", f"{where}: {type(exc).__name__}: {exc}")
    return _analysed(parsed, result.facts, result.rejected)


def process_record(
    rec: Mapping[str, Any], where: str, options: Options, analyzer: Analyzer = analyze
) -> BatchRecord:
    """One parsed input record ``{"id", "text", "reference_date"?, "lang"?}`` -> one output record.

    ``where`` names the record in error messages ("line 12"). Never raises.
    """
    return _analyse(parse_record(rec, where), options, analyzer)


def _line_id(raw: bytes) -> str | int | None:
    """The ``id`` of a raw input line, if it has a usable one (for records made without
    running the line, such as a time limit)."""
    try:
        rec = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    return _record_id(rec) if isinstance(rec, dict) else None


def parse_line(raw: bytes, line_no: int, *, where: str | None = None) -> BatchRecord | Parsed:
    """One input line of ``batch`` checked: a record ready to analyse, or an error record.

    Error messages name the line ``line N``, or ``where`` when given.
    """
    where = where or f"line {line_no}"
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        message = f"{where}: not valid UTF-8 ({exc.reason} at byte {exc.start})"
        return error_record(None, "invalid_utf8", message)
    if not line.strip():
        return error_record(None, "empty_line", f"{where}: empty line")
    try:
        rec = json.loads(line)
    except ValueError as exc:
        return error_record(None, "invalid_json", f"{where}: {exc}")
    except RecursionError:
        return error_record(None, "invalid_json", f"{where}: JSON nested too deeply")
    if not isinstance(rec, dict):
        return error_record(None, "invalid_record", f"{where}: a JSON object was expected")
    return parse_record(rec, where)


def process_line(
    raw: bytes, line_no: int, options: Options, analyzer: Analyzer = analyze, *, where: str | None = None
) -> BatchRecord:
    """One input line of ``batch`` -> one output record; never raises.

    Error messages name the line ``line N``, or ``where`` when given.
    """
    return _analyse(parse_line(raw, line_no, where=where), options, analyzer)


def process_group(lines: Sequence[Line], options: Options) -> list[BatchRecord]:
    """:func:`process_line` of each line with the default analyser, each stage of the
    pipeline over all of the group's documents (``quantities.api.run_texts``: faster on
    short documents, the same records). May raise on a bug the pipeline meets: then one
    :func:`process_line` per line tells which document it was."""
    parsed = [parse_line(raw, line_no) for line_no, raw in lines]
    todo = [p for p in parsed if not isinstance(p, BatchRecord)]
    results, refused = run_texts([(text, lang, ref) for _, text, lang, ref, _ in todo], options,
                                 diagnostics=False)
    if refused is not None:  # parse_line checks what the pipeline would refuse
        raise refused
    done = iter(zip(todo, results, strict=True))
    out: list[BatchRecord] = []
    for p in parsed:
        if isinstance(p, BatchRecord):
            out.append(p)
        else:
            record, (_, _, facts, rejected) = next(done)
            out.append(_analysed(record, facts, rejected))
    return out


# ---------------------------------------------------------------- output formats


class Format(Protocol[P_co]):
    """How records become output: ``encode`` runs in the worker, its payload goes to the sink.

    Implementations are small picklable objects (they travel to worker processes).
    """

    def encode(self, records: list[tuple[int | None, BatchRecord]]) -> P_co:
        """Encode (line number, record) pairs, in input order, as one payload."""
        ...


class JsonlFormat:
    """One JSON object per line, UTF-8, exactly as ``schemas/batch-record.schema.json``."""

    def encode(self, records: list[tuple[int | None, BatchRecord]]) -> bytes:
        return b"".join(rec.model_dump_json().encode("utf-8") + b"\n" for _, rec in records)


# ---------------------------------------------------------------- chunks


@dataclass(frozen=True)
class Chunk(Generic[P]):
    """The encoded output of consecutive input lines ``first .. first + docs - 1``."""

    first: int
    docs: int
    facts: int
    errors: int
    nbytes: int
    payload: P


#: A unit of work: consecutive numbered lines.
Task = list[Line]


def _timeout_message(line_no: int, limit: float) -> str:
    return f"line {line_no}: no result within the time limit of {limit:g} s"


class _TimeLimit(BaseException):
    """Raised by the timer signal in a document that ran past its limit. A
    ``BaseException``, so that no ``except Exception`` on the way catches it."""


def _on_alarm(signum: int, frame: object) -> None:
    raise _TimeLimit


def timer_available() -> bool:
    """Can this thread limit a document's time with a timer signal (POSIX, main thread)?"""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def _timer_signal() -> Iterator[None]:
    """The handler of the timer signal for the block; the previous one is restored after."""
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _limited_line(
    raw: bytes, line_no: int, options: Options, analyzer: Analyzer, limit: float
) -> BatchRecord:
    """:func:`process_line` stopped by the timer signal after ``limit`` seconds (the
    handler must be installed: :func:`_timer_signal`)."""
    try:
        try:
            signal.setitimer(signal.ITIMER_REAL, limit)
            return process_line(raw, line_no, options, analyzer)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _TimeLimit:
        return error_record(_line_id(raw), "timeout", _timeout_message(line_no, limit))


#: Documents run together through each stage (:func:`process_group`) when the default
#: analyser runs: most of the gain comes by 8 or so.
GROUP = 16


@gc_paused()
def run_chunk(
    task: Task,
    options: Options,
    fmt: Format[P],
    analyzer: Analyzer = analyze,
    state: Any = None,
    *,
    limit: float | None = None,
) -> Chunk[P]:
    """Process consecutive lines and encode them. ``state`` (worker processes only) is a
    shared array that tells the parent which documents are running since when (see
    :class:`_Worker`). ``limit`` (seconds; this process's main thread only, inside
    :func:`_timer_signal`) stops a document with the timer signal.

    With the default analyser, up to :data:`GROUP` documents at a time run through each
    stage together (:func:`process_group`). A group that runs past ``limit``, or meets a
    bug, runs again one document at a time, so that the limit and the error records are
    each document's own; a worker stopped in a group has its documents run again one by
    one (:meth:`_Pool._replace`).
    """
    records: list[tuple[int | None, BatchRecord]] = []
    facts = errors = nbytes = 0
    size = GROUP if analyzer is analyze else 1
    for index in range(0, len(task), size):
        group = task[index : index + size]
        if state is not None:
            state[1] = time.monotonic()
            state[3] = len(group)
            state[0] = index
        done = _run_group(group, options, limit) if len(group) > 1 else None
        if done is None:
            done = [process_line(raw, line_no, options, analyzer) if limit is None
                    else _limited_line(raw, line_no, options, analyzer, limit) for line_no, raw in group]
        for (line_no, raw), rec in zip(group, done, strict=True):
            records.append((line_no, rec))
            facts += len(rec.facts)
            errors += rec.error is not None
            nbytes += len(raw) + 1
    if state is not None:
        state[0] = -1
    return Chunk(task[0][0], len(task), facts, errors, nbytes, fmt.encode(records))


def _run_group(group: Task, options: Options, limit: float | None) -> list[BatchRecord] | None:
    """:func:`process_group` within ``limit`` seconds for the whole group (the timer
    signal), or None: it ran past the limit or met a bug, and each document must run alone."""
    try:
        if limit is None:
            return process_group(group, options)
        try:
            signal.setitimer(signal.ITIMER_REAL, limit)
            return process_group(group, options)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _TimeLimit:
        return None
    except Exception:  # noqa: BLE001 - each document alone gets its own error record
        return None


def numbered_lines(stream: IO[bytes]) -> Iterator[Line]:
    """(line number, raw line without its line break), counting from 1."""
    for line_no, raw in enumerate(stream, start=1):
        yield line_no, (raw[:-2] if raw.endswith(b"\r\n") else raw[:-1] if raw.endswith(b"\n") else raw)


@dataclass(frozen=True)
class Span:
    """Consecutive whole lines of an input file: ``length`` bytes from byte ``start``, the
    lines ``first .. first + docs - 1``. What a worker that can read the file is sent
    instead of the lines themselves (:func:`run_span`)."""

    start: int
    length: int
    first: int
    docs: int


def file_spans(stream: IO[bytes], size: Callable[[int], int], *, block: int = 1 << 16) -> Iterator[Span]:
    """Cut a file (read from its current position, taken as byte 0) into spans of whole
    lines: each ends at the first line break at or after ``size(start)`` bytes from its
    start, the last one at the end of the file. Only line breaks are looked at (a block at
    a time), so this costs next to nothing; the lines are those of
    :func:`numbered_lines`, and together the spans hold every byte of the file once."""
    start = pos = 0  # where the span being cut starts; where the block read last starts
    first, docs = 1, 0  # its first line; the line breaks in it so far
    want = max(1, size(0))
    last = b"\n"
    while data := stream.read(block):
        i = 0
        while True:
            lo = max(i, start + want - 1 - pos)
            cut = data.find(b"\n", lo) if lo < len(data) else -1
            if cut < 0:
                docs += data.count(b"\n", i)
                break
            docs += data.count(b"\n", i, cut + 1)
            end = pos + cut + 1
            yield Span(start, end - start, first, docs)
            start, first, docs, i = end, first + docs, 0, cut + 1
            want = max(1, size(start))
        pos += len(data)
        last = data[-1:]
    if pos > start:
        yield Span(start, pos - start, first, docs + (last != b"\n"))


def read_span(path: str | os.PathLike[str], span: Span) -> Task:
    """The numbered lines of ``span`` in the file at ``path`` (as :func:`numbered_lines`
    gives them)."""
    with open(path, "rb") as fh:
        fh.seek(span.start)
        data = fh.read(span.length)
    lines = [(span.first + i, raw) for i, raw in enumerate(_split_lines(data))]
    if len(lines) != span.docs:
        raise OSError(f"{os.fspath(path)}: bytes {span.start}-{span.start + span.length} "
                      f"no longer hold lines {span.first}-{span.first + span.docs - 1} (the file changed)")
    return lines


def _split_lines(data: bytes) -> list[bytes]:
    """The lines of ``data`` without their line breaks, as :func:`numbered_lines` cuts them."""
    lines = data.split(b"\n")
    if lines[-1]:
        tail = lines.pop()  # the last line of a file without a final line break keeps its \r
        lines = [raw[:-1] if raw.endswith(b"\r") else raw for raw in lines]
        lines.append(tail)
        return lines
    lines.pop()
    return [raw[:-1] if raw.endswith(b"\r") else raw for raw in lines]


def run_span(
    path: str | os.PathLike[str], span: Span, options: Options, fmt: Format[P], analyzer: Analyzer = analyze
) -> Chunk[P]:
    """:func:`run_chunk` on the lines of ``span``, read here from the file at ``path``:
    the worker reads its own input, so the parent sends a few numbers instead of text."""
    return run_chunk(read_span(path, span), options, fmt, analyzer)


def _tasks(lines: Iterable[Line], max_docs: int, max_bytes: int) -> Iterator[Task]:
    """Cut the input into tasks: 4 lines first, doubling up to ``max_docs`` (so that a
    small input still spreads over the workers), and never much over ``max_bytes``."""
    size = min(4, max_docs)
    task: Task = []
    nbytes = 0
    for item in lines:
        task.append(item)
        nbytes += len(item[1])
        if len(task) >= size or nbytes >= max_bytes:
            yield task
            task, nbytes = [], 0
            size = min(size * 2, max_docs)
    if task:
        yield task


def available_cores() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


# ---------------------------------------------------------------- the worker pool

#: Tasks a worker may hold at once: the one it runs and the next, already sent, so that it
#: never waits for the parent between tasks.
_DEPTH = 2


def _prefetch_bytes() -> int:
    """How large (in input bytes) a task may be to be sent to a worker that is still busy.

    Such a task must fit, with the one before it, in the connection's buffer: then the
    parent never blocks on writing it (it would block while the worker writes a large
    result: both would wait for each other, and no time limit would be enforced). A larger
    task waits until its worker is idle. A third of the socket's send buffer (about 70 KB
    on Linux), as at most two such tasks wait there; 0 (never) where the connection is no
    Unix socket.
    """
    if not hasattr(socket, "AF_UNIX") or "forkserver" not in multiprocessing.get_all_start_methods():
        return 0  # pragma: no cover - Windows
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        return int(sock.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)) // 3


def _task_bytes(task: Task) -> int:
    """An upper bound of the pickled size of a task."""
    return 64 + sum(len(raw) + 16 for _, raw in task)


def _worker_main(
    conn: Connection, state: Any, options: Options, fmt: Format[Any], analyzer: Analyzer
) -> None:
    """A worker process: run tasks until told to stop. Ctrl-C is the parent's business.

    ``state[2]`` is the ordinal of the task being run (0 for the first task received);
    ``run_chunk`` keeps ``state[0]`` and ``state[1]``.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the handler of a parent it forked from
    gc.freeze()  # the heap it starts with (shared with the parent) is not the collector's business
    ordinal = 0
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        state[2] = ordinal
        conn.send(run_chunk(task, options, fmt, analyzer, state))
        ordinal += 1


#: What :func:`warm_up` analyses: a unit (which loads pint and builds its unit registry,
#: the largest lazy cost, about 0.4 s) in the default language.
_WARM_UP_TEXT = "About 50 people arrived on 6 January 2022 after a 120 km march."


def warm_up() -> None:
    """Build the lazily built caches in this process: pint's unit registry, which every
    language needs, and the English patterns.

    The fork server runs it once, so that every worker forked from it, first or
    replacement, starts warm. Ukrainian and Russian (about 0.1 s each) are left to the
    workers that meet them: built here, they would delay the start of every run by that
    much, and in the workers they are built side by side. A failure here is not hidden:
    it happens again, and is reported as an error record, when a worker analyses a
    document.
    """
    try:
        analyze(_WARM_UP_TEXT, lang="en", reference_date=date(2022, 1, 6))
    except Exception:  # noqa: BLE001 - see the docstring
        return


def _single_threaded() -> bool:
    """Does this process run one thread only, counting threads started outside Python
    (Linux: ``/proc/self/task``)? Only then is ``fork`` safe: a lock that another thread
    holds would stay locked forever in the child."""
    if not sys.platform.startswith("linux") or threading.active_count() != 1:
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:  # pragma: no cover - no /proc
        return False


def _context() -> multiprocessing.context.BaseContext:
    """How worker processes start: forked from this process when it runs no other thread
    (Linux): at once, with the pipeline imported (each builds the caches it needs on its
    first documents); else forked from a clean, single-threaded server that has the
    pipeline imported and warm (``forkserver``, which costs about 0.5 s before the first
    worker runs and as much CPU); else ``spawn`` (Windows)."""
    if _single_threaded():
        return multiprocessing.get_context("fork")
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["quantities._preload"])
        return ctx
    return multiprocessing.get_context("spawn")  # pragma: no cover - Windows


#: What the fork server of a local Dask cluster's workers imports before it forks them
#: (``quantities.dask``; named here, where the command line can start that server before
#: it imports Dask).
DASK_WORKER_PRELOAD = ["distributed", "quantities._preload"]


def start_fork_server(preload: list[str]) -> bool:
    """Start this process's fork server now, if there can be one and it is not running
    yet, importing ``preload`` (and running them) while this process goes on with other
    things; its processes then start with those modules imported. False: no fork server
    (Windows). The fork server outlives the call: it stops with this process. Once it
    runs, the modules it imported cannot change: the first caller chooses them."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return False  # pragma: no cover - Windows
    from multiprocessing import forkserver

    multiprocessing.get_context("forkserver").set_forkserver_preload(preload)
    forkserver.ensure_running()
    return True


class _Worker:
    """A worker process, and the tasks sent to it whose results have not come back, oldest
    first (the order in which it runs them)."""

    def __init__(self, ctx: Any, options: Options, fmt: Format[Any], analyzer: Analyzer) -> None:
        self.conn, child = ctx.Pipe()
        # [index in its task of the (first) document being run, or -1; when it started
        # (time.monotonic); the ordinal of the task being run; how many documents are
        # being run together from that index (run_chunk)]
        self.state = ctx.RawArray("d", [-1.0, 0.0, -1.0, 1.0])
        self.proc: BaseProcess = ctx.Process(
            target=_worker_main, args=(child, self.state, options, fmt, analyzer), daemon=True
        )
        self.proc.start()
        child.close()
        self.tasks: deque[Task] = deque()
        self.sent = 0  # tasks sent so far

    def send(self, task: Task) -> None:
        self.tasks.append(task)
        self.sent += 1
        with contextlib.suppress(OSError):  # a dead worker: collect() finds it and reruns the task
            self.conn.send(task)

    def started(self) -> float | None:
        """When the document being processed started (``time.monotonic``), if any."""
        started: float = self.state[1]
        return started if self.tasks and self.state[0] >= 0 else None

    def receive(self) -> Chunk[Any] | None:
        """The result of the oldest task, if it has come or is coming in (None: nothing
        yet, or the worker is gone and did not send it in full)."""
        try:
            if self.tasks and self.conn.poll():
                chunk: Chunk[Any] = self.conn.recv()
                self.tasks.popleft()
                return chunk
        except (EOFError, OSError):
            pass
        return None

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.proc.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                self.proc.kill()
        self.proc.join(timeout=None if kill else 5)
        if self.proc.is_alive():  # pragma: no cover - a worker that ignores the request
            self.proc.kill()
            self.proc.join()
        self.conn.close()


class _Pool(Generic[P]):
    """Worker processes, up to ``_DEPTH`` tasks in flight each; a stuck or dead one is
    replaced."""

    def __init__(
        self, jobs: int, options: Options, fmt: Format[P], analyzer: Analyzer, timeout: float | None
    ) -> None:
        self.options, self.fmt, self.analyzer, self.timeout = options, fmt, analyzer, timeout
        self.workers = [self._spawn() for _ in range(jobs)]
        self.retry: deque[Task] = deque()
        self.ready: dict[int, Chunk[P]] = {}
        self.start_failures = 0
        self.exhausted = False  # no more new tasks
        self.prefetch_bytes = _prefetch_bytes()

    def _spawn(self) -> _Worker:
        return _Worker(_context(), self.options, self.fmt, self.analyzer)

    def close(self, kill: bool = False) -> None:
        for w in self.workers:
            w.stop(kill=kill or bool(w.tasks))

    def busy(self) -> list[_Worker]:
        return [w for w in self.workers if w.tasks]

    def in_flight(self) -> int:
        return sum(len(w.tasks) for w in self.workers)

    def _file(self, chunk: Chunk[P]) -> None:
        self.ready[chunk.first] = chunk
        self.start_failures = 0

    def _replace(self, worker: _Worker, reason: str) -> None:
        """Kill and replace a stuck or dead worker. The results it had sent in full are
        kept; the task it was on is split around the document it was on (a ``timeout``
        or ``worker_crashed`` record), and the rest of it and its other tasks run again.
        When it was on a group of documents (run_chunk), nobody is blamed: each of them
        runs again alone, as a task of its own."""
        worker.proc.kill()
        worker.proc.join()
        while (chunk := worker.receive()) is not None:
            self._file(chunk)
        worker.stop(kill=True)
        tasks = list(worker.tasks)
        worker.tasks.clear()
        exitcode = worker.proc.exitcode
        index, started, ordinal = int(worker.state[0]), worker.state[1], int(worker.state[2])
        together = int(worker.state[3])
        self.workers[self.workers.index(worker)] = self._spawn()
        if not tasks:
            return
        if index < 0 or ordinal != worker.sent - len(tasks):
            # Between documents (or not started): nobody to blame, run the tasks again.
            if reason == "worker_crashed":
                self.start_failures += 1
                if self.start_failures > 3:
                    raise RuntimeError(f"batch: worker processes keep dying (exit code {exitcode})")
            self.retry.extendleft(reversed(tasks))
            return
        task = tasks[0]
        if together > 1:  # a group of documents: each runs again alone, to find the culprit
            head, group, rest = task[:index], task[index : index + together], task[index + together :]
            parts = [head, *([line] for line in group), rest, *tasks[1:]]
            self.retry.extendleft(reversed([part for part in parts if part]))
            return
        blame = True
        if reason == "timeout" and self.timeout is not None and time.monotonic() - started < self.timeout:
            blame = False  # it had just moved on to the next document
        head, rest = task[:index], task[index + blame :]
        if blame:
            line_no, raw = task[index]
            if reason == "timeout":
                message = _timeout_message(line_no, self.timeout or 0.0)
            else:
                message = f"line {line_no}: the worker process died (exit code {exitcode})"
            record = error_record(_line_id(raw), reason, message)
            self.ready[line_no] = Chunk(line_no, 1, 0, 1, len(raw) + 1, self.fmt.encode([(line_no, record)]))
        self.retry.extendleft(reversed([part for part in (head, rest, *tasks[1:]) if part]))

    def collect(self, max_wait: float) -> None:
        """Wait up to ``max_wait`` s for results, deaths and time limits; file what came."""
        busy = self.busy()
        if not busy:
            return
        now = time.monotonic()
        wake = now + max_wait
        if self.timeout is not None:
            for w in busy:
                started = w.started()
                if started is not None:
                    wake = min(wake, started + self.timeout)
        by_handle: dict[Any, _Worker] = {}
        for w in busy:
            by_handle[w.conn] = w
            by_handle[w.proc.sentinel] = w
        done = wait(list(by_handle), timeout=max(0.0, wake - now))
        handled: set[int] = set()
        for handle in done:
            w = by_handle[handle]
            if id(w) in handled:
                continue
            handled.add(id(w))
            got = False
            while (chunk := w.receive()) is not None:
                self._file(chunk)
                got = True
            if not got:
                w.proc.join(timeout=1)
                self._replace(w, "worker_crashed")
        if self.timeout is not None:
            now = time.monotonic()
            for w in self.busy():
                started = w.started()
                if started is not None and now - started >= self.timeout:
                    self._replace(w, "timeout")

    def next_task(self, tasks: Iterator[Task], limit: int) -> Task | None:
        """The next task to send: a task to run again, else a new one while fewer than
        ``limit`` chunks are in flight or waiting to be written. None: none for now."""
        if self.retry:
            return self.retry.popleft()
        if self.exhausted or len(self.ready) + self.in_flight() >= limit:
            return None
        task = next(tasks, None)
        self.exhausted = task is None
        return task


def iter_batch(
    lines: Iterable[Line],
    options: Options,
    fmt: Format[P],
    *,
    jobs: int = 1,
    timeout: float | None = DEFAULT_TIMEOUT,
    analyzer: Analyzer = analyze,
    chunk_docs: int = 64,
    chunk_bytes: int = 32 << 10,
    stop: Callable[[], bool] | None = None,
    isolate: bool = False,
) -> Generator[Chunk[P], None, None]:
    """Process numbered lines; yield the encoded chunks in input order.

    ``timeout`` is the per-document limit in seconds (None or 0: none). With one job the
    documents run in this process, and a timer signal enforces the limit; with ``jobs``
    of 2 or more, or ``isolate``, or where there is no timer signal (Windows, or not the
    main thread) and a limit is set, they run in ``jobs`` worker processes: a document
    over the limit has its worker killed, and a crash costs one record, not the run. The
    workers fork from this process when it runs no other thread (Linux), else from a fork
    server (:func:`_context`). The worker processes (``quantities batch --isolate``) cost
    memory (a second interpreter) and some CPU time; they also stop a document stuck
    inside a C call, which the signal cannot. The lines go out
    in tasks of up to ``chunk_docs`` lines and about ``chunk_bytes`` bytes (the first ones
    smaller, so that a small input still spreads); a worker holds the task it runs and,
    if it is small, the next one, so that it never waits for this process between tasks.
    At most a few chunks per worker are held in memory, whatever the size of the input. ``stop``,
    polled several times a second, ends the iteration early (after whole chunks only).
    """
    tasks = _tasks(lines, max(1, chunk_docs), chunk_bytes)
    if jobs <= 1 and not isolate and (not timeout or timer_available()):
        with _timer_signal() if timeout else contextlib.nullcontext():
            for one in tasks:
                if stop is not None and stop():
                    return
                yield run_chunk(one, options, fmt, analyzer, limit=timeout or None)
        return
    pool = _Pool(max(1, jobs), options, fmt, analyzer, timeout or None)
    limit = 4 * len(pool.workers)
    next_line = 1
    killed = True
    try:
        while True:
            if stop is not None and stop():
                return
            # Every idle worker gets a task, then every worker its next one (if small).
            for depth in range(1, _DEPTH + 1):
                for w in pool.workers:
                    if len(w.tasks) >= depth:
                        continue
                    task = pool.next_task(tasks, limit)
                    if task is None:
                        break
                    if w.tasks and _task_bytes(task) > pool.prefetch_bytes:
                        pool.retry.appendleft(task)
                        continue
                    w.send(task)
            while next_line in pool.ready:
                chunk = pool.ready.pop(next_line)
                next_line += chunk.docs
                yield chunk
            if not pool.retry and not pool.busy():
                if pool.ready:  # pragma: no cover - would mean a hole in the line numbers
                    raise RuntimeError(f"batch: lines from {next_line} are missing")
                if pool.exhausted:
                    killed = False
                    return
            pool.collect(0.2)
    finally:
        pool.close(kill=killed)


# ---------------------------------------------------------------- progress


class Progress:
    """A one-line progress display (documents, documents/s, facts, errors, elapsed time),
    redrawn at most four times a second, on ``stream`` only when it is a terminal."""

    def __init__(self, stream: IO[str], total_bytes: int | None = None, *, force: bool = False) -> None:
        self.stream = stream
        self.enabled = force or _isatty(stream)
        self.total = total_bytes or None
        self.docs = self.facts = self.errors = self.nbytes = 0
        self.t0 = self.shown = time.monotonic()

    def update(self, chunk: Chunk[Any]) -> None:
        self.docs += chunk.docs
        self.facts += chunk.facts
        self.errors += chunk.errors
        self.nbytes += chunk.nbytes
        now = time.monotonic()
        if self.enabled and now - self.shown >= 0.25:
            self.shown = now
            self._draw(now)

    def line(self, now: float | None = None) -> str:
        elapsed = (time.monotonic() if now is None else now) - self.t0
        share = f" ({min(100, 100 * self.nbytes // self.total)}%)" if self.total else ""
        rate = self.docs / elapsed if elapsed > 0 else 0.0
        minutes, seconds = divmod(int(elapsed), 60)
        return (f"{self.docs:,} docs{share}  {rate:,.0f} docs/s  {self.facts:,} facts  "
                f"{self.errors:,} errors  {minutes}:{seconds:02d}")

    def _draw(self, now: float) -> None:
        self.stream.write("\r" + self.line(now) + "\x1b[K")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self._draw(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
