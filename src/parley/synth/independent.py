"""A second, independent population of lists with the truth: how lists are really made.

Linkage is measured on :mod:`parley.synth.multisource` too, but a model tuned on one
generator learns that generator. This one shares no table and no code with
``parley.names``, ``parley.synth.multisource`` or ``parley.synth.tables``, and is built
from other principles:

- **Names and places from Faker** (``uk_UA`` and ``ru_RU`` person and address providers),
  not from the project's tables. Faker's lists carry no frequencies, so each is given a
  Zipf law over a seeded shuffle: the common names differ from seed to seed, and a few
  are very common (many namesakes).
- **Spellings made here**: a Ukrainian clerk's Latin (a KMU-like table written for this
  module, with the ``y``/``i`` habits of English speakers), Russian-passport Latin of the
  Russian form (GRIGORII for Григорій, ALEKSANDR for Олександр), a Russian clerk's
  rendering of Ukrainian names and surnames (Микола → Николай, Олійник → Олейник, or
  letter by letter when the clerk does not know the name).
- **Error processes modelled on how each list is made**, each recorded on the record
  (``SynthRecord.processes``) so a benchmark can say, per process, what is linked:

  ============== ==================================================================
  process        how it arises
  ============== ==================================================================
  no-date        visit and inquiry lists often carry no birth date at all
  age-year       the year derived from a stated age (capture cards, visits): off by one
                 when the birthday falls after the day of writing
  age-year+day   the same, with the day misread from handwriting (16.07.1985 against
                 17.07.1986)
  day-slip       a handwritten day misread by one (16 → 17)
  digit-swap     two digits transposed while typing (12 → 21, 1978 → 1987)
  day-month      day and month swapped (a form filled in month first)
  year-only      a family gives the year alone
  month-year     a family gives month and year
  passport-ru    Latin from a Russian passport: the Russian form transliterated
  diminutive     a family writes the pet name in Latin (Vania, Sasha, Kolia, Dima)
  phone-surname  the surname misheard over the telephone (Kravets → Kramets)
  typo           a letter dropped, doubled or swapped while typing
  ============== ==================================================================

- **Families**: twins (same surname, father, date and place), brothers (same surname,
  father and place), namesakes (same surname, given name and father's name; some born
  in the same year). ``Population.families()`` lists them.

Who calls it: ``bench/linkage_quality.py --generator independent``, the linkage tests'
floors on it. Needs ``faker`` (a development dependency).
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate, combinations

# --- a Ukrainian clerk's Latin and a Russian passport's Latin (this module's own) -------

_UK_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie",
    "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l",
    "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu",
    "я": "ia", "'": "", "ʼ": "", "’": "",
}
_UK_LATIN_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}
# How an English-speaking volunteer writes the same sounds.
_UK_ENGLISH = {"и": "y", "й": "y", "ій": "iy", "ю": "yu", "я": "ya", "х": "kh", "є": "ye",
               "ї": "yi", "г": "h", "ц": "ts"}
_RU_PASSPORT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu",
    "я": "ia",
}

# Ukrainian given names a Russian clerk knows the Russian form of. Written for this
# module from common usage; names not here are rendered letter by letter.
_UK_TO_RU_GIVEN = {
    "Олександр": "Александр", "Олексій": "Алексей", "Микола": "Николай",
    "Миколай": "Николай", "Михайло": "Михаил", "Петро": "Пётр", "Дмитро": "Дмитрий",
    "Федір": "Фёдор", "Павло": "Павел", "Гаврило": "Гавриил", "Данило": "Даниил",
    "Кирило": "Кирилл", "Ігор": "Игорь", "Євген": "Евгений", "Сергій": "Сергей",
    "Андрій": "Андрей", "Юрій": "Юрий", "Василь": "Василий", "Григорій": "Григорий",
    "Яків": "Яков", "Семен": "Семён", "Лукʼян": "Лукьян", "Вʼячеслав": "Вячеслав",
    "Ілля": "Илья", "Гліб": "Глеб", "Прохір": "Прохор", "Трохим": "Трофим", "Хома": "Фома",
    "Юхим": "Ефим", "Охрім": "Ефрем", "Опанас": "Афанасий", "Панас": "Афанасий",
    "Омелян": "Емельян", "Пилип": "Филипп", "Тимофій": "Тимофей", "Іван": "Иван",
    "Артем": "Артём", "Віктор": "Виктор", "Віталій": "Виталий",
    "Володимир": "Владимир", "Леонід": "Леонид", "Костянтин": "Константин",
    "Валерій": "Валерий", "Геннадій": "Геннадий", "Георгій": "Георгий",
    "Аркадій": "Аркадий", "Олег": "Олег", "Демʼян": "Демьян", "Зиновій": "Зиновий",
    "Ігнат": "Игнат", "Йосип": "Иосиф", "Леонтій": "Леонтий", "Олекса": "Алексей",
    "Онисим": "Анисим", "Орхип": "Архип", "Святослав": "Святослав", "Єфрем": "Ефрем",
    "Єлисей": "Елисей", "Амвросій": "Амвросий", "Аврелій": "Аврелий",
    "Варфоломій": "Варфоломей", "Веніямин": "Вениамин", "Микита": "Никита",
    "Анатолій": "Анатолий", "Віра": "Вера", "Ганна": "Анна", "Ірина": "Ирина",
    "Олена": "Елена", "Наталія": "Наталья", "Тетяна": "Татьяна", "Катерина": "Екатерина",
    "Людмила": "Людмила", "Галина": "Галина", "Вікторія": "Виктория",
    "Анастасія": "Анастасия", "Оксана": "Оксана", "Юлія": "Юлия",
}
_RU_TO_UK_GIVEN = {ru: uk for uk, ru in _UK_TO_RU_GIVEN.items() if uk not in ("Миколай",
                                                                            "Панас", "Олекса")}

# Pet names as families write them in Latin letters (the person's Ukrainian name → forms).
_LATIN_DIMINUTIVES = {
    "Олександр": ("Sasha", "Sashko", "Sanya", "Alex"), "Іван": ("Vania", "Vanya", "Ivanko"),
    "Микола": ("Kolia", "Kolya", "Mykolka"), "Миколай": ("Kolia", "Kolya"),
    "Дмитро": ("Dima", "Dima", "Dmytryk"), "Євген": ("Zhenia", "Zhenya"),
    "Сергій": ("Serhiyko", "Seryozha", "Serezha"), "Володимир": ("Volodia", "Vova", "Vovа"),
    "Олексій": ("Lesha", "Alyosha", "Oleksa"), "Юрій": ("Yura", "Iura", "Yurko"),
    "Михайло": ("Misha", "Mykhas", "Mishko"), "Віктор": ("Vitia", "Vitya"),
    "Петро": ("Petia", "Petya", "Petrus"), "Василь": ("Vasia", "Vasya", "Vasyl'ko"),
    "Анатолій": ("Tolia", "Tolik"), "Віталій": ("Vitalik",), "Максим": ("Max", "Maks"),
    "Богдан": ("Bodia", "Bodya"), "Андрій": ("Andriiko", "Andriusha"),
    "Ярослав": ("Yarik", "Slavko"), "Станіслав": ("Stas",), "Костянтин": ("Kostia", "Kostya"),
    "Ігор": ("Ihorko",), "Тарас": ("Tarasyk",), "Роман": ("Roma", "Romko"),
    "Павло": ("Pasha", "Pavlyk"), "Григорій": ("Grisha", "Hrysha"), "Степан": ("Stepa",),
    "Данило": ("Danya", "Danylko"), "Кирило": ("Kiriusha", "Kyrylko"),
    "Вʼячеслав": ("Slavik",), "Владислав": ("Vlad", "Vladik"), "Артем": ("Tema", "Tyoma"),
    "Федір": ("Fedia", "Fedya"), "Леонід": ("Lionia", "Lyonya"),
}

# Consonants and vowels a telephone line confuses (both directions are used).
_HEARD_AS = (("v", "m"), ("v", "f"), ("b", "p"), ("d", "t"), ("z", "s"), ("k", "h"),
             ("h", "kh"), ("o", "a"), ("e", "i"), ("y", "i"), ("ch", "sh"), ("ts", "s"),
             ("n", "m"), ("r", "l"), ("iu", "u"), ("g", "h"))


def uk_latin(text: str, *, english: bool = False) -> str:
    """Ukrainian Cyrillic in a clerk's Latin, case kept word by word."""
    return " ".join(_latin_word(w, english) for w in text.split(" "))


