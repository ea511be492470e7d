"""Durations written in parts: "2 years and 3 months", "1 час 55 минут".

Rule ``duration.composite``: consecutive duration mentions with strictly falling units,
joined by a joiner of ``qualifiers.toml [list] duration_joiners`` (or a space), become one
duration. Its ``unit`` is the smallest part's, its value the sum in that unit on the
calendar of :data:`quantities.units.CALENDAR_SECONDS` (as Duckling adds them: a month is
30 days, a year 365), and its ``iso_duration`` keeps every part exactly ("P2Y3M").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from quantities.candidates import Mention, Num
from quantities.numbers import normalise_value
from quantities.units import CALENDAR_SECONDS, iso_composite

__all__ = ["merge_durations"]

_MONTHS = {"year": 12, "month": 1}  # years and months add up exactly


def _size(m: Mention) -> int | None:
    return CALENDAR_SECONDS.get(m.unit or "") if m.kind == "duration" and not m.num.vague else None


def merge_durations(
    view: str, mentions: Sequence[Mention], joiner_re: re.Pattern[str]
) -> list[Mention]:
    """Merge runs of duration parts into one mention each (see the module docstring)."""
    out: list[Mention] = []
    i = 0
    while i < len(mentions):
        run = [mentions[i]]
        size = _size(mentions[i])
        j = i + 1
        while size is not None and j < len(mentions):
            nxt = _size(mentions[j])
            if nxt is None or nxt >= size or not joiner_re.fullmatch(view, run[-1].end, mentions[j].start):
                break
            run.append(mentions[j])
            size = nxt
            j += 1
        if len(run) == 1:
            out.append(run[0])
            i += 1
            continue
        smallest = run[-1].unit or "second"
        table = _MONTHS if all(m.unit in _MONTHS for m in run) else CALENDAR_SECONDS
        parts = (Decimal(m.num.value) * table[m.unit or "second"] for m in run)
        total = sum(parts, Decimal(0)) / table[smallest]
        first = run[0]
        num = Num(first.num.start, run[-1].end, normalise_value(total), "duration.composite")
        iso = iso_composite([(m.num.value, m.unit or "second") for m in run])
        out.append(Mention(
            num, first.start, run[-1].end, kind="duration", unit=smallest,
            dimensionality=first.dimensionality, iso_duration=iso, rules=[*first.rules, "duration.composite"],
        ))
        i = j
    return out
