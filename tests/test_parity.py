"""Every language has every data file, with the same top-level sections and keys."""

from __future__ import annotations

import pytest

from quantities.lang import DATA_FILES, LANGS, load

FILES = DATA_FILES()
#: sections whose keys are words of the language, not tags
WORD_TABLES: dict[str, tuple[str, ...]] = {
    "numbers": ("cardinals", "scales", "multipliers", "multipliers_attached", "multipliers_money",
                "multipliers_case", "fractions", "vague"),
    "units": ("prefixes", "word_prefixes", "symbols", "words", "currency_symbols", "currency_words",
              "phrases"),
}


def _shape(data: dict[str, object]) -> dict[str, set[str]]:
    return {k: set(v) if isinstance(v, dict) else set() for k, v in data.items()}


def test_reference_language_has_the_core_files() -> None:
    for name in ("numbers", "qualifiers", "cues", "filters", "lang", "dates", "units"):
        assert name in FILES


@pytest.mark.parametrize("lang", [lang for lang in LANGS if lang != "en"])
@pytest.mark.parametrize("name", FILES)
def test_same_sections_as_english(lang: str, name: str) -> None:
    english = load("en", name)
    other = load(lang, name)
    assert set(other) == set(english), f"{lang}/{name}.toml sections differ from en"
    for section, keys in _shape(english).items():
        if section in WORD_TABLES.get(name, ()):
            continue  # keys are the words themselves
        assert _shape(other)[section] == keys, f"{lang}/{name}.toml [{section}] keys differ from en"