def _latin_word(word: str, english: bool) -> str:
    out: list[str] = []
    lower = word.lower()
    i = 0
    while i < len(lower):
        ch = lower[i]
        if english and lower[i:i + 2] == "ій" and i + 2 == len(lower):
            out.append("iy")
            i += 2
            continue
        if i == 0 and ch in _UK_LATIN_INITIAL:
            out.append(_UK_LATIN_INITIAL[ch])
        elif english and ch in _UK_ENGLISH:
            out.append(_UK_ENGLISH[ch])
        elif ch in _UK_LATIN:
            out.append(_UK_LATIN[ch])
        else:
            out.append(ch)
        i += 1
    return _case_like(word, "".join(out))


def ru_passport(text: str) -> str:
    """Russian Cyrillic as a Russian passport writes it in Latin (ALEKSANDR, GRIGORII)."""
    return " ".join(_case_like(w, "".join(_RU_PASSPORT.get(ch, ch) for ch in w.lower()))
                    for w in text.split(" "))


def _case_like(original: str, latin: str) -> str:
    if original.isupper() and len(original) > 1:
        return latin.upper()
    return latin[:1].upper() + latin[1:] if original[:1].isupper() else latin


def russify(word: str) -> str:
    """A Ukrainian word as a Russian clerk writes it by ear (Олійник → Олейник)."""
    out = word
    for uk, ru in (("ій", "ей"), ("ї", "и"), ("є", "е"), ("ʼ", "ь"), ("'", "ь"),
                   ("і", "и"), ("Є", "Е"), ("І", "И"), ("Ї", "И")):
        out = out.replace(uk, ru)
    if out.endswith("ей") and word.endswith("ій") and word[:1].isupper():
        out = out[:-2] + "ий"
    return out


