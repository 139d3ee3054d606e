"""Multi-source lists about the same synthetic people, as they really arrive, with the truth.

Who calls it: linkage tests and benchmarks (to measure precision and recall), the demo
(to have lists worth resolving), and anyone who needs realistic lists without real data.

One :class:`Scenario` holds a population of :class:`TruePerson` (servicemen and some
women of both sides, with twins, brothers and namesakes among them) and the lists each
party writes about them:

- ``ua-origin``: Ukraine's own list of its missing and captured, in Ukrainian, split
  name columns, service numbers in Cyrillic;
- ``ru-capture``: the detaining party's capture cards, Russian spelling, the full name in
  one column, Latin look-alikes creeping into service numbers;
- ``int-visit``: the intermediary's visit list, Latin transliterations from several
  systems (KMU 2010, passports, ICAO from the Russian form, German, conventional English);
- ``inquiries``: families' inquiries, with nicknames (Сашко), partial dates and typos;
- ``ru-origin`` and ``ua-capture``: the same for prisoners held by the other side.

Every record carries the key of the person it describes (``person_key``), never written
into the list itself. :meth:`Scenario.true_pairs` gives the pairs a linker should find.
"""

from __future__ import annotations

import csv
import random
from bisect import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate, combinations
from pathlib import Path

from parley.domain.vocabulary import ListKind
from parley.synth import noise
from parley.synth.tables import (
    FEMALE,
    MALE,
    PLACES_RU,
    PLACES_UA,
    RANK_WEIGHTS,
    RANKS,
    RU_SURNAMES,
    UA_SURNAMES,
    GivenName,
    tail_surnames,
)

CSV_COLUMNS = ("record_id", "surname", "given_name", "patronymic", "full_name",
               "birth_date", "birth_place", "sex", "service_number", "rank", "unit")

Place = tuple[str, str, tuple[str, ...]]

# Service-number letters as a clerk transliterates rather than retypes them.
_SPOKEN = {"В": "V", "Н": "N", "Х": "Kh", "Р": "R", "С": "S", "Ж": "Zh", "Б": "B"}


@dataclass(frozen=True)
class TruePerson:
    """One synthetic human being: the facts every list tries to write down."""

    key: str
    side: str  # "ua" or "ru": whose serviceman or civilian
    female: bool
    surname_uk: str
    surname_ru: str
    given: GivenName
    father: GivenName
    birth_date: date
    place: Place
    service_number: str
    rank: int
    unit: str
    family: str = ""  # "twin", "brother", "namesake" when built as one
    relative_of: str = ""  # the key of the person this one is a twin, brother or namesake of


@dataclass(frozen=True)
class SynthRecord:
    """One row of one list, and (apart from the row) the person it is about."""

    source: str
    row_number: int
    fields: dict[str, str]
    person_key: str

    @property
    def record_id(self) -> str:
        return self.fields["record_id"]


@dataclass
class SynthList:
    source: str
    kind: str
    party: str | None
    records: list[SynthRecord] = field(default_factory=list)


@dataclass
class Scenario:
    persons: list[TruePerson]
    lists: list[SynthList]

    def records(self) -> Iterator[SynthRecord]:
        for lst in self.lists:
            yield from lst.records

    def true_pairs(self) -> set[tuple[tuple[str, str], tuple[str, str]]]:
        """Every unordered pair of (source, record_id) describing the same person."""
        by_person: dict[str, list[tuple[str, str]]] = {}
        for rec in self.records():
            by_person.setdefault(rec.person_key, []).append((rec.source, rec.record_id))
        pairs = set()
        for members in by_person.values():
            for a, b in combinations(sorted(members), 2):
                pairs.add((a, b))
        return pairs

    def truth(self) -> dict[tuple[str, str], str]:
        return {(r.source, r.record_id): r.person_key for r in self.records()}

    def families(self) -> list[tuple[str, str, str]]:
        """(kind, person key, relative's key) for every twin, brother and namesake built."""
        return [(p.family, p.key, p.relative_of) for p in self.persons if p.relative_of]

    def write_csv(self, directory: Path) -> list[Path]:
        """One canonical-column CSV per list (``SOURCE.csv``) plus ``truth.csv``."""
        directory.mkdir(parents=True, exist_ok=True)
        paths = []
        for lst in self.lists:
            path = directory / f"{lst.source}.csv"
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS, extrasaction="ignore")
                writer.writeheader()
                for rec in lst.records:
                    writer.writerow(rec.fields)
            paths.append(path)
        with (directory / "truth.csv").open("w", newline="", encoding="utf-8") as handle:
            truth = csv.writer(handle)
            truth.writerow(["source", "record_id", "person_key"])
            for rec in self.records():
                truth.writerow([rec.source, rec.record_id, rec.person_key])
        return paths


