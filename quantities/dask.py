"""Extraction on Dask (needs the ``dask`` extra: ``pip install 'news-quantities[dask]'``).

* :func:`extract_bag` / :func:`extract_jsonl`: a ``dask.bag`` of JSON Lines (``str`` or
  ``bytes``, as ``dask.bag.read_text`` gives them) or of record dicts -> a bag of output
  records (dicts, or JSON strings: the lines ``quantities batch`` writes);
* :func:`extract_dataframe`: a ``dask.dataframe`` with a ``text`` column (and optional
  ``id``, ``reference_date``, ``lang``, ``line``) -> a dataframe of fact rows, the
  columns of :data:`quantities.arrow.FACT_SCHEMA`, through the Arrow-batch function;
* :func:`iter_batch_distributed`: what ``quantities batch --dask ADDRESS|local`` runs
  (given the path of the input file, the workers read their byte ranges of it themselves).

Outside the command line an error record names its item ``partition P item I`` (a bag)
or ``row I`` (a dataframe partition) instead of ``line N``; the facts are the same.
There is no per-document time limit on Dask: use the scheduler's own means.

This module is ``quantities.dask``; the imports below are absolute and reach the real
``dask`` package.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

import dask
from distributed import Client, Future, LocalCluster, wait

from quantities.batch import (
    DASK_WORKER_PRELOAD,
    Chunk,
    Format,
    Line,
    Span,
    _line_id,
    _tasks,
    error_record,
    file_spans,
    process_line,
    process_record,
    read_span,
    run_chunk,
    run_span,
    start_fork_server,
)
from quantities.models import BatchRecord
from quantities.options import Options

if TYPE_CHECKING:
    import dask.bag as db

__all__ = ["extract_bag", "extract_dataframe", "extract_jsonl", "iter_batch_distributed"]

P = TypeVar("P")


def _bag_partition(items: Iterable[Any], index: Iterable[int], options: Options, as_json: bool) -> list[Any]:
    partition = next(iter(index))
    out: list[Any] = []
    for i, item in enumerate(items):
        where = f"partition {partition} item {i}"
        if isinstance(item, dict):
            rec = process_record(item, where, options)
        else:
            raw = item.encode("utf-8", "surrogateescape") if isinstance(item, str) else bytes(item)
            rec = process_line(raw.rstrip(b"\r\n"), i + 1, options, where=where)
        out.append(rec.model_dump_json() if as_json else rec.model_dump(mode="json"))
    return out


def _over_bag(bag: db.Bag, options: Options | None, as_json: bool) -> db.Bag:
    import dask.bag as db  # not on the command line's way: 40 ms

    n = bag.npartitions
    return bag.map_partitions(_bag_partition, db.range(n, npartitions=n), options or Options(), as_json)


def extract_bag(bag: db.Bag, options: Options | None = None) -> db.Bag:
    """One output record (a dict, as in ``schemas/batch-record.schema.json``) per item,
    in order. Items: JSON Lines (``str``/``bytes``) or already parsed record dicts."""
    return _over_bag(bag, options, as_json=False)


def extract_jsonl(bag: db.Bag, options: Options | None = None) -> db.Bag:
    """Like :func:`extract_bag`, each record as its JSON line (without the line break):
    ``extract_jsonl(dask.bag.read_text("in.jsonl")).to_textfiles("out/*.jsonl")``."""
    return _over_bag(bag, options, as_json=True)


def _partition_facts(pdf: Any, options: Options) -> Any:
    import pandas as pd
    import pyarrow as pa

    from quantities.arrow import extract_batch

    wanted = [c for c in ("id", "text", "reference_date", "lang", "line") if c in pdf.columns]
    table = pa.Table.from_pandas(pdf[wanted], preserve_index=False)
    return extract_batch(table, options).to_pandas(types_mapper=pd.ArrowDtype)


def extract_dataframe(df: Any, options: Options | None = None) -> Any:
    """Fact rows (:data:`quantities.arrow.FACT_SCHEMA`, pandas Arrow dtypes) of a
    ``dask.dataframe.DataFrame`` of documents, partition by partition."""
    import pandas as pd

    from quantities.arrow import FACT_SCHEMA

    meta = FACT_SCHEMA.empty_table().to_pandas(types_mapper=pd.ArrowDtype)
    return df.map_partitions(_partition_facts, options or Options(), meta=meta, clear_divisions=True)


def _single_error(task: list[Line], fmt: Format[P], exc: BaseException) -> Chunk[P]:
    (line_no, raw), = task
    rec: BatchRecord = error_record(
        _line_id(raw), "worker_crashed", f"line {line_no}: the Dask task failed ({type(exc).__name__}: {exc})"
    )
    return Chunk(line_no, 1, 0, 1, len(raw) + 1, fmt.encode([(line_no, rec)]))


#: Dask settings for a run. Dask keeps the last messages of every connection for
#: debugging (1000 by default): here each holds a chunk of the corpus, so memory would
#: grow with the input. The workers of a local cluster (which take their configuration
#: from here) skip the statistical profiler: it samples the running task every 10 ms, for
#: a dashboard that nobody looks at, and costs a few per cent of their time. The checks
#: that run while nothing happens (the event loop's health every 20 ms, a worker's memory
#: every 100 ms, the system monitor every 500 ms) run every second or two instead: on an
#: idle 2-worker cluster they cost this process 0.030 and the workers 0.034 CPU seconds
#: per second, 0.007 and 0.006 after. A worker over its memory limit is then stopped
#: within a second instead of a tenth.
_CONFIG = {
    "distributed.admin.low-level-log-length": 8,
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
}

#: The smallest span (bytes of the input file) a worker is sent, towards the end of the file.
_MIN_SPAN = 64 << 10


def _local_cluster(jobs: int) -> LocalCluster:
    """``jobs`` single-threaded worker processes on this machine, forked from a fork
    server that has Dask and the pipeline imported and warm (:data:`quantities.batch.DASK_WORKER_PRELOAD`;
    ``quantities batch`` starts it before it imports Dask itself, so that both import
    side by side). Not forked from here: this process runs Dask's threads by then."""
    method, preload = "forkserver", []
    if start_fork_server(DASK_WORKER_PRELOAD):
        # else distributed names the modules the fork server imports (too late: it runs
        # already), importing pandas here to do so
        import distributed.utils

        distributed.utils._forkserver_preload_set = True
    else:  # pragma: no cover - Windows
        method, preload = "spawn", ["quantities._preload"]
    with dask.config.set({"distributed.worker.multiprocessing-method": method}):
        return LocalCluster(n_workers=max(1, jobs), threads_per_worker=1, processes=True,
                            dashboard_address=":0", silence_logs=logging.ERROR, preload=preload)


