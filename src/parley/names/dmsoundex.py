"""Daitch-Mokotoff Soundex, written from the published coding chart.

Randy Daitch and Gary Mokotoff (1985), as published by JewishGen and Avotaynu: a name
is read left to right in letter groups, the longest group of the chart that matches
first; each group has one code at the start of the name, one before a vowel and one
elsewhere; adjacent groups with the same code are coded once (vowels separate them);
the code is six digits, padded with zeros. Where the chart gives a group two readings
(CH 5 or 4, CK 5 or 45, C 5 or 4, J 1 or 4, RS and RZ 94 or 4), this implementation
takes the first: ``surname_phonetic_key`` spells ч, щ, ц so that the second is never
needed. The only packaged Python implementation is GPL, hence this one.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

__all__ = ["daitch_mokotoff"]

# group: (at the start, before a vowel, elsewhere); "" = not coded.
_CHART: Final[dict[str, tuple[str, str, str]]] = {
    "AI": ("0", "1", ""), "AJ": ("0", "1", ""), "AY": ("0", "1", ""), "AU": ("0", "7", ""),
    "A": ("0", "", ""),
    "B": ("7", "7", "7"),
    "CHS": ("5", "54", "54"), "CH": ("5", "5", "5"), "CK": ("5", "5", "5"),
    "CZS": ("4", "4", "4"), "CZ": ("4", "4", "4"), "CSZ": ("4", "4", "4"), "CS": ("4", "4", "4"),
    "C": ("5", "5", "5"),
    "DRZ": ("4", "4", "4"), "DRS": ("4", "4", "4"), "DSH": ("4", "4", "4"),
    "DSZ": ("4", "4", "4"), "DS": ("4", "4", "4"), "DZH": ("4", "4", "4"),
    "DZS": ("4", "4", "4"), "DZ": ("4", "4", "4"), "DT": ("3", "3", "3"), "D": ("3", "3", "3"),
    "EI": ("0", "1", ""), "EJ": ("0", "1", ""), "EY": ("0", "1", ""), "EU": ("1", "1", ""),
    "E": ("0", "", ""),
    "FB": ("7", "7", "7"), "F": ("7", "7", "7"),
    "G": ("5", "5", "5"),
    "H": ("5", "5", ""),
    "IA": ("1", "", ""), "IE": ("1", "", ""), "IO": ("1", "", ""), "IU": ("1", "", ""),
    "I": ("0", "", ""),
    "J": ("1", "", ""),
    "KS": ("5", "54", "54"), "KH": ("5", "5", "5"), "K": ("5", "5", "5"),
    "L": ("8", "8", "8"),
    "MN": ("66", "66", "66"), "M": ("6", "6", "6"),
    "NM": ("66", "66", "66"), "N": ("6", "6", "6"),
    "OI": ("0", "1", ""), "OJ": ("0", "1", ""), "OY": ("0", "1", ""), "O": ("0", "", ""),
    "PF": ("7", "7", "7"), "PH": ("7", "7", "7"), "P": ("7", "7", "7"),
    "Q": ("5", "5", "5"),
    "RZ": ("94", "94", "94"), "RS": ("94", "94", "94"), "R": ("9", "9", "9"),
    "SCHTSCH": ("2", "4", "4"), "SCHTSH": ("2", "4", "4"), "SCHTCH": ("2", "4", "4"),
    "SHTCH": ("2", "4", "4"), "SHCH": ("2", "4", "4"), "SHTSH": ("2", "4", "4"),
    "SCHT": ("2", "43", "43"), "SCHD": ("2", "43", "43"), "SCH": ("4", "4", "4"),
    "SHT": ("2", "43", "43"), "SHD": ("2", "43", "43"), "SH": ("4", "4", "4"),
    "STSCH": ("2", "4", "4"), "STCH": ("2", "4", "4"), "STRZ": ("2", "4", "4"),
    "STRS": ("2", "4", "4"), "STSH": ("2", "4", "4"), "ST": ("2", "43", "43"),
    "SC": ("2", "4", "4"),
    "SZCZ": ("2", "4", "4"), "SZCS": ("2", "4", "4"), "SZT": ("2", "43", "43"),
    "SZD": ("2", "43", "43"), "SZ": ("4", "4", "4"), "SD": ("2", "43", "43"),
    "S": ("4", "4", "4"),
    "TTSCH": ("4", "4", "4"), "TTCH": ("4", "4", "4"), "TCH": ("4", "4", "4"),
    "TH": ("3", "3", "3"),
    "TRZ": ("4", "4", "4"), "TRS": ("4", "4", "4"), "TSCH": ("4", "4", "4"),
    "TSH": ("4", "4", "4"), "TTSZ": ("4", "4", "4"), "TTS": ("4", "4", "4"),
    "TTZ": ("4", "4", "4"), "TZS": ("4", "4", "4"), "TSZ": ("4", "4", "4"),
    "TS": ("4", "4", "4"), "TC": ("4", "4", "4"), "TZ": ("4", "4", "4"),
    "T": ("3", "3", "3"),
    "UI": ("0", "1", ""), "UJ": ("0", "1", ""), "UY": ("0", "1", ""), "UE": ("0", "", ""),
    "U": ("0", "", ""),
    "V": ("7", "7", "7"), "W": ("7", "7", "7"),
    "X": ("5", "54", "54"),
    "Y": ("1", "", ""),
    "ZHDZH": ("2", "4", "4"), "ZDZH": ("2", "4", "4"), "ZDZ": ("2", "4", "4"),
    "ZHD": ("2", "43", "43"), "ZD": ("2", "43", "43"),
    "ZSCH": ("4", "4", "4"), "ZSH": ("4", "4", "4"), "ZH": ("4", "4", "4"),
    "ZS": ("4", "4", "4"), "Z": ("4", "4", "4"),
}


def _pattern() -> re.Pattern[str]:
    # One branch per first letter, its longer groups first, so that the longest group
    # of the chart matches, as the rules require, without trying every group.
    branches = []
    for letter in sorted({group[0] for group in _CHART}):
        rests = sorted((g[1:] for g in _CHART if g[0] == letter and len(g) > 1),
                       key=lambda r: (-len(r), r))
        branches.append(letter + (f"(?:{'|'.join(rests)})?" if rests else ""))
    return re.compile("|".join(branches))


_GROUPS: Final = _pattern()
_VOWELS: Final = frozenset("AEIOUY")


_NOT_AZ: Final = re.compile(r"[^A-Z]+")


@lru_cache(maxsize=1 << 16)
def daitch_mokotoff(name: str) -> str:
    """The six-digit Daitch-Mokotoff code of a Latin-letter name ("" if no letters).

    Letters other than A-Z (after upper-casing) are skipped.
    """
    text = _NOT_AZ.sub("", name.upper())
    if not text:
        return ""
    # Every letter A-Z is a group of the chart, so the groups tile the name.
    groups = _GROUPS.findall(text)
    chart = _CHART
    code = last = chart[groups[0]][0]
    final = len(groups) - 1
    for i in range(1, final + 1):
        row = chart[groups[i]]
        value = row[1] if i < final and groups[i + 1][0] in _VOWELS else row[2]
        if value and value != last:
            code += value
            if len(code) >= 6:
                break
        last = value
    return (code + "000000")[:6]
