"""English and Ukrainian for the pages.

The language comes from ``?lang=``, then the ``parley_lang`` cookie, then the browser's
Accept-Language, then English. Messages are looked up by their English text, so a
template reads naturally (``{{ _("Sign in") }}``) and a missing translation shows English.
"""

from __future__ import annotations

from collections.abc import Callable

LANGUAGES = {"en": "English", "uk": "Українська"}
DEFAULT = "en"

UK: dict[str, str] = {
    "Parley": "Parley",
    "Prisoner-of-war exchanges through a neutral intermediary":
        "Обмін військовополоненими через нейтрального посередника",
    "Sign in": "Увійти",
    "Sign out": "Вийти",
    "Username": "Ім'я користувача",
    "Password": "Пароль",
    "Signed in as": "Ви увійшли як",
    "The username or password is wrong.": "Неправильне ім'я користувача або пароль.",
    "Your session has expired; sign in again.": "Сеанс завершився; увійдіть знову.",
    "Ask about a relative": "Запит про родича",
    "Follow an inquiry": "Стежити за запитом",
    "Transparency": "Прозорість",
    "Public transparency page": "Публічна сторінка прозорості",
    "Officers and parties' offices": "Посадовці та офіси сторін",
    "Families": "Родини",
    "Everyone": "Усі",
    "Dashboard": "Панель",
    "Lists": "Списки",
    "List": "Список",
    "Source": "Джерело",
    "Kind": "Тип",
    "Party": "Сторона",
    "Rows": "Рядки",
    "Accepted": "Прийнято",
    "Quarantined": "У карантині",
    "Imported": "Імпортовано",
    "Imported by": "Імпортував",
    "Records": "Записи",
    "Row": "Рядок",
    "Person": "Особа",
    "Name": "Ім'я",
    "Born": "Народився",
    "Service number": "Номер військового квитка",
    "Status": "Статус",
    "Inquiries": "Запити",
    "Received": "Отримано",
    "Matched person": "Знайдена особа",
    "not yet matched": "ще не знайдено",
    "Access log": "Журнал доступу",
    "Who read personal data, and when.": "Хто і коли переглядав персональні дані.",
    "When": "Коли",
    "Who": "Хто",
    "Role": "Роль",
    "What": "Що",
    "Route": "Маршрут",
    "Ledger": "Реєстр подій",
    "events": "подій",
    "head": "голова",
    "root": "корінь",
    "Surname": "Прізвище",
    "Given name": "Ім'я",
    "Patronymic": "По батькові",
    "Date of birth": "Дата народження",
    "Place of birth": "Місце народження",
    "Rank": "Звання",
    "Unit": "Військова частина",
    "Anything else that may help": "Будь-що інше, що може допомогти",
    "Send the inquiry": "Надіслати запит",
    "Your inquiry was received.": "Ваш запит отримано.",
    "Your tracking code": "Ваш код відстеження",
    "Write it down: it is shown only once, and it is the only way to follow the inquiry.":
        "Запишіть його: він показується лише один раз, і це єдиний спосіб стежити за запитом.",
    "Tracking code": "Код відстеження",
    "Open": "Відкрити",
    "No inquiry has this tracking code.": "Немає запиту з таким кодом відстеження.",
    "Your inquiry": "Ваш запит",
    "The person you asked about": "Особа, про яку ви питали",
    ("We have not yet found this person in the lists we hold. "
     "We keep looking as new lists arrive."):
        ("Ми ще не знайшли цю особу в наявних списках. "
         "Ми продовжуємо пошук, коли надходять нові списки."),
    "since": "з",
    # The next steps a family is shown (services/registry/inquiries.py NEXT_STEPS).
    ("We have received your inquiry. To protect the people we trace, we tell nothing about "
     "anyone until a tracing officer has checked who you are and your relationship to the "
     "person. Contact the tracing office with your tracking code and an identity document."):
        ("Ми отримали ваш запит. Щоб захистити людей, яких ми розшукуємо, ми нічого не "
         "повідомляємо ні про кого, доки співробітник служби розшуку не перевірить вашу "
         "особу та ваш зв'язок із цією людиною. Зверніться до служби розшуку з кодом "
         "відстеження та документом, що посвідчує особу."),
    ("We have not yet found this person in the lists we hold. We keep looking as new lists "
     "arrive; you need do nothing more."):
        ("Ми ще не знайшли цю особу в наявних списках. Ми продовжуємо пошук, коли надходять "
         "нові списки; вам більше нічого не потрібно робити."),
    ("The person is recorded as held. The intermediary visits places of detention and will "
     "tell you of any change."):
        ("Особа значиться як утримувана. Посередник відвідує місця утримання і повідомить "
         "вас про будь-які зміни."),
    "The person is being searched for. Tell the tracing office anything new you learn.":
        "Особу розшукують. Повідомляйте службі розшуку все нове, що дізнаєтеся.",
    ("The person is proposed for an exchange. Nothing is certain until the handover; we "
     "will tell you when it happens."):
        ("Особу запропоновано до обміну. Нічого не певно до передачі; ми повідомимо вас, "
         "коли вона відбудеться."),
    ("The person's identity has been confirmed for an exchange. We will tell you when the "
     "handover happens."):
        ("Особу цієї людини підтверджено для обміну. Ми повідомимо вас, коли відбудеться "
         "передача."),
    ("The person was handed over. You may download the proof of the handover; the "
     "authorities of the receiving side will contact you."):
        ("Особу передано. Ви можете завантажити доказ передачі; з вами зв'яжуться органи "
         "сторони, що прийняла особу."),
    "The person has returned home.": "Особа повернулася додому.",
    ("We are very sorry. Please contact the tracing office, which will explain what is "
     "known and help with what comes next."):
        ("Нам дуже шкода. Зверніться до служби розшуку: там пояснять, що відомо, і "
         "допоможуть з подальшими кроками."),
    "History": "Історія",
    "Established by": "Встановлено",
    "Date": "Дата",
    "Send": "Надіслати",
    "Please fill in the surname and given name (or the full name).":
        "Заповніть прізвище та ім'я (або повне ім'я).",
    "Too many attempts; wait a minute and try again.":
        "Забагато спроб; зачекайте хвилину і спробуйте знову.",
    "The form has expired; please send it again.": "Форма застаріла; надішліть її ще раз.",
    "Not found": "Не знайдено",
    "This page does not exist, or you may not see it.":
        "Ця сторінка не існує, або у вас немає доступу до неї.",
    "Something is wrong with the request": "Запит містить помилку",
    "Back to the start": "Повернутися на початок",
    "Review queue": "Черга перевірки",
    "Agreements": "Угоди",
    "Stages": "Етапи",
    "Discrepancies": "Розбіжності",
    "Statements": "Заяви",
    "Quarantine": "Карантин",
    "Correct a cell and re-check the row; a row that passes joins the list.":
        "Виправте клітинку й перевірте рядок знову; рядок, що пройде перевірку, увійде до "
        "списку.",
    "Fix and re-check": "Виправити й перевірити",
    "Re-check every open row": "Перевірити знову всі відкриті рядки",
    "row": "рядок",
    "Upload a list": "Завантажити список",
    "File": "Файл",
    "Upload": "Завантажити",
    "Same person": "Та сама особа",
    "Different persons": "Різні особи",
    "Evidence for": "Докази на користь",
    "Evidence against": "Докази проти",
    "Confirm handover": "Підтвердити передачу",
    "Confirmed": "Підтверджено",
    "nothing yet": "поки нічого",
    "Not available yet": "Ще недоступно",
    "This part of Parley is not installed on this server yet.":
        "Ця частина Parley ще не встановлена на цьому сервері.",
    "No published report yet.": "Звіт ще не опубліковано.",
    "Working…": "Виконується…",
    "Persons": "Особи",
    "Language": "Мова",
    "Your lists": "Ваші списки",
    "Sources": "Джерела",
    "Open discrepancies": "Відкриті розбіжності",
    "Decide": "Вирішити",
    "Total": "Усього",
    "Held": "Утримується",
    "Nominated for an exchange": "Включено до списку на обмін",
    "Verified": "Перевірено",
    "Handed over": "Передано",
    "Repatriated": "Повернуто додому",
    "Declined repatriation": "Відмовився від повернення",
    "Deceased": "Загинув",
    "Missing": "Зниклий безвісти",
    "Wishes to return": "Бажає повернутися",
    "Download the proof": "Завантажити доказ",
    ("It shows, with the signed stage record, that this person was handed over, "
     "and tells nothing about anyone else."):
        ("Разом із підписаним записом етапу він доводить, що цю особу передано, "
         "і нічого не розкриває про інших."),
    "Stage": "Етап",
    "Bundle": "Пакет для перевірки",
    "Left out": "Не включені",
    "Direction": "Напрямок",
    "Category": "Категорія",
    "State": "Стан",
    "Reason": "Причина",
    "Event": "Подія",
    "Why": "Чому",
    "Publish": "Опублікувати",
    "signed": "підписано",
    "Sign": "Підписати",
    "Capacity per direction": "Місткість у кожному напрямку",
    "Plan the next stage": "Спланувати наступний етап",
    "Eligibility with reasons": "Відповідність умовам і підстави",
    "Nominations": "Номінації",
    "Identity": "Особа",
    "Eligibility": "Відповідність",
    "Confirm identity (receiving party)": "Підтвердити особу (сторона, що приймає)",
    "Confirm eligibility": "Підтвердити відповідність",
    "Nominate persons (their ids, one per line)":
        "Номінувати осіб (їхні ідентифікатори, по одному в рядку)",
    "Nominate": "Номінувати",
    "Private interview": "Конфіденційна співбесіда",
    "Confidential: the parties learn only that a person is not in the stage.":
        "Конфіденційно: сторони дізнаються лише, що особи немає в етапі.",
    "Outcome": "Результат",
    "Record the interview": "Записати співбесіду",
    "Claimed": "Заявлено",
    "Claimed numbers: one line each, DIRECTION CATEGORY NUMBER":
        "Заявлені числа: кожне в рядку, НАПРЯМОК КАТЕГОРІЯ ЧИСЛО",
    "Record the statement": "Записати заяву",
    "Resolve": "Вирішити",
    "Check discrepancies": "Перевірити розбіжності",
    "Close the stage": "Закрити етап",
    "Casework": "Справи",
    "Remains": "Останки",
    ("Bodies are exchanged by case number; each side confirms the cases it sent or "
     "received, and a case is later linked to the person identified."):
        ("Тіла передаються за номерами справ; кожна сторона підтверджує справи, які "
         "вона передала або отримала, а згодом справу пов'язують з ідентифікованою особою."),
    "Sent": "Передано",
    "Witnessed": "Засвідчено",
    "Identified": "Ідентифіковано",
    "Case numbers (one per line)": "Номери справ (по одному в рядку)",
    "Witness the remains": "Засвідчити передачу останків",
    "Case number": "Номер справи",
    "Person identified (id)": "Ідентифікована особа (ідентифікатор)",
    "Record the identification": "Записати ідентифікацію",
    "Cases": "Справи",
    "Agreement": "Угода",
    "Confirmed by": "Підтвердили",
    "sending": "сторона, що передає",
    "receiving": "сторона, що приймає",
    "intermediary": "посередник",
    "not yet identified": "ще не ідентифіковано",
    "Medical findings": "Медичні висновки",
    ("Findings of the intermediary's doctors or a mixed medical commission: whether a "
     "person is seriously wounded or sick."):
        ("Висновки лікарів посередника або змішаної медичної комісії: чи є особа тяжко "
         "пораненою або хворою."),
    "Persons (their ids, one per line)": "Особи (їхні ідентифікатори, по одному в рядку)",
    "Finding": "Висновок",
    "Seriously wounded or sick": "Тяжко поранений або хворий",
    "Not seriously wounded or sick": "Не тяжко поранений і не хворий",
    "Record the finding": "Записати висновок",
    "Recorded by": "Записав",
    "Publication holds": "Затримка публікації",
    ("A held stage's figures stay out of published reports until the date given or "
     "until released."):
        ("Дані затриманого етапу не потрапляють до опублікованих звітів до вказаної дати "
         "або до їх звільнення."),
    "Publication": "Публікація",
    "Until": "До",
    "held back": "затримано",
    "published": "публікується",
    "Until (optional)": "До (необов'язково)",
    "Hold back": "Затримати",
    "Release": "Звільнити для публікації",
    "Erasure": "Видалення даних",
    ("Erasing a person deletes the personal data of every record linked to the person, "
     "and their salts; the signed chain and the totals still verify. It cannot be undone."):
        ("Видалення особи знищує персональні дані всіх записів, пов'язаних з нею, та їхні "
         "солі; підписаний ланцюг і підсумки й далі перевіряються. Це неможливо скасувати."),
    "Person (id)": "Особа (ідентифікатор)",
    "Reason (e.g. the request's reference)": "Причина (наприклад, номер звернення)",
    "I understand that an erasure cannot be undone.":
        "Я розумію, що видалення неможливо скасувати.",
    "Erase": "Видалити",
}

CATALOGUES: dict[str, dict[str, str]] = {"en": {}, "uk": UK}


def translator(lang: str) -> Callable[[str], str]:
    table = CATALOGUES.get(lang, {})

    def gettext(message: str) -> str:
        return table.get(message, message)

    return gettext


def choose(query: str | None, cookie: str | None, accept: str | None) -> str:
    for candidate in (query, cookie):
        if candidate in LANGUAGES:
            return str(candidate)
    for part in (accept or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT
