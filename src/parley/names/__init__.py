"""Names across scripts: transliteration, given-name equivalence and name keys.

Pure functions for the names in prisoner and missing-person lists: Ukrainian and
Russian Cyrillic, and Latin from any transliteration system. Linkage builds its
comparison features on these keys; the importer uses ``split_full_name`` and
``parse_date``. Nothing here does I/O except reading the package's own data files,
once, on first use. See docs/names.md.
"""

from parley.names.dates import DateError, ParsedDate, parse_date
from parley.names.given import given_name_key, given_name_keys
from parley.names.patronymic import patronymic_key
from parley.names.scripts import (
    fold_homoglyphs,
    language_hint,
    repair_mixed_script,
    script_of,
)
from parley.names.split import split_full_name
from parley.names.surname import surname_key, surname_phonetic_key
from parley.names.translit import transliterate

__all__ = [
    "DateError",
    "ParsedDate",
    "fold_homoglyphs",
    "given_name_key",
    "given_name_keys",
    "language_hint",
    "parse_date",
    "patronymic_key",
    "repair_mixed_script",
    "script_of",
    "split_full_name",
    "surname_key",
    "surname_phonetic_key",
    "transliterate",
]
