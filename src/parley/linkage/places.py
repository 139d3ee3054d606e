"""Birth places in Ukrainian, Russian and Latin forms folded to one key.

Харків, Харьков, Kharkiv, Kharkov and "м. Харків" all give ``kharkiv``; renamed cities
give the current name (Дніпропетровськ → ``dnipro``). A place the table does not know
falls back to a spelling-independent skeleton of its name (via ``parley.names``), so
Korosten and Коростень still agree. Called by :mod:`parley.linkage.features` only.
"""

from __future__ import annotations

import re
from functools import lru_cache

from parley.names import surname_key

# key: forms (Ukrainian, Russian, Latin spellings, former names). Keys are KMU 2010.
_PLACES = """
kharkiv: Харків Харьков Kharkiv Kharkov Charkiw Charkow
kyiv: Київ Киев Kyiv Kiev Kyjiw Kijow Kiew
lviv: Львів Львов Lviv Lvov Lwow Lemberg Lwiw
odesa: Одеса Одесса Odesa Odessa
dnipro: Дніпро Днепр Dnipro Dnepr Дніпропетровськ Днепропетровск Dnipropetrovsk Dnepropetrovsk
zaporizhzhia: Запоріжжя Запорожье Zaporizhzhia Zaporozhye Zaporizhia Zaporozhe Saporischschja
mykolaiv: Миколаїв Николаев Mykolaiv Nikolaev Nikolayev Mykolayiv
poltava: Полтава Poltava
chernihiv: Чернігів Чернигов Chernihiv Chernigov
sumy: Суми Сумы Sumy
zhytomyr: Житомир Zhytomyr Zhitomir Schytomyr
vinnytsia: Вінниця Винница Vinnytsia Vinnitsa Vinnytsya Winnyzja
kherson: Херсон Kherson Cherson
cherkasy: Черкаси Черкассы Cherkasy Cherkassy
rivne: Рівне Ровно Rivne Rovno Riwne
lutsk: Луцьк Луцк Lutsk Luck
ternopil: Тернопіль Тернополь Ternopil Ternopol
ivano-frankivsk: Івано-Франківськ Ивано-Франковск Ivano-Frankivsk Ivano-Frankovsk Станіслав
uzhhorod: Ужгород Uzhhorod Uzhgorod
chernivtsi: Чернівці Черновцы Chernivtsi Chernovtsy Czernowitz
khmelnytskyi: Хмельницький Хмельницкий Khmelnytskyi Khmelnitsky Khmelnytskyy Khmelnitskiy
kropyvnytskyi: Кропивницький Кропивницкий Kropyvnytskyi Кіровоград Кировоград Kirovohrad Kirovograd
mariupol: Маріуполь Мариуполь Mariupol Жданов
kryvyi-rih: Кривий-Ріг Кривой-Рог Kryvyi-Rih Krivoy-Rog Kryvyi-Rig Krivoi-Rog
kramatorsk: Краматорськ Краматорск Kramatorsk
bila-tserkva: Біла-Церква Белая-Церковь Bila-Tserkva Belaya-Tserkov
kremenchuk: Кременчук Кременчуг Kremenchuk Kremenchug
izium: Ізюм Изюм Izium Izyum
melitopol: Мелітополь Мелитополь Melitopol
brovary: Бровари Бровары Brovary
nikopol: Нікополь Никополь Nikopol
donetsk: Донецьк Донецк Donetsk
luhansk: Луганськ Луганск Luhansk Lugansk
horlivka: Горлівка Горловка Horlivka Gorlovka
makiivka: Макіївка Макеевка Makiivka Makeevka Makeyevka
sievierodonetsk: Сєвєродонецьк Северодонецк Sievierodonetsk Severodonetsk
lysychansk: Лисичанськ Лисичанск Lysychansk Lisichansk
bakhmut: Бахмут Артемівськ Артемовск Bakhmut Artemivsk Artemovsk
sloviansk: Слов'янськ Славянск Sloviansk Slavyansk Slovyansk
berdiansk: Бердянськ Бердянск Berdiansk Berdyansk
nova-kakhovka: Нова-Каховка Новая-Каховка Nova-Kakhovka Novaya-Kakhovka
enerhodar: Енергодар Энергодар Enerhodar Energodar
berdychiv: Бердичів Бердичев Berdychiv Berdichev
uman: Умань Uman
konotop: Конотоп Konotop
shostka: Шостка Shostka
lozova: Лозова Лозовая Lozova Lozovaya
kupiansk: Куп'янськ Купянск Kupiansk Kupyansk
chuhuiv: Чугуїв Чугуев Chuhuiv Chuguev
pavlohrad: Павлоград Pavlohrad Pavlograd
kamianske: Кам'янське Каменское Kamianske Kamenskoe
kamianske: Дніпродзержинськ Днепродзержинск Dniprodzerzhynsk
kamianets-podilskyi: Кам'янець-Подільський Каменец-Подольский Kamianets-Podilskyi Kamenets-Podolsky
mukachevo: Мукачево Мукачеве Mukachevo Mukacheve
drohobych: Дрогобич Дрогобыч Drohobych Drogobych
stryi: Стрий Стрый Stryi Stryy
kovel: Ковель Kovel
kalush: Калуш Kalush
kolomyia: Коломия Коломыя Kolomyia Kolomyya
oleksandriia: Олександрія Александрия Oleksandriia Aleksandriya
svitlovodsk: Світловодськ Светловодск Svitlovodsk Svetlovodsk
simferopol: Сімферополь Симферополь Simferopol
sevastopol: Севастополь Sevastopol
kerch: Керч Керчь Kerch
yalta: Ялта Yalta
yevpatoriia: Євпаторія Евпатория Yevpatoriia Evpatoria Yevpatoriya
pokrovsk: Покровськ Покровск Pokrovsk Красноармійськ Красноармейск
avdiivka: Авдіївка Авдеевка Avdiivka Avdeevka
volnovakha: Волноваха Volnovakha
kostiantynivka: Костянтинівка Константиновка Kostiantynivka Konstantinovka
druzhkivka: Дружківка Дружковка Druzhkivka Druzhkovka
moscow: Москва Moskva Moscow Moskau
saint-petersburg: Санкт-Петербург Петербург Ленінград Ленинград Sankt-Peterburg
saint-petersburg: Saint-Petersburg St-Petersburg Leningrad
rostov-na-donu: Ростов-на-Дону Ростов Rostov-na-Donu Rostov-on-Don Rostov
krasnodar: Краснодар Krasnodar
voronezh: Воронеж Voronezh
belgorod: Бєлгород Белгород Belgorod Bilhorod
kursk: Курськ Курск Kursk
bryansk: Брянськ Брянск Bryansk Briansk
novosibirsk: Новосибірськ Новосибирск Novosibirsk
yekaterinburg: Єкатеринбург Екатеринбург Yekaterinburg Ekaterinburg Свердловськ Свердловск
samara: Самара Samara Куйбишев Куйбышев
volgograd: Волгоград Volgograd Сталінград Сталинград
omsk: Омськ Омск Omsk
ulan-ude: Улан-Уде Улан-Удэ Ulan-Ude
pskov: Псков Pskov
smolensk: Смоленськ Смоленск Smolensk
tula: Тула Tula
kazan: Казань Kazan
chelyabinsk: Челябінськ Челябинск Chelyabinsk
perm: Перм Пермь Perm
ufa: Уфа Ufa
saratov: Саратов Saratov
nizhny-novgorod: Нижній-Новгород Нижний-Новгород Nizhny-Novgorod Nizhniy-Novgorod Горький
minsk: Мінськ Минск Minsk
grozny: Грозний Грозный Grozny Groznyi
"""