def ukrainise(word: str) -> str:
    """A Russian word as a Ukrainian clerk writes it (Смирнов → Смірнов)."""
    out = word
    for ru, uk in (("и", "і"), ("ы", "и"), ("э", "е"), ("ё", "ьо"), ("ъ", "'"),
                   ("И", "І"), ("Ы", "И"), ("Э", "Е")):
        out = out.replace(ru, uk)
    if out.endswith("ій") and word.endswith("ий"):
        out = out[:-2] + "ий"
    return out


# --- the population -------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    key: str
    female: bool
    surname_uk: str
    surname_ru: str
    given_uk: str
    given_ru: str
    father_uk: str
    father_ru: str
    born: date
    place_uk: str
    place_ru: str
    service_number: str
    unit: str
    family: str = ""
    relative_of: str = ""

    @property
    def patronymic_uk(self) -> str:
        return _patronymic(self.father_uk, self.female, "uk")

    @property
    def patronymic_ru(self) -> str:
        return _patronymic(self.father_ru, self.female, "ru")


@dataclass(frozen=True)
class SynthRecord:
    source: str
    row_number: int
    fields: dict[str, str]
    person_key: str
    processes: tuple[str, ...] = ()

    @property
    def record_id(self) -> str:
        return self.fields["record_id"]

    @property
    def uid(self) -> str:
        return f"{self.source}:{self.record_id}"


@dataclass
class Population:
    persons: list[Person]
    lists: dict[str, list[SynthRecord]] = field(default_factory=dict)

    def records(self) -> Iterator[SynthRecord]:
        for records in self.lists.values():
            yield from records

    def truth(self) -> dict[str, str]:
        """Record uid (``source:record_id``) → person key."""
        return {r.uid: r.person_key for r in self.records()}

    def families(self) -> list[tuple[str, str, str]]:
        """(kind, person key, relative's key) for every twin, brother and namesake."""
        return [(p.family, p.key, p.relative_of) for p in self.persons if p.relative_of]

    def true_pairs(self) -> Iterator[tuple[SynthRecord, SynthRecord]]:
        by_person: dict[str, list[SynthRecord]] = {}
        for record in self.records():
            by_person.setdefault(record.person_key, []).append(record)
        for members in by_person.values():
            yield from combinations(members, 2)


@dataclass(frozen=True)
class ListMix:
    """Which lists mention a person and how often each error process strikes."""

    coverage: tuple[tuple[str, float], ...] = (
        ("origin", 0.8), ("capture", 0.7), ("visit", 0.5), ("inquiry", 0.4))
    russian_named: float = 0.15
    female: float = 0.05
    twins: float = 0.03
    brothers: float = 0.04
    namesakes: float = 0.06
    # Zipf exponents: given names are far more concentrated than surnames (the commonest
    # surname about 1 % of people, the commonest given name about 14 %).
    given_s: float = 0.9
    surname_s: float = 0.5
    noise: float = 1.0


