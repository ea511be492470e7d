"""Errors. One base class; each subclass also inherits the matching builtin."""

from __future__ import annotations

__all__ = ["DataError", "InputTooLongError", "QuantitiesError", "UnknownLanguageError"]


class QuantitiesError(Exception):
    """Base class of every error this package raises."""


class DataError(QuantitiesError, ValueError):
    """A language data file is missing or invalid (a packaging or editing mistake)."""


class UnknownLanguageError(QuantitiesError, ValueError):
    """``lang`` is not one of the supported languages."""


class InputTooLongError(QuantitiesError, ValueError):
    """The text is longer than ``Options.max_chars``."""
