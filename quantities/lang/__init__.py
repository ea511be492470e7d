"""Per-language data files: ``quantities/lang/<code>/<name>.toml``.

Every language has the same files with the same top-level sections (a parity test
checks it). Each stage module owns and validates the file it reads; this module only
finds, parses and caches them. Files are read lazily, once per process.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

from quantities.errors import DataError

__all__ = ["DATA_FILES", "LANGS", "load"]

LANGS: tuple[str, ...] = ("en", "uk", "ru")


def DATA_FILES() -> tuple[str, ...]:  # noqa: N802 - reads like a constant
    """The data file names (without ``.toml``) of the reference language, English."""
    base = resources.files("quantities.lang").joinpath("en")
    return tuple(sorted(p.name[:-5] for p in base.iterdir() if p.name.endswith(".toml")))


@cache
def load(lang: str, name: str) -> dict[str, Any]:
    """Parse ``lang/<lang>/<name>.toml``; raise :class:`DataError` if missing or invalid."""
    if lang not in LANGS:
        raise DataError(f"unknown language {lang!r}; expected one of {', '.join(LANGS)}")
    path = resources.files("quantities.lang").joinpath(lang).joinpath(f"{name}.toml")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DataError(f"missing language data file {lang}/{name}.toml") from exc
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"invalid TOML in {lang}/{name}.toml: {exc}") from exc
