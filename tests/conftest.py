"""Shared test helpers: where ../shared is, and how to read the example corpora."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"
SHARED = Path(os.environ.get("QUANTITIES_SHARED", ROOT.parent / "shared"))


def shared_path(*parts: str) -> Path:
    """A path in ../shared, or skip the test when ../shared is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not available (../shared is absent)")
    return path


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def tracked_ids() -> frozenset[int]:
    """The ids of every object the cyclic collector tracks now (for :func:`own_garbage`)."""
    import gc

    return frozenset(id(obj) for obj in gc.get_objects())


def own_garbage(before: frozenset[int] = frozenset()) -> list[Any]:
    """Collect, and return the unreachable objects (reference cycles) that belong to this
    package and were not tracked ``before``: instances of its classes, its functions and
    frames of its code. Garbage of other threads (a Dask cluster a test left running) and
    of earlier tests (a traceback a test runner let go of) is not counted."""
    import gc
    import types

    flags = gc.get_debug()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        gc.collect()
        found = [obj for obj in gc.garbage if id(obj) not in before]
        gc.garbage.clear()
    finally:
        gc.set_debug(flags)

    def ours(obj: Any) -> bool:
        if isinstance(obj, types.FrameType):
            return "/quantities/" in obj.f_code.co_filename
        if isinstance(obj, types.FunctionType):
            return str(obj.__module__).startswith("quantities")
        return type(obj).__module__.startswith("quantities")

    return [obj for obj in found if ours(obj)]