@dataclass(frozen=True)
class Mix:
    """How likely each list is to mention a person, and how dirty the lists are.

    ``noise`` scales every error rate (1.0 is the default dirt; 0 gives clean lists).
    """

    coverage_ua: tuple[tuple[str, float], ...] = (
        ("ua-origin", 0.75), ("ru-capture", 0.65), ("int-visit", 0.45), ("inquiries", 0.25))
    coverage_ru: tuple[tuple[str, float], ...] = (
        ("ru-origin", 0.7), ("ua-capture", 0.65), ("int-visit", 0.45), ("inquiries", 0.15))
    ru_side_share: float = 0.3
    female_share: float = 0.07
    twins: float = 0.015
    brothers: float = 0.03
    namesakes: float = 0.03
    duplicate_in_list: float = 0.015
    noise: float = 1.0
    # Add a long tail of generated surnames (for a million people; the hand-made tables
    # alone would make every surname as common as Шевченко).
    wide_surnames: bool = False


LIST_META = {
    "ua-origin": (ListKind.ORIGIN_LIST, "UA"),
    "ru-capture": (ListKind.CAPTURE_CARD, "RU"),
    "ru-origin": (ListKind.ORIGIN_LIST, "RU"),
    "ua-capture": (ListKind.CAPTURE_CARD, "UA"),
    "int-visit": (ListKind.VISIT_LIST, "INT"),
    "inquiries": (ListKind.INQUIRY, None),
}


def multisource(records: int = 10_000, *, seed: int = 5, mix: Mix | None = None) -> Scenario:
    """About ``records`` records (exactly that many) over the lists, with the truth."""
    mix = mix or Mix()
    gen = _Generator(random.Random(seed), mix)
    lists = {name: SynthList(name, *LIST_META[name]) for name in LIST_META}
    persons: list[TruePerson] = []
    total = 0
    while total < records:
        for person in gen.people():
            persons.append(person)
            coverage = mix.coverage_ua if person.side == "ua" else mix.coverage_ru
            sources = [s for s, p in coverage if gen.rng.random() < p]
            if not sources:
                sources = [coverage[0][0]]
            for source in sources:
                copies = 2 if gen.rng.random() < mix.duplicate_in_list else 1
                for _ in range(copies):
                    if total >= records:
                        break
                    lst = lists[source]
                    row = len(lst.records) + 2
                    fields = gen.render(person, source, row)
                    lst.records.append(SynthRecord(source, row, fields, person.key))
                    total += 1
    return Scenario(persons=persons, lists=[lst for lst in lists.values() if lst.records])


def rendering(person: TruePerson, source: str, *, seed: int, row: int = 2,
              mix: Mix | None = None) -> dict[str, str]:
    """One more record of ``person`` as list ``source`` would write it (probes, tests)."""
    return _Generator(random.Random(seed), mix or Mix()).render(person, source, row)


