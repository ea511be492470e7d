"""Extraction options: one frozen object passed explicitly (no global settings)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["DEFAULT_LIMITS", "Options"]

#: Plausibility limits: a count above its kind's limit is rejected with a reason.
DEFAULT_LIMITS: Mapping[str, int] = MappingProxyType(
    {
        "aircraft": 10_000,
        "flights": 1_000_000,
        "equipment": 1_000_000,
        "personnel": 20_000_000,
        "casualties": 100_000_000,
        "people": 10_000_000_000,
        "count": 10**15,
    }
)


class Options(BaseModel):
    """What to extract and how strictly.

    >>> Options().all_numbers
    False
    >>> Options(kinds=frozenset({"date"})).kinds
    frozenset({'date'})
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    all_numbers: bool = Field(
        default=False,
        description="Also return bare numbers (kind 'number') with nothing counted or measured.",
    )
    kinds: frozenset[str] | None = Field(
        default=None, description="Return only these kinds (None: all)."
    )
    max_chars: int = Field(
        default=1_000_000,
        ge=1,
        description="Longer texts are not processed: the result has no facts and one "
        "rejection 'limits.max_chars' (batch: an error record 'input_too_long').",
    )
    limits: Mapping[str, int] = Field(
        default_factory=lambda: dict(DEFAULT_LIMITS),
        description="Largest plausible count per kind (kinds not named: no limit).",
    )
    date_window_years: int = Field(
        default=200,
        ge=1,
        description="Dates further than this from the reference date (or from 2000 "
        "without one) are rejected as implausible.",
    )
