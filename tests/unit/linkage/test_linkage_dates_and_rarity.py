"""Dates as evidence (an age-derived year with a misread day), conflict rules measured on
the data, and a rare full name standing in for a missing date."""

from __future__ import annotations

from dataclasses import replace

from parley.linkage import LinkRecord, default_model, features
from parley.linkage.comparisons import BIRTH
from parley.linkage.conflicts import conflict, measured_reliable, reliable_fields
from parley.linkage.model import LinkageModel
from parley.linkage.rarity import NameCounts, vouch_weight


def rec(uid: str, **fields: str):  # type: ignore[no-untyped-def]
    return features(LinkRecord(uid=uid, source="s", fields=fields))


def level(a, b) -> str:  # type: ignore[no-untyped-def]
    labels = [lv.label for lv in BIRTH.levels if not lv.null]
    return labels[len(labels) - 1 - BIRTH.level_of(a, b)]


def test_a_year_from_an_age_and_a_misread_day_are_one_level_and_no_conflict() -> None:
    a = rec("a", surname="Мельник", given_name="Олександр", birth_date="16.07.1985")
    b = rec("b", surname="MELNYK", given_name="Oleksandr", birth_date="17/07/1986")
    c = rec("c", surname="Мельник", given_name="Олександр", birth_date="22.12.1999")
    d = rec("d", surname="Мельник", given_name="Олександр", birth_date="21.12.2000")
    assert level(a, b) == "birth years one apart, month equal, days one apart"
    assert level(c, d) == "birth years one apart, month equal, days one apart"
    assert conflict(a, b) is None and conflict(c, d) is None
    # Two days and a year apart is two people's dates (namesakes).
    e = rec("e", surname="Мельник", given_name="Олександр", birth_date="18.07.1986")
    assert level(a, e) != "birth years one apart, month equal, days one apart"
    assert conflict(a, e) == "birth date"


def test_transposed_digits_are_one_slip() -> None:
    a = rec("a", surname="Мельник", given_name="Іван", birth_date="12.03.1978")
    b = rec("b", surname="Мельник", given_name="Іван", birth_date="21.03.1978")
    c = rec("c", surname="Мельник", given_name="Іван", birth_date="12.03.1987")
    assert level(a, b) == level(a, c) == "birth dates one slip apart"
    assert conflict(a, c) is None


def test_given_names_outside_the_table_conflict_unless_they_may_be_one_name() -> None:
    antip = rec("a", surname="Осіпук", given_name="Антіп", birth_date="14.04.1969")
    symon = rec("b", surname="Осіпук", given_name="Симон", birth_date="14.04.1969")
    narkis = rec("c", surname="Осіпук", given_name="Наркіс", birth_date="14.04.1969")
    antyp = rec("d", surname="OSIPUK", given_name="Antyp", birth_date="14.04.1969")
    assert conflict(narkis, symon) == "given name"
    assert conflict(antip, narkis) == "given name"
    assert conflict(antip, antyp) is None
    # Олександр may be written А. (Александр), but two names written out are two names:
    # twins Олександр and Антіп (and Аркадий, Ермолай) stay apart.
    oleksandr = rec("e", surname="Осіпук", given_name="Олександр", birth_date="14.04.1969")
    assert conflict(antip, oleksandr) == "given name"
    arkadii = rec("f", surname="Ищак", given_name="Аркадий", birth_date="10.08.1998")
    yermolai = rec("g", surname="Ищак", given_name="Ермолай", birth_date="10.08.1998")
    assert conflict(arkadii, yermolai) == "given name"
    # Against an initial the initials still decide: А. may be Олександр.
    initial = rec("h", surname="Осіпук", given_name="А.", birth_date="14.04.1969")
    assert conflict(initial, oleksandr) is None


def test_pet_forms_outside_the_table_are_no_conflict() -> None:
    for full, pet in (("Ярослав", "Slavko"), ("Ігор", "Ihorko"), ("Богдан", "Bodya")):
        a = rec("a", surname="Колодуб", given_name=full, birth_date="21.07.1998")
        b = rec("b", surname="Kolodub", given_name=pet, birth_date="21.07.1998")
        assert conflict(a, b) is None, (full, pet)


def test_conflict_rules_are_measured_on_records_sharing_a_service_number() -> None:
    # Twins everywhere (EM would call them one person written twice) but the records
    # that share a service number never disagree on the given name or the date.
    rows = []
    for i in range(120):
        number = f"АВ{100000 + i}"
        rows.append(rec(f"o{i}", surname=f"Коваль{i % 7}", given_name="Іван",
                        birth_date="01.02.1990", service_number=number))
        rows.append(rec(f"c{i}", surname=f"Коваль{i % 7}", given_name="Иван",
                        birth_date="01.02.1990", service_number=number))
    assert measured_reliable(rows) == frozenset({"given name", "birth date"})
    # A generator that replaces whole names (FEBRL) breaks the given-name rule.
    broken = [replace(r, given="petro", given_set=("petro",), given_str="petro",
                      given_any="petro", given_init=("p",)) if r.unique_id.startswith("c")
              and int(r.unique_id[1:]) % 10 == 0 else r for r in rows]
    assert "given name" not in (measured_reliable(broken) or set())
    assert measured_reliable(rows[:20]) is None  # too few pairs to measure
    model = replace(default_model(), hard_rules=("birth date",))
    assert reliable_fields(model) == frozenset({"birth date"})
    assert LinkageModel.from_json(model.to_json()).hard_rules == ("birth date",)


def test_a_rare_full_name_vouches_for_an_undated_record_a_common_one_does_not() -> None:
    dated = rec("a", surname="ГРИЦЕНКО", given_name="Григорій", patronymic="Іванович",
                birth_date="18.08.1966")
    undated = rec("b", surname="HRYTSENKO", given_name="GRIGORII", patronymic="IVANOVICH")
    names = NameCounts([dated, undated])
    assert names.vouches(dated, undated)
    assert not names.vouches(dated, dated)  # two dated records go by their dates
    # A namesake born in another year: two people under the name, the pair goes to review.
    namesake = rec("c", surname="Гриценко", given_name="Григорий", patronymic="Иванович",
                   birth_date="03.01.1979")
    names.add(namesake)
    assert not names.vouches(dated, undated)
    # Without a patronymic on one side, surname and given name vouch when rare...
    short = rec("d", surname="Hrytsenko", given_name="Hryhorii")
    assert NameCounts([dated, short]).vouches(dated, short)
    # ...and not when the registry holds two people under them (another father).
    other = rec("e", surname="Гриценко", given_name="Григорій", patronymic="Петрович",
                birth_date="02.02.1990")
    assert not NameCounts([dated, short, other]).vouches(dated, short)
    assert vouch_weight(default_model()) > 0


def test_a_rare_full_name_with_a_misheard_surname_vouches() -> None:
    dated = rec("a", surname="КРАВЕЦЬ", given_name="Ярослав", patronymic="Симонович",
                birth_date="29.05.1994")
    misheard = rec("b", surname="Kramets", given_name="Yaroslav", patronymic="Symonovych")
    assert NameCounts([dated, misheard]).vouches(dated, misheard)
    # Another patronymic: no vouching, whatever the surname.
    other = rec("c", surname="Kravets", given_name="Yaroslav", patronymic="Petrovych")
    assert not NameCounts([dated, other]).vouches(dated, other)
    # A second dated person under the sound of the name: no vouching.
    namesake = rec("d", surname="Кравец", given_name="Ярослав", patronymic="Симонович",
                   birth_date="01.01.1971")
    assert not NameCounts([dated, misheard, namesake]).vouches(dated, misheard)