def iter_batch_distributed(
    lines: Iterable[Line] | str | os.PathLike[str],
    options: Options,
    fmt: Format[P],
    *,
    address: str = "local",
    jobs: int = 1,
    stop: Callable[[], bool] | None = None,
    chunk_docs: int = 256,
    chunk_bytes: int = 8 << 20,
    span_bytes: int = 1 << 20,
) -> Generator[Chunk[P], None, None]:
    """:func:`quantities.batch.iter_batch` on a Dask cluster: the scheduler at ``address``
    or, for ``"local"``, a local cluster of ``jobs`` single-threaded worker processes
    (which import the pipeline and build its caches while they start).

    ``lines`` are numbered lines, read here and sent in chunks of up to ``chunk_docs``
    lines and ``chunk_bytes`` bytes; or the path of a JSON Lines file that every worker
    can read at that path (a local cluster; a remote one only on a file system shared
    with it, same path): then only byte ranges of the file go out (spans of whole lines,
    up to ``span_bytes``, smaller towards the end so that the workers finish together),
    and each worker reads its lines itself. A few chunks per worker are in flight; they
    come back in input order, encoded by the workers, so the output is the same as a
    local run. A chunk whose task fails is retried document by document, and a document
    that still fails becomes a ``worker_crashed`` error record.
    """
    cluster: LocalCluster | None = None
    with dask.config.set(_CONFIG):
        if address == "local":
            cluster = _local_cluster(jobs)
            client = Client(cluster)
        else:
            client = Client(address)
    pending: deque[tuple[list[Line] | Span, Future]] = deque()
    path = os.path.abspath(lines) if isinstance(lines, (str, os.PathLike)) else None
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        limit = 4 * workers

        def submit(task: list[Line] | Span) -> tuple[list[Line] | Span, Future]:
            if isinstance(task, Span):
                return task, client.submit(run_span, path, task, options, fmt, pure=False)
            return task, client.submit(run_chunk, task, options, fmt, pure=False)

        def head() -> Iterator[Chunk[P]]:
            task, future = pending[0]
            while True:
                if stop is not None and stop():
                    raise _StopRequested
                if future.done():
                    break
                with contextlib.suppress(TimeoutError):
                    wait(future, timeout=0.2)
            pending.popleft()
            try:
                chunk: Chunk[P] = future.result()
            except Exception as exc:  # noqa: BLE001 - a lost worker must not lose the records
                if isinstance(task, Span):
                    assert path is not None
                    task = read_span(path, task)
                if len(task) == 1:
                    yield _single_error(task, fmt, exc)
                else:
                    pending.extendleft(reversed([submit([item]) for item in task]))
                return
            yield chunk

        try:
            with contextlib.ExitStack() as stack:
                tasks: Iterable[list[Line] | Span]
                if path is None:
                    assert not isinstance(lines, (str, os.PathLike))
                    tasks = _tasks(lines, chunk_docs, chunk_bytes)
                else:
                    stream = stack.enter_context(open(path, "rb"))
                    total = os.fstat(stream.fileno()).st_size

                    def size(start: int) -> int:
                        share = (total - start) // (4 * workers)  # smaller towards the end
                        return max(min(_MIN_SPAN, span_bytes), min(span_bytes, share))

                    tasks = file_spans(stream, size)
                for task in tasks:
                    pending.append(submit(task))
                    while len(pending) >= limit:
                        yield from head()
            while pending:
                yield from head()
        except _StopRequested:
            return
    finally:
        for _, future in pending:
            future.cancel()
        client.close()
        if cluster is not None:
            cluster.close()


class _StopRequested(Exception):  # noqa: N818 - not an error: the caller asked to stop
    """Raised inside :func:`iter_batch_distributed` when ``stop()`` says so."""