SOURCES = ("origin", "capture", "visit", "inquiry")


def independent(persons: int = 3_000, *, seed: int = 1, mix: ListMix | None = None
                ) -> Population:
    """About ``persons`` people (families included) and the four lists written about them."""
    mix = mix or ListMix()
    maker = _Maker(random.Random(seed), mix)
    population = Population([], {s: [] for s in SOURCES})
    while len(population.persons) < persons:
        for person in maker.people():
            population.persons.append(person)
            sources = [s for s, p in mix.coverage if maker.rng.random() < p] or ["origin"]
            for source in sources:
                copies = 2 if source == "inquiry" and maker.rng.random() < 0.05 else 1
                for _ in range(copies):
                    records = population.lists[source]
                    row = len(records) + 2
                    fields, processes = maker.render(person, source, row)
                    records.append(SynthRecord(source, row, fields, person.key, processes))
    return population


def independent_records(records: int, *, seed: int = 1, mix: ListMix | None = None
                        ) -> Population:
    """A population with about ``records`` records (2.4 records a person on average)."""
    return independent(max(1, round(records / 2.4)), seed=seed, mix=mix)


class _Maker:
    def __init__(self, rng: random.Random, mix: ListMix) -> None:
        from faker.providers.address.ru_RU import Provider as RuAddress
        from faker.providers.address.uk_UA import Provider as UkAddress
        from faker.providers.person.ru_RU import Provider as RuPerson
        from faker.providers.person.uk_UA import Provider as UkPerson

        self.rng = rng
        self.mix = mix
        self.count = 0
        self.numbers: set[str] = set()
        self.given_m_uk = self._shuffled(UkPerson.first_names_male)
        self.given_f_uk = self._shuffled(UkPerson.first_names_female)
        self.given_m_ru = self._shuffled(RuPerson.first_names_male)
        self.given_f_ru = self._shuffled(RuPerson.first_names_female)
        self.surnames_uk = self._shuffled(_derived(UkPerson.last_names_male, _UK_SUFFIXES))
        self.surnames_ru = self._shuffled(_derived(RuPerson.last_names_male, _RU_SUFFIXES))
        self.places_uk = self._shuffled(UkAddress.city_names)
        self.places_ru = self._shuffled(RuAddress.city_names)
        self.units = [str(rng.randrange(1000, 10000)) for _ in range(300)]
        self._cum: dict[tuple[int, float], list[float]] = {}

    def _shuffled(self, values: Sequence[str]) -> list[str]:
        out = [v.replace("ʼ", "'") for v in values]
        self.rng.shuffle(out)
        return out

    def _zipf(self, values: Sequence[str], s: float) -> str:
        cum = self._cum.get((len(values), s))
        if cum is None:
            cum = self._cum[(len(values), s)] = list(
                accumulate(1 / (k + 1) ** s for k in range(len(values))))
        return values[min(bisect(cum, self.rng.random() * cum[-1]), len(values) - 1)]

    # --- people ---------------------------------------------------------------------

    def people(self) -> list[Person]:
        first = self.person()
        roll = self.rng.random()
        m = self.mix
        if roll < m.twins:
            return [first, self.relative(first, "twin")]
        if roll < m.twins + m.brothers:
            return [first, self.relative(first, "brother")]
        if roll < m.twins + m.brothers + m.namesakes:
            return [first, self.relative(first, "namesake")]
        return [first]

    def _key(self) -> str:
        self.count += 1
        return f"H{self.count:07d}"

    def _given(self, female: bool, russian: bool) -> tuple[str, str]:
        if russian:
            ru = self._zipf(self.given_f_ru if female else self.given_m_ru, self.mix.given_s)
            return _RU_TO_UK_GIVEN.get(ru, ukrainise(ru)), ru
        uk = self._zipf(self.given_f_uk if female else self.given_m_uk, self.mix.given_s)
        return uk, _UK_TO_RU_GIVEN.get(uk, russify(uk))

    def _number(self) -> str:
        while True:
            number = (self.rng.choice("АВЕКМНОРСТ") + self.rng.choice("АВЕКМНОРСТ")
                      + str(self.rng.randrange(100000, 1000000)))
            if number not in self.numbers:
                self.numbers.add(number)
                return number

    def person(self) -> Person:
        rng = self.rng
        russian = rng.random() < self.mix.russian_named
        female = rng.random() < self.mix.female
        if russian:
            ru = self._zipf(self.surnames_ru, self.mix.surname_s)
            uk = ukrainise(ru)
        else:
            uk = self._zipf(self.surnames_uk, self.mix.surname_s)
            ru = russify(uk)
        if female:
            uk, ru = _feminine(uk), _feminine(ru)
        given_uk, given_ru = self._given(female, russian)
        father_uk, father_ru = self._given(False, russian)
        place_uk = self._zipf(self.places_uk, 0.7)
        year = int(rng.triangular(1965, 2006, 1994))
        return Person(self._key(), female, uk, ru, given_uk, given_ru, father_uk, father_ru,
                      date(year, 1, 1) + timedelta(days=rng.randrange(365)),
                      place_uk, russify(place_uk), self._number(),
                      self._zipf(self.units, 0.8))

    def relative(self, first: Person, kind: str) -> Person:
        rng = self.rng
        russian = first.given_ru == first.given_uk or first.surname_uk != russify(
            first.surname_uk)
        given_uk, given_ru = first.given_uk, first.given_ru
        if kind != "namesake":
            while given_uk == first.given_uk:
                given_uk, given_ru = self._given(first.female, russian)
        born = first.born
        if kind == "brother":
            born = first.born + timedelta(days=rng.choice((-1, 1)) * rng.randrange(300, 5000))
        elif kind == "namesake":
            # Cousins named after one grandfather: another date, a third in the same year.
            born = date(first.born.year if rng.random() < 0.3
                        else first.born.year + rng.choice((-1, 1)) * rng.randrange(1, 15),
                        1, 1) + timedelta(days=rng.randrange(365))
            if born == first.born:
                born += timedelta(days=40)
        place_uk = first.place_uk if kind != "namesake" or rng.random() < 0.5 else self._zipf(
            self.places_uk, 0.7)
        father_uk, father_ru = first.father_uk, first.father_ru
        if kind == "namesake" and rng.random() < 0.6:
            # Namesakes by chance or after one grandfather: most have another father.
            father_uk, father_ru = self._given(False, russian)
        return Person(self._key(), first.female, first.surname_uk, first.surname_ru,
                      given_uk, given_ru, father_uk, father_ru, born,
                      place_uk, russify(place_uk), self._number(),
                      first.unit if kind == "twin" or rng.random() < 0.3
                      else self._zipf(self.units, 0.8),
                      family=kind, relative_of=first.key)

    # --- lists ----------------------------------------------------------------------

    def render(self, p: Person, source: str, row: int) -> tuple[dict[str, str], tuple[str, ...]]:
        rng = self.rng
        done: list[str] = []
        fields: dict[str, str] = {"record_id": f"{source[:3].upper()}-{row:06d}"}
        if source == "origin":
            # Ukraine's own list: split columns, full dates, service numbers, some typos.
            fields |= {"surname": self._typo(p.surname_uk.upper(), 0.02, done),
                       "given_name": self._typo(p.given_uk, 0.02, done),
                       "patronymic": self._typo(p.patronymic_uk, 0.03, done),
                       "birth_date": self._date(p.born, source, done),
                       "birth_place": p.place_uk, "unit": f"в/ч А{p.unit}",
                       "sex": "ж" if p.female else "ч"}
            if rng.random() < 0.7:
                fields["service_number"] = p.service_number
        elif source == "capture":
            # The detaining party's cards: Russian forms in one column, ages and dates.
            surname = self._typo(p.surname_ru.upper(), 0.03, done)
            full = f"{surname} {p.given_ru} {p.patronymic_ru}"
            fields |= {"full_name": full, "birth_date": self._date(p.born, source, done),
                       "birth_place": p.place_ru}
            if rng.random() < 0.35:
                fields["service_number"] = p.service_number
        elif source == "visit":
            # The intermediary's visit list: Latin, often without a date.
            if rng.random() < 0.45:
                surname, given, patronymic = (ru_passport(p.surname_ru), ru_passport(p.given_ru),
                                              ru_passport(p.patronymic_ru))
                done.append("passport-ru")
            else:
                english = rng.random() < 0.3
                surname, given, patronymic = (uk_latin(p.surname_uk, english=english),
                                              uk_latin(p.given_uk, english=english),
                                              uk_latin(p.patronymic_uk, english=english))
            surname = self._typo(surname.upper(), 0.04, done)
            fields |= {"surname": surname, "given_name": given,
                       "birth_date": self._date(p.born, source, done)}
            if rng.random() < 0.6:
                fields["patronymic"] = patronymic
            if rng.random() < 0.15:
                fields["service_number"] = uk_latin(p.service_number).upper()
        else:
            # A family's inquiry: Latin or Ukrainian, pet names, misheard surnames.
            latin = rng.random() < 0.6
            surname = p.surname_uk
            given = p.given_uk
            if latin:
                surname = uk_latin(surname, english=rng.random() < 0.5)
                pets = _LATIN_DIMINUTIVES.get(p.given_uk)
                if pets and rng.random() < 0.4:
                    given = rng.choice(pets)
                    done.append("diminutive")
                else:
                    given = uk_latin(given, english=rng.random() < 0.5)
            if rng.random() < 0.15 * self.mix.noise:
                surname = self._misheard(surname)
                done.append("phone-surname")
            surname = self._typo(surname, 0.04, done)
            fields |= {"surname": surname, "given_name": given,
                       "birth_date": self._date(p.born, source, done)}
            if rng.random() < 0.7:
                fields["patronymic"] = (uk_latin(p.patronymic_uk) if latin
                                        else p.patronymic_uk)
            if rng.random() < 0.4:
                fields["birth_place"] = uk_latin(p.place_uk) if latin else p.place_uk
        return {k: v for k, v in fields.items() if v}, tuple(done)

    def _date(self, born: date, source: str, done: list[str]) -> str:
        """The birth date as this list writes it, through its error processes."""
        rng = self.rng
        n = self.mix.noise
        missing = {"origin": 0.02, "capture": 0.08, "visit": 0.4, "inquiry": 0.35}[source]
        if rng.random() < missing:
            done.append("no-date")
            return ""
        roll = rng.random()
        if source == "inquiry":
            if roll < 0.25:
                done.append("year-only")
                return str(born.year)
            if roll < 0.35:
                done.append("month-year")
                return f"{born.month:02d}.{born.year}"
        if source in ("capture", "visit") and roll < 0.12 * n:
            # Age stated, year derived: off by one when the birthday is after the day of
            # writing. Sometimes the day misheard too.
            year = born.year + rng.choice((-1, 1))
            day = born.day
            if rng.random() < 0.5:
                day = _clamp_day(born.year, born.month, day + rng.choice((-1, 1)))
                done.append("age-year+day")
            else:
                done.append("age-year")
            return _fmt(_safe(year, born.month, day), source)
        roll = rng.random()
        if roll < 0.05 * n:
            done.append("day-slip")
            born = _safe(born.year, born.month,
                         _clamp_day(born.year, born.month, born.day + rng.choice((-1, 1))))
        elif roll < 0.08 * n:
            swapped = _transposed(born, rng)
            if swapped != born:
                done.append("digit-swap")
                born = swapped
        elif roll < 0.10 * n and born.day <= 12 and born.day != born.month:
            done.append("day-month")
            born = date(born.year, born.day, born.month)
        return _fmt(born, source)

    def _typo(self, text: str, rate: float, done: list[str]) -> str:
        if len(text) < 4 or self.rng.random() >= rate * self.mix.noise:
            return text
        done.append("typo")
        i = self.rng.randrange(1, len(text) - 1)
        kind = self.rng.random()
        if kind < 0.4:
            return text[:i] + text[i + 1:]
        if kind < 0.7:
            return text[:i] + text[i + 1] + text[i] + text[i + 2:]
        return text[:i] + text[i] + text[i:]

    def _misheard(self, surname: str) -> str:
        """One sound confused or dropped, as over a bad line (Kravets → Kramets)."""
        lower = surname.lower()
        options = []
        for a, b in _HEARD_AS:
            for x, y in ((a, b), (b, a)):
                at = lower.find(x, 1)
                if at > 0:
                    options.append(lower[:at] + y + lower[at + len(x):])
        if len(lower) > 5:
            at = self.rng.randrange(2, len(lower) - 2)
            options.append(lower[:at] + lower[at + 1:])
        if not options:
            return surname
        heard = self.rng.choice(options)
        return _case_like(surname, heard) if surname[:1].isupper() else heard


