"""False keys of the fuzzy given-name step: how often a misspelt name gets another name's key.

A wrong key is worse than no key: linkage treats two records whose given names share a
key as agreeing, so a typo read as another name can link two different people, while
a word left unread (a "~" fallback key) only costs the agreement of that one field.
This prints, on the labelled sets the tests use (``parley.names.variants``):

- same-name pairs (the second spelling misspelt at 5% and at 100%): how often both
  sides agree, and how often the misspelt side gets a *listed* key that is not the
  other side's (a false key);
- different-name pairs: how often the keys wrongly agree;
- single words: every form of every common name spelt in some system and misspelt
  once: right key, false key (another listed name), or left unread.

    .venv/bin/python bench/names_false_keys.py
"""

from __future__ import annotations

import random

from parley.names import given_name_key
from parley.names.given import FALLBACK_PREFIX
from parley.names.given_table import given_names_table
from parley.names.variants import given_name_pairs, spell, typo


def _listed(key: str | None) -> bool:
    return key is not None and not key.startswith(FALLBACK_PREFIX)


def pairs_report(label: str, typo_rate: float, seed: int, n: int) -> None:
    pairs = given_name_pairs(n, n, seed=seed, typo_rate=typo_rate)
    same = [(given_name_key(a), given_name_key(b)) for a, b, s in pairs if s]
    different = [(given_name_key(a), given_name_key(b)) for a, b, s in pairs if not s]
    agree = sum(ka == kb for ka, kb in same) / len(same)
    false = sum(_listed(kb) and kb != ka for ka, kb in same) / len(same)
    wrong = sum(ka == kb for ka, kb in different) / len(different)
    print(f"{label:<34}{agree:>9.2%}{false:>11.2%}{wrong:>11.2%}")


def words_report(seed: int, n: int) -> None:
    rng = random.Random(seed)
    rows = given_names_table()
    right = false = unread = 0
    for _ in range(n):
        row = rng.choice(rows)
        form, language, _weight = rng.choice(list(row.forms()))
        text = form if language == "latin" else spell(form, language, rng)
        key = given_name_key(typo(text, rng))
        if key == row.key:
            right += 1
        elif _listed(key):
            false += 1
        else:
            unread += 1
    print(f"single misspelt words ({n:,}): right {right / n:.2%}, false key "
          f"{false / n:.2%}, left unread {unread / n:.2%}")


def main() -> None:
    print(f"{'labelled pairs (3,000 + 3,000)':<34}{'agree':>9}{'false key':>11}"
          f"{'diff agree':>11}")
    pairs_report("typos in 5% (seed 11)", 0.05, 11, 3000)
    pairs_report("typos in 100% (seed 12)", 1.0, 12, 2000)
    words_report(13, 20_000)
    for word in ("Тьомо", "Жен", "Сашк", "Олекснадр", "Іна", "Ніна", "Інна"):
        print(f"  {word} -> {given_name_key(word)}")


if __name__ == "__main__":
    main()