class _Generator:
    def __init__(self, rng: random.Random, mix: Mix) -> None:
        self.rng = rng
        self.mix = mix
        self.count = 0
        self.used_numbers: set[str] = set()
        self.units: dict[str, list[str]] = {}
        self._cumulative: dict[tuple[int, float], list[float]] = {}
        self._surnames: dict[str, tuple[tuple[str, str], ...]] = {}

    # --- people --------------------------------------------------------------------

    def people(self) -> list[TruePerson]:
        """One person, or a family group (twins, brothers, namesakes) built together."""
        first = self.person()
        roll = self.rng.random()
        m = self.mix
        if roll < m.twins:
            return [first, self.relative(first, twin=True)]
        if roll < m.twins + m.brothers:
            return [first, self.relative(first, twin=False)]
        if roll < m.twins + m.brothers + m.namesakes:
            return [first, self.namesake(first)]
        return [first]

    def _key(self) -> str:
        self.count += 1
        return f"P{self.count:07d}"

    def _zipf(self, n: int, s: float) -> int:
        cumulative = self._cumulative.get((n, s))
        if cumulative is None:
            cumulative = list(accumulate(1 / (k + 1) ** s for k in range(n)))
            self._cumulative[(n, s)] = cumulative
        return bisect(cumulative, self.rng.random() * cumulative[-1])

    def _given(self, female: bool) -> GivenName:
        pool = FEMALE if female else MALE
        return pool[self._zipf(len(pool), 0.9)]

    def _surname(self, side: str, female: bool) -> tuple[str, str]:
        pool = self._surnames.get(side)
        if pool is None:
            pool = UA_SURNAMES if side == "ua" else RU_SURNAMES
            if self.mix.wide_surnames:
                pool = pool + tail_surnames(side)
            self._surnames[side] = pool
        uk, ru = pool[self._zipf(len(pool), 0.75 if self.mix.wide_surnames else 0.7)]
        if female:
            uk, ru = _feminine(uk), _feminine(ru)
        return uk, ru

    def _birth(self) -> date:
        year = int(self.rng.triangular(1966, 2006, 1995))
        return date(year, 1, 1) + timedelta(days=self.rng.randrange(365))

    def _service_number(self, side: str) -> str:
        while True:
            if side == "ua":
                number = (self.rng.choice("АВЕКМНОРСТХ") + self.rng.choice("АВЕКМНОРСТХ")
                          + f"{self.rng.randrange(100000, 1000000)}")
            else:
                number = f"{self.rng.choice('АВЕКМНОРСТХЖБ')}-{self.rng.randrange(100000, 1000000)}"
            if number not in self.used_numbers:
                self.used_numbers.add(number)
                return number

    def _unit(self, side: str) -> str:
        """Units hold hundreds of people: drawn from a fixed pool per side, Zipf-like."""
        pool = self.units.get(side)
        if pool is None:
            pool = self.units[side] = [
                f"{self.rng.randrange(1000, 10000)}" if side == "ua"
                else f"{self.rng.randrange(10000, 100000)}" for _ in range(400)]
        return pool[self._zipf(len(pool), 0.8)]

    def person(self, side: str | None = None) -> TruePerson:
        if side is None:
            side = "ru" if self.rng.random() < self.mix.ru_side_share else "ua"
        female = self.rng.random() < self.mix.female_share
        uk, ru = self._surname(side, female)
        places = PLACES_UA if side == "ua" else PLACES_RU
        return TruePerson(
            key=self._key(), side=side, female=female, surname_uk=uk, surname_ru=ru,
            given=self._given(female), father=self._given(False), birth_date=self._birth(),
            place=places[self._zipf(len(places), 0.6)],
            service_number=self._service_number(side),
            rank=self.rng.choices(range(len(RANKS)), weights=RANK_WEIGHTS)[0],
            unit=self._unit(side),
        )

    def relative(self, first: TruePerson, *, twin: bool) -> TruePerson:
        given = first.given
        while given == first.given:
            given = self._given(first.female)
        if twin:
            born = first.birth_date
        else:
            born = first.birth_date + timedelta(days=self.rng.choice((-1, 1))
                                                * self.rng.randrange(400, 4000))
        # Twins often serve together and get consecutive numbers.
        same_unit = twin or self.rng.random() < 0.3
        return TruePerson(
            key=self._key(), side=first.side, female=first.female,
            surname_uk=first.surname_uk, surname_ru=first.surname_ru, given=given,
            father=first.father, birth_date=born, place=first.place,
            service_number=self._service_number(first.side), rank=first.rank,
            unit=first.unit if same_unit else self._unit(first.side),
            family="twin" if twin else "brother", relative_of=first.key,
        )

    def namesake(self, first: TruePerson) -> TruePerson:
        other = self.person(first.side)
        same_father = self.rng.random() < 0.4
        born = other.birth_date
        if self.rng.random() < 0.3:
            born = born.replace(year=first.birth_date.year, day=min(born.day, 28))
        return TruePerson(
            key=other.key, side=first.side, female=first.female,
            surname_uk=first.surname_uk, surname_ru=first.surname_ru, given=first.given,
            father=first.father if same_father else other.father, birth_date=born,
            place=other.place if self.rng.random() < 0.7 else first.place,
            service_number=other.service_number, rank=other.rank, unit=other.unit,
            family="namesake", relative_of=first.key,
        )

    # --- rendering -----------------------------------------------------------------

    def p(self, rate: float) -> bool:
        return self.rng.random() < rate * self.mix.noise

    def render(self, person: TruePerson, source: str, row: int) -> dict[str, str]:
        style = {"ua-origin": "uk", "ua-capture": "uk", "ru-capture": "ru",
                 "ru-origin": "ru", "int-visit": "latin", "inquiries": "inquiry"}[source]
        prefix = {"ua-origin": "UAO", "ua-capture": "UAC", "ru-capture": "RUC",
                  "ru-origin": "RUO", "int-visit": "INT", "inquiries": "INQ"}[source]
        if style == "inquiry":
            style = "ru" if (person.side == "ru" or self.rng.random() < 0.3) else "uk"
            fields = self._render_inquiry(person, style)
        elif style == "latin":
            fields = self._render_latin(person)
        else:
            fields = self._render_cyrillic(person, style, source)
        fields = {k: v for k, v in fields.items() if v}
        fields["record_id"] = f"{prefix}-{row - 1:06d}"
        return fields

    def _names(self, person: TruePerson, style: str) -> tuple[str, str, str]:
        """Surname, given name and patronymic as written in ``style`` (uk or ru)."""
        if style == "uk":
            surname = person.surname_uk
            given = person.given.uk
            patronymic = _patronymic(person.father, "uk", person.female)
        else:
            if person.side == "ru":
                surname = person.surname_ru
            elif person.surname_ru != person.surname_uk and self.rng.random() < 0.85:
                surname = person.surname_ru  # translated: Олійник -> Олейник
            else:
                surname = person.surname_uk
            if person.side == "ua" and surname == person.surname_uk:
                surname = noise.uk_to_ru_spelling(self.rng, surname,
                                                  phonetic=self.rng.random() < 0.2)
            if person.side == "ua" and self.rng.random() < 0.12:
                given = noise.uk_to_ru_spelling(self.rng, person.given.uk, phonetic=False)
            else:
                given = person.given.ru
            patronymic = _patronymic(person.father, "ru", person.female)
            if self.rng.random() < 0.5:
                surname = surname.replace("ё", "е").replace("Ё", "Е")
                given = given.replace("ё", "е")
                patronymic = patronymic.replace("ё", "е")
        return surname, given, patronymic

    def _typos(self, *values: str, rate: float) -> list[str]:
        return [noise.typo(self.rng, v) if v and self.p(rate) else v for v in values]

    def _birth_written(self, person: TruePerson, style: str) -> str:
        if self.p(0.04):
            return ""
        born = noise.damaged_date(self.rng, person.birth_date) if self.p(0.05) \
            else person.birth_date
        return noise.date_text(self.rng, born, style)

    def _service(self, person: TruePerson, missing: float, latin: bool) -> str:
        if self.rng.random() < missing:
            return ""
        number = person.service_number
        if self.p(0.015):
            digits = [i for i, ch in enumerate(number) if ch.isdigit()]
            i = self.rng.choice(digits)
            number = number[:i] + str((int(number[i]) + self.rng.choice((1, 9))) % 10) \
                + number[i + 1:]
        if latin:
            if self.p(0.06):
                # Transliterated instead of retyped: В becomes V, Н becomes N.
                number = "".join(_SPOKEN.get(ch, ch) for ch in number)
            number = noise.homoglyph_swap(self.rng, number, rate=1.0)
        elif self.p(0.3):
            number = noise.homoglyph_swap(self.rng, number, rate=0.5)
        if self.p(0.15):
            number = number[:2] + " " + number[2:] if person.side == "ua" else number
        if self.p(0.05):
            number = number.lower()
        return number.replace("--", "-")

    def _place(self, person: TruePerson, style: str, missing: float) -> str:
        if self.rng.random() < missing:
            return ""
        uk, ru, latins = person.place
        if style == "uk":
            name = uk
            return ("м. " + name) if self.rng.random() < 0.2 else name
        if style == "ru":
            return ("г. " + ru) if self.rng.random() < 0.25 else ru
        return self.rng.choice(latins)

    def _unit_text(self, person: TruePerson, style: str, missing: float) -> str:
        if self.rng.random() < missing:
            return ""
        digits = person.unit
        if self.p(0.04):
            digits = self._unit(person.side)  # transferred, or the clerk's mistake
        if person.side == "ua":
            core = f"А{digits}" if style != "latin" else f"A{digits}"
            options = {"uk": (core, f"в/ч {core}", f"військова частина {core}", f"А-{digits}"),
                       "ru": (core, f"в/ч {core}", f"в/ч А-{digits}"),
                       "latin": (core, f"military unit {core}", f"MU {core}")}[style]
        else:
            options = {"uk": (f"в/ч {digits}", digits), "ru": (f"в/ч {digits}", digits),
                       "latin": (f"military unit {digits}", digits)}[style]
        return self.rng.choice(options)

    def _rank(self, person: TruePerson, style: str, missing: float) -> str:
        if self.rng.random() < missing:
            return ""
        rank = person.rank
        if self.rng.random() < 0.05:
            rank = max(0, rank - 1)  # promoted since one of the lists was written
        uk, ru, en = RANKS[rank]
        return {"uk": uk, "ru": ru, "latin": en}[style]

    def _sex(self, person: TruePerson, style: str) -> str:
        if self.rng.random() < 0.25:
            return ""
        female = person.female != self.p(0.004)  # now and then the wrong box is ticked
        options = {"uk": ("ч", "чол.", "Ч") if not female else ("ж", "жін.", "Ж"),
                   "ru": ("М", "муж.", "м") if not female else ("Ж", "жен.", "ж"),
                   "latin": ("M", "male") if not female else ("F", "female")}[style]
        return self.rng.choice(options)

    def _render_cyrillic(self, person: TruePerson, style: str, source: str
                         ) -> dict[str, str]:
        surname, given, patronymic = self._names(person, style)
        surname, given, patronymic = self._typos(surname, given, patronymic, rate=0.03)
        if self.p(0.03):
            surname = noise.homoglyph_swap(self.rng, surname, rate=0.3)
        capture = source.endswith("capture")
        fields: dict[str, str] = {}
        if capture or self.rng.random() < 0.1:
            order = self.rng.random()
            caps_surname = noise.caps(self.rng, surname, 0.6)
            if order < 0.05 and given and patronymic:
                fields["full_name"] = f"{caps_surname} {given[0]}. {patronymic[0]}."
            elif order < 0.85:
                fields["full_name"] = f"{caps_surname} {given} {patronymic}"
            else:
                fields["full_name"] = f"{given} {patronymic} {surname}"
        else:
            if self.p(0.01):
                surname, given = given, surname  # typed into each other's columns
            fields.update(surname=noise.caps(self.rng, surname, 0.3), given_name=given,
                          patronymic="" if self.p(0.05) else patronymic)
        fields["birth_date"] = self._birth_written(person, style)
        fields["birth_place"] = self._place(person, style, 0.25 if not capture else 0.4)
        fields["sex"] = self._sex(person, style)
        fields["service_number"] = self._service(person, 0.12 if not capture else 0.35, False)
        fields["rank"] = self._rank(person, style, 0.15)
        fields["unit"] = self._unit_text(person, style, 0.3 if not capture else 0.5)
        return fields

    def _render_latin(self, person: TruePerson) -> dict[str, str]:
        from_russian = person.side == "ru" or self.rng.random() < 0.25
        if from_russian:
            surname, given, patronymic = self._names(person, "ru")
            if person.side == "ua" and person.surname_ru == person.surname_uk:
                surname = person.surname_uk.replace("і", "и").replace("є", "е")
            translit = noise.transliterate_ru
        else:
            surname, given, patronymic = self._names(person, "uk")
            translit = noise.transliterate_uk
        surname_l = translit(self.rng, surname)
        given_l = translit(self.rng, given)
        patronymic_l = translit(self.rng, patronymic)
        if person.given.latin and self.rng.random() < 0.1:
            given_l = self.rng.choice(person.given.latin)
        surname_l, given_l = self._typos(surname_l, given_l, rate=0.03)
        fields: dict[str, str] = {}
        layout = self.rng.random()
        upper = self.rng.random() < 0.4
        if layout < 0.5:
            if self.p(0.01):
                surname_l, given_l = given_l, surname_l
            fields.update(surname=surname_l.upper() if upper else surname_l, given_name=given_l,
                          patronymic=patronymic_l if self.rng.random() < 0.5 else "")
        elif layout < 0.53 and given_l:
            fields["full_name"] = f"{surname_l.upper()} {given_l[0]}."
        elif layout < 0.75:
            fields["full_name"] = f"{surname_l.upper()} {given_l}"
        elif layout < 0.9:
            fields["full_name"] = f"{surname_l}, {given_l}"
        else:
            fields["full_name"] = f"{given_l} {surname_l}"
        fields["birth_date"] = self._birth_written(person, "latin")
        fields["birth_place"] = self._place(person, "latin", 0.3)
        fields["sex"] = self._sex(person, "latin")
        fields["service_number"] = self._service(person, 0.4, True)
        fields["rank"] = self._rank(person, "latin", 0.3)
        fields["unit"] = self._unit_text(person, "latin", 0.6)
        return fields

    def _render_inquiry(self, person: TruePerson, style: str) -> dict[str, str]:
        surname, given, patronymic = self._names(person, style)
        if person.given.diminutives and self.rng.random() < 0.3:
            given = self.rng.choice(person.given.diminutives)
        surname, given, patronymic = self._typos(surname, given, patronymic, rate=0.06)
        fields: dict[str, str] = {}
        if self.rng.random() < 0.5:
            patronymic = patronymic if self.rng.random() < 0.5 else ""
            fields["full_name"] = " ".join(x for x in (surname, given, patronymic) if x)
        else:
            fields.update(surname=surname, given_name=given,
                          patronymic=patronymic if self.rng.random() < 0.5 else "")
        roll = self.rng.random()
        born = person.birth_date
        if roll < 0.5:
            fields["birth_date"] = self._birth_written(person, style)
        elif roll < 0.8:
            fields["birth_date"] = str(born.year)
        elif roll < 0.95:
            fields["birth_date"] = f"{born.month:02d}.{born.year}"
        fields["birth_place"] = self._place(person, style, 0.4)
        fields["sex"] = self._sex(person, style) if self.rng.random() < 0.5 else ""
        fields["service_number"] = self._service(person, 0.9, False)
        fields["rank"] = self._rank(person, style, 0.7)
        fields["unit"] = self._unit_text(person, style, 0.7)
        return fields


