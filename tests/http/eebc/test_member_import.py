"""POST /staff/members/import/: a CSV from a spreadsheet, row by row."""

from __future__ import annotations

from tests.http.conftest import Api
from tests.http.eebc.community_helpers import MEMBERS, STAFF_MEMBERS, ensure_sites, staff
from tests.http.eebc.conftest import assert_error

IMPORT = f"{STAFF_MEMBERS}import/"
LATIN1 = ("Site;Prénom;Nom;Téléphone;Date de naissance;Baptisé\n"
          "CAB;Hélène;Émile;0694 12 34 56;15/03/1985;oui\n"
          "MAC;Jean;Dupont;;1990-01-02;non\n"
          "XYZ;Paul;Inconnu;;;\n"
          "\n"
          "CAB;;Sansprenom;12;31/02/1990;peut-être\n").encode("latin-1")


async def test_import_reports_row_by_row_and_creates_the_valid_rows(api: Api) -> None:
    await ensure_sites(api)
    admin = await staff(api)
    dry = await api.client.post(IMPORT, headers=admin, files={"file": ("membres.csv", LATIN1, "text/csv")},
                                data={"dry_run": "true"})
    assert dry.status_code == 200, dry.text
    body = dry.json()
    assert body["success"] is True and body["data"]["created"] == 2 and body["data"]["dry_run"] is True
    refused = {r["row"]: r["errors"] for r in body["data"]["refused"]}
    assert set(refused) == {4, 6} and "site" in refused[4]
    assert {"first_name", "phone", "date_of_birth", "is_baptized"} <= set(refused[6])
    assert (await api.client.get(MEMBERS, headers=admin)).json()["count"] == 0

    done = await api.client.post(IMPORT, headers=admin, files={"file": ("membres.csv", LATIN1, "text/csv")})
    assert done.json()["data"]["created"] == 2
    listed = (await api.client.get(MEMBERS, headers=admin, params={"search": "helene"})).json()["results"]
    assert [(m["member_id"], m["phone"]) for m in listed] == [("EEBC-CAB-0001", "+594694123456")]


async def test_import_in_utf8_with_commas(api: Api) -> None:
    await ensure_sites(api)
    admin = await staff(api)
    text = "\ufeffsite,first_name,last_name,email\nCAB,Zoé,Noël,zoe@example.com\n".encode()
    done = await api.client.post(IMPORT, headers=admin, files={"file": ("m.csv", text, "text/csv")})
    assert done.json()["data"] == {"created": 1, "refused": [], "dry_run": False}


async def test_import_refusals(api: Api) -> None:
    await ensure_sites(api)
    admin = await staff(api)
    assert_error(await api.client.post(IMPORT, headers=admin, json={"file": "x"}), 415)
    assert_error(await api.client.post(IMPORT, headers=admin, files={"autre": ("m.csv", b"x", "text/csv")}), 400,
                 "file")
    assert_error(await api.client.post(IMPORT, headers=admin, files={"file": ("m.csv", b"nom;couleur\n", "text/csv")}),
                 400, "file")
    assert_error(await api.client.post(IMPORT, headers=admin, files={"file": ("m.csv", b"a\x00b", "text/csv")}), 400,
                 "file")
    big = b"site;first_name;last_name\n" + b"CAB;A;B\n" * 6000
    assert_error(await api.client.post(IMPORT, headers=admin, files={"file": ("m.csv", big, "text/csv")}), 413)
    huge = b"site;first_name;last_name\n" + b"CAB;A;" + b"B" * (3 * 1024 * 1024) + b"\n"
    assert_error(await api.client.post(IMPORT, headers=admin, files={"file": ("m.csv", huge, "text/csv")}), 413)
    member = await staff(api, "membre")
    assert_error(await api.client.post(IMPORT, headers=member, files={"file": ("m.csv", LATIN1, "text/csv")}), 403)
    assert_error(await api.client.post(IMPORT, files={"file": ("m.csv", LATIN1, "text/csv")}), 401)


async def test_secretariat_imports_into_its_own_site_only(api: Api) -> None:
    await ensure_sites(api)
    secretary = await staff(api, "secretariat", "MAC")
    done = await api.client.post(IMPORT, headers=secretary, files={"file": ("m.csv", LATIN1, "text/csv")})
    data = done.json()["data"]
    assert data["created"] == 1 and {r["row"] for r in data["refused"]} == {2, 4, 6}