def _fmt(born: date, source: str) -> str:
    if source == "capture":
        return f"{born.day:02d}.{born.month:02d}.{born.year}"
    if source == "visit":
        return f"{born.day:02d}/{born.month:02d}/{born.year}"
    if source == "inquiry":
        return f"{born.day}.{born.month}.{str(born.year)[2:]}"
    return f"{born.day:02d}.{born.month:02d}.{born.year}"


def _clamp_day(year: int, month: int, day: int) -> int:
    last = ((date(year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)).day
    return min(max(day, 1), last)


def _safe(year: int, month: int, day: int) -> date:
    return date(year, month, _clamp_day(year, month, day))


def _transposed(born: date, rng: random.Random) -> date:
    """Two adjacent digits of the day or of the year's last two swapped, when that is a date."""
    if rng.random() < 0.6 and born.day >= 10 and born.day % 10 != born.day // 10:
        day = int(str(born.day)[::-1])
        if 1 <= day <= _clamp_day(born.year, born.month, 31):
            return date(born.year, born.month, day)
    tail = f"{born.year % 100:02d}"
    year = born.year - born.year % 100 + int(tail[::-1])
    if tail[0] != tail[1] and 1960 <= year <= 2008:
        return _safe(year, born.month, born.day)
    return born


_UK_PATRONYMIC_STEM = {"Ілля": ("Ілліч", "Іллівна"), "Микола": ("Миколайович", "Миколаївна"),
                       "Яків": ("Якович", "Яківна"), "Федір": ("Федорович", "Федорівна"),
                       "Прохір": ("Прохорович", "Прохорівна")}
_RU_PATRONYMIC_STEM = {"Илья": ("Ильич", "Ильинична"), "Пётр": ("Петрович", "Петровна"),
                       "Павел": ("Павлович", "Павловна"), "Лев": ("Львович", "Львовна")}
_VOWELS = frozenset("аеёиіїоуыэюяє")


def _patronymic(father: str, female: bool, language: str) -> str:
    """The patronymic of a father's given name, by each language's grammar."""
    fixed = (_UK_PATRONYMIC_STEM if language == "uk" else _RU_PATRONYMIC_STEM).get(father)
    if fixed:
        return fixed[female]
    if language == "uk":
        if father.endswith("ій"):
            return father[:-2] + ("іївна" if female else "ійович")
        if father.endswith(("о", "а", "я")):
            return father[:-1] + ("івна" if female else "ович")
        if father.endswith("ь"):
            return father[:-1] + ("івна" if female else "ьович")
        return father + ("івна" if female else "ович")
    if father.endswith("ий"):
        soft = "ь" if len(father) > 3 and father[-4] in _VOWELS else "и"
        return father[:-2] + soft + ("евна" if female else "евич")
    if father.endswith(("ей", "ай")):
        return father[:-1] + ("евна" if female else "евич")
    if father.endswith(("а", "я")):
        return father[:-1] + ("ична" if female else "ич")
    if father.endswith("ь"):
        return father[:-1] + ("евна" if female else "евич")
    return father + ("овна" if female else "ович")


# Surname endings: Faker's few hundred surnames are stems for the thousands a country has
# (Абраменко, Абрамчук, Абрамишин are three families).
_UK_SUFFIXES = ("енко", "чук", "ук", "юк", "ишин", "ський", "ів", "як", "ець", "ович", "ко")
_RU_SUFFIXES = ("ов", "ев", "ин", "ский", "енко", "ых", "ук")


def _derived(surnames: Sequence[str], suffixes: tuple[str, ...]) -> list[str]:
    """The surnames and, for each, the same stem with the other common endings."""
    out = dict.fromkeys(surnames)
    for surname in surnames:
        for suffix in suffixes:
            if surname.endswith(suffix) and len(surname) - len(suffix) >= 3:
                stem = surname[: -len(suffix)]
                for other in suffixes:
                    if stem[-1] in "аеиіоуюяєї" and other[0] in "аеиіоуюяєї":
                        continue
                    out.setdefault(stem + other)
                break
    return sorted(out)


def _feminine(surname: str) -> str:
    for male, female in (("ський", "ська"), ("цький", "цька"), ("ский", "ская"),
                         ("цкий", "цкая"), ("ов", "ова"), ("ев", "ева"), ("ін", "іна"),
                         ("ин", "ина"), ("ий", "а")):
        if surname.endswith(male):
            return surname[: -len(male)] + female
    return surname
