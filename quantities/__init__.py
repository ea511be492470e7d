"""quantities: numeric facts with exact spans from English, Ukrainian and Russian news.

>>> from quantities import extract
>>> [(f.kind, f.value, f.qualifier, f.outcome) for f in extract(
...     "At least 225 people were killed and more than 4,350 were injured.")]
[('casualties', 225, 'at_least', 'killed'), ('casualties', 4350, 'more_than', 'injured')]
"""

from __future__ import annotations

__version__ = "0.1.0"

from quantities.api import analyze, analyze_many, extract, extract_many
from quantities.errors import (
    DataError,
    InputTooLongError,
    QuantitiesError,
    UnknownLanguageError,
)
from quantities.models import (
    BatchRecord,
    CasualtyFact,
    CountFact,
    DateFact,
    DurationFact,
    Extraction,
    Fact,
    MoneyFact,
    NumberFact,
    PercentFact,
    QuantityFact,
    Rejection,
)
from quantities.options import Options

__all__ = [
    "BatchRecord",
    "CasualtyFact",
    "CountFact",
    "DataError",
    "DateFact",
    "DurationFact",
    "Extraction",
    "Fact",
    "InputTooLongError",
    "MoneyFact",
    "NumberFact",
    "Options",
    "PercentFact",
    "QuantitiesError",
    "QuantityFact",
    "Rejection",
    "UnknownLanguageError",
    "__version__",
    "analyze",
    "analyze_many",
    "extract",
    "extract_many",
]