def _words(text: str) -> list[str]:
    return text.split()


# Words that say what kind of place it is, not which place (м. = місто, г. = город).
_KIND_WORDS = frozenset(_words("""
м мiсто місто г гор город с село смт пгт сел селище поселок посёлок пос х хутір хутор
город-герой mto misto gorod city town village of the v vil m g s smt obl oblast область
обл р-н район rayon district р-ну area
"""))
_SPLIT = re.compile(r"[\s.,;()/]+")
_PLACE_INDEX: dict[str, str] = {}


def _normal(text: str) -> str:
    """Lower case, kind words dropped, words joined by hyphens."""
    folded = text.lower().replace("ё", "е").replace("’", "'").replace("ʼ", "'")
    # A region after a comma ("Ізюм, Харківська обл.") is context, not the place.
    folded = folded.split(",")[0]
    words = [w for w in _SPLIT.split(folded.replace("-", " ")) if w and w not in _KIND_WORDS]
    return "-".join(words)


def _index() -> dict[str, str]:
    if not _PLACE_INDEX:
        for line in _PLACES.strip().splitlines():
            key, forms = line.split(":", 1)
            _PLACE_INDEX[_normal(key)] = key
            for form in forms.split():
                _PLACE_INDEX[_normal(form)] = key
    return _PLACE_INDEX


@lru_cache(maxsize=1 << 15)
def place_key(text: str) -> str | None:
    """The key of a birth place, or None when the text names no place."""
    normal = _normal(text)
    if not normal:
        return None
    index = _index()
    if normal in index:
        return index[normal]
    # "Київська обл., м. Бровари" and "Brovary, Kyiv region": try each word group.
    for part in re.split(r"[,;]", text.lower()):
        candidate = _normal(part)
        if candidate in index:
            return index[candidate]
    words = [surname_key(w) for w in normal.split("-")]
    skeleton = "-".join(w for w in words if w)
    return skeleton or None
