"""Every person id the intermediary can list, searched for in everything public.

Over HTTP, on SQLite and PostgreSQL: the intermediary publishes; the test then collects
every person id the intermediary can list (``GET /api/v1/persons``) with each person's
names, birth date, service number and record ids (``GET /api/v1/persons/{id}``), and
searches every file of the published bundle and every anonymous answer (``/public``,
``/public/bundle/*``, ``/api/v1/publications/latest``) for them.
"""

from __future__ import annotations

from parley.bootstrap import App
from tests.api_server import build_world, serving
from tests.security.world import build_security_world

FIELDS = ("surname", "given_name", "patronymic", "birth_date", "service_number",
          "record_id")


def test_no_person_id_or_personal_datum_reaches_an_anonymous_caller(app: App) -> None:
    world = build_world(app)
    exchange = build_security_world(app, registered=True)
    with serving(app, secure_cookies=False) as srv:
        with srv.client(world.tokens["int"]) as intermediary:
            done = intermediary.post("/api/v1/publications")
            assert done.status_code == 201, done.text
            ids: list[str] = []
            offset = 0
            while True:
                page = intermediary.get("/api/v1/persons",
                                        params={"limit": 1000, "offset": offset}).json()
                ids += [p["id"] for p in page["persons"]]
                offset += 1000
                if offset >= page["total"]:
                    break
            secrets: set[str] = set(exchange.secrets)
            for person in ids:
                found = intermediary.get(f"/api/v1/persons/{person}")
                assert found.status_code == 200, found.text
                for source in found.json()["records"]:
                    fields = source["fields"] or {}
                    secrets |= {str(fields[f]) for f in FIELDS if fields.get(f)}
                    if source.get("record_id"):
                        secrets.add(str(source["record_id"]))
        assert set(exchange.handed) <= set(ids) and len(ids) >= 25
        assert any("Коваленко" in s for s in secrets)
        answers: dict[str, str] = {}
        with srv.client() as anonymous:
            for path in ("/public", "/api/v1/publications/latest"):
                answer = anonymous.get(path)
                assert answer.status_code == 200, (path, answer.text[:300])
                answers[path] = answer.text
            manifest = anonymous.get("/api/v1/publications/latest").json()["manifest"]
            for name in [*manifest["files"], "manifest.json"]:
                answer = anonymous.get(f"/public/bundle/{name}")
                assert answer.status_code == 200, name
                answers[name] = answer.text
    assert "stages.json" in answers and "events.jsonl" not in answers
    for where, text in answers.items():
        for person in ids:
            assert person not in text, (where, person)
        for secret in secrets:
            assert secret not in text, (where, secret)
