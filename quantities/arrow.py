"""Facts as Apache Arrow record batches and Parquet files (needs ``pyarrow``: the ``parquet`` extra).

One row per fact, with the document it came from and every field of the fact contract;
a document without facts (none found, or an error record) is one row whose fact columns
are null, so that no input line disappears from a table either. Columns
(:data:`FACT_COLUMNS`, in this order):

* ``line`` (int64): the input line (``quantities batch``) or the ``line`` column of the
  input batch, else null; ``id`` (string): the document id (an integer id as its digits);
* ``fact_index`` (int32): the fact's position in the document, null on a document row;
* the contract fields under their JSON names: ``kind``, ``start``, ``end``, ``text``,
  ``qualifier``, ``low_inclusive``, ``high_inclusive``, ``unit``, ``outcome``, ``counted``,
  ``models`` (list<string>), ``grain``, ``anchor``, ``iso_duration``, ``dimensionality``,
  ``lang``, ``rules`` (list<string>); a field a kind does not have is null;
* ``value``, ``low``, ``high`` (float64): the numbers (null for dates and open bounds), and
  ``value_text``, ``low_text``, ``high_text`` (string): the same values exactly, as text
  ("4350", "1.13", and the ISO 8601 strings of dates);
* ``error_type``, ``error_message`` (string): the error record's, else null;
* ``schema_version`` (:data:`quantities.models.SCHEMA_VERSION`) and ``extractor_version``
  (``quantities.__version__``), also stored in the file's metadata.

:func:`extract_batch` is the Arrow-batch function that Dask ``map_partitions``, Ray
``map_batches(batch_format="pyarrow")`` and Spark ``mapInArrow`` (through
:func:`extract_batches` and :data:`SPARK_SCHEMA`) call.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import pyarrow as pa
import pyarrow.parquet as pq

from quantities import __version__
from quantities.api import analyze
from quantities.batch import Analyzer, process_record
from quantities.models import SCHEMA_VERSION, BatchRecord
from quantities.options import Options

__all__ = [
    "FACT_COLUMNS",
    "FACT_SCHEMA",
    "SPARK_SCHEMA",
    "ParquetFormat",
    "ParquetSink",
    "extract_batch",
    "extract_batches",
    "records_to_batch",
]

_STR = pa.string()
_LIST = pa.list_(pa.string())

FACT_SCHEMA: pa.Schema = pa.schema(
    [
        ("line", pa.int64()),
        ("id", _STR),
        ("fact_index", pa.int32()),
        ("kind", _STR),
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("text", _STR),
        ("value", pa.float64()),
        ("value_text", _STR),
        ("low", pa.float64()),
        ("low_text", _STR),
        ("low_inclusive", pa.bool_()),
        ("high", pa.float64()),
        ("high_text", _STR),
        ("high_inclusive", pa.bool_()),
        ("qualifier", _STR),
        ("unit", _STR),
        ("outcome", _STR),
        ("counted", _STR),
        ("models", _LIST),
        ("grain", _STR),
        ("anchor", _STR),
        ("iso_duration", _STR),
        ("dimensionality", _STR),
        ("lang", _STR),
        ("rules", _LIST),
        ("error_type", _STR),
        ("error_message", _STR),
        ("schema_version", _STR),
        ("extractor_version", _STR),
    ],
    metadata={b"quantities.schema_version": SCHEMA_VERSION.encode(),
              b"quantities.extractor_version": __version__.encode()},
)
FACT_COLUMNS: tuple[str, ...] = tuple(FACT_SCHEMA.names)

_SPARK_TYPES = {"int64": "BIGINT", "int32": "INT", "double": "DOUBLE", "string": "STRING",
                "bool": "BOOLEAN", "list<item: string>": "ARRAY<STRING>"}
#: The output schema as a Spark DDL string, for ``mapInArrow(extract_batches, SPARK_SCHEMA)``.
SPARK_SCHEMA = ", ".join(f"`{f.name}` {_SPARK_TYPES[str(f.type)]}" for f in FACT_SCHEMA)

#: Fact fields copied as they are (JSON name == column name).
_PLAIN = ("kind", "start", "end", "text", "qualifier", "low_inclusive", "high_inclusive", "unit",
          "outcome", "counted", "models", "grain", "anchor", "iso_duration", "dimensionality",
          "lang", "rules")
_NUMBERS = ("value", "low", "high")


def _as_float(value: object) -> float | None:
    return float(value) if isinstance(value, (int, Decimal)) else None


def _as_text(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, Decimal):
        return str(int(value)) if value == value.to_integral_value() else format(value, "f")
    return str(value)


def records_to_batch(records: Iterable[tuple[int | None, BatchRecord]]) -> pa.RecordBatch:
    """(line, record) pairs -> one record batch of :data:`FACT_SCHEMA` rows."""
    cols: dict[str, list[Any]] = {name: [] for name in FACT_COLUMNS}

    def row(line: int | None, rec: BatchRecord, index: int | None, fact: Any) -> None:
        cols["line"].append(line)
        cols["id"].append(None if rec.id is None else str(rec.id))
        cols["fact_index"].append(index)
        for name in _PLAIN:
            cols[name].append(getattr(fact, name, None))
        for name in _NUMBERS:
            value = getattr(fact, name, None)
            cols[name].append(_as_float(value))
            cols[name + "_text"].append(_as_text(value))
        cols["error_type"].append(rec.error.type if rec.error else None)
        cols["error_message"].append(rec.error.message if rec.error else None)

    for line, rec in records:
        if rec.facts:
            for index, fact in enumerate(rec.facts):
                row(line, rec, index, fact)
        else:
            row(line, rec, None, None)
    n = len(cols["line"])
    cols["schema_version"] = [SCHEMA_VERSION] * n
    cols["extractor_version"] = [__version__] * n
    return pa.RecordBatch.from_pydict(cols, schema=FACT_SCHEMA)


B = TypeVar("B", pa.RecordBatch, pa.Table)


def extract_batch(batch: B, options: Options | None = None, analyzer: Analyzer = analyze) -> B:
    """The Arrow-batch function: documents in, facts out (a ``RecordBatch`` for a
    ``RecordBatch``, a ``Table`` for a ``Table``).

    Input columns: ``text`` (required), ``id``, ``reference_date`` (ISO string, date or
    timestamp), ``lang`` and ``line`` (all optional, may be null). Output: rows of
    :data:`FACT_SCHEMA`, documents in input order. A bad row (null or non-string text,
    unknown lang, bad date, over-long text) becomes a document row with ``error_type``
    set; the error message names it ``line N`` (from the ``line`` column) or ``row N``
    (its 0-based position in this batch).

    >>> import pyarrow as pa
    >>> out = extract_batch(pa.record_batch({"id": ["a"], "text": ["At least 225 people were killed."]}))
    >>> out.column("kind").to_pylist(), out.column("value").to_pylist()
    (['casualties'], [225.0])
    """
    if "text" not in batch.schema.names:
        raise ValueError(f"the batch has no 'text' column (columns: {', '.join(batch.schema.names)})")
    opts = options or Options()
    columns = {name: batch.column(name).to_pylist()
               for name in ("id", "text", "reference_date", "lang", "line") if name in batch.schema.names}
    lines: Sequence[Any] = columns.get("line", [None] * batch.num_rows)
    records: list[tuple[int | None, BatchRecord]] = []
    for i in range(batch.num_rows):
        rec = {name: values[i] for name, values in columns.items()}
        line = lines[i]
        where = f"row {i}" if line is None else f"line {line}"
        records.append((line, process_record(rec, where, opts, analyzer)))
    out = records_to_batch(records)
    if isinstance(batch, pa.Table):
        return pa.Table.from_batches([out], schema=FACT_SCHEMA)
    return out


def extract_batches(
    batches: Iterable[pa.RecordBatch], options: Options | None = None
) -> Iterator[pa.RecordBatch]:
    """:func:`extract_batch` over an iterator of batches (Spark ``mapInArrow``)."""
    for batch in batches:
        yield extract_batch(batch, options)


class ParquetFormat:
    """Chunks of records encoded as Arrow record batches (in the worker processes)."""

    def encode(self, records: list[tuple[int | None, BatchRecord]]) -> pa.RecordBatch:
        return records_to_batch(records)


class ParquetSink:
    """Writes record batches into one Parquet file, in row groups of exactly
    ``row_group_rows`` rows (the last one shorter), so that the file's bytes do not
    depend on how the input was cut into chunks; at most one row group is held in
    memory. Writes to ``PATH.partial`` and renames
    it on :meth:`close`: a file at ``PATH`` is always complete and valid.
    """

    def __init__(self, path: str | os.PathLike[str], row_group_rows: int = 32_768) -> None:
        self.path = Path(path)
        self.partial = self.path.with_name(self.path.name + ".partial")
        self.rows = row_group_rows
        self.pending: list[pa.RecordBatch] = []
        self.pending_rows = 0
        self.writer = pq.ParquetWriter(self.partial, FACT_SCHEMA, compression="zstd")

    def write(self, batch: pa.RecordBatch) -> None:
        self.pending.append(batch)
        self.pending_rows += batch.num_rows
        while self.pending_rows >= self.rows:
            self._flush(self.rows)

    def _flush(self, rows: int) -> None:
        table = pa.Table.from_batches(self.pending, schema=FACT_SCHEMA)
        self.writer.write_table(table.slice(0, rows), row_group_size=rows)
        rest = table.slice(rows)
        self.pending = rest.combine_chunks().to_batches() if rest.num_rows else []
        self.pending_rows = rest.num_rows

    def close(self) -> None:
        if self.pending_rows:
            self._flush(self.pending_rows)
        self.writer.close()
        self.partial.replace(self.path)

    def abort(self) -> None:
        """Close without publishing (an error, not an interruption)."""
        self.writer.close()
        self.partial.unlink(missing_ok=True)