def _feminine(surname: str) -> str:
    for male, fem in (("ський", "ська"), ("цький", "цька"), ("ский", "ская"),
                      ("цкий", "цкая"), ("ний", "на"), ("ный", "ная"), ("ий", "а"),
                      ("ов", "ова"), ("ев", "ева"), ("ёв", "ёва"), ("єв", "єва"),
                      ("ьов", "ьова"), ("ін", "іна"), ("ин", "ина"), ("їн", "їна")):
        if surname.endswith(male):
            return surname[: -len(male)] + fem
    return surname


def _patronymic(father: GivenName, language: str, female: bool) -> str:
    male = father.patronymic_uk if language == "uk" else father.patronymic_ru
    if not female:
        return male
    if language == "uk":
        if male.endswith("ійович"):
            return male[:-6] + "іївна"
        if male.endswith("айович"):
            return male[:-6] + "аївна"
        if male.endswith("ьович"):
            return male[:-5] + "івна"
        if male.endswith("іч"):
            return male[:-2] + "івна"
        return male[:-4] + "івна" if male.endswith("ович") else male
    if male.endswith("итич"):
        return male[:-2] + "ична"
    if male.endswith("ич") and not male.endswith("вич"):
        return male[:-2] + "инична"
    if male.endswith("вич"):
        return male[:-3] + "вна"
    return male
