"""The CSV import of members, for a church moving from spreadsheets.

The file: UTF-8 (with or without BOM) or Latin-1 (what French spreadsheets export), `;` or `,` between fields
(the header line's more frequent one), one header line naming the columns (any order, case and accents ignored):
`site` (code: CAB), `first_name`/`prenom`, `last_name`/`nom`, `email`, `phone`/`telephone`,
`whatsapp_number`/`whatsapp`, `date_of_birth`/`date_naissance`, `gender`/`sexe` (M/F), `marital_status`,
`address`/`adresse`, `city`/`ville`, `postal_code`/`code_postal`, `is_baptized`/`baptise` (oui/non, 1/0),
`baptism_date`/`date_bapteme`, `status`/`statut`, `notes`. Dates `YYYY-MM-DD` or `JJ/MM/AAAA`.
Every row is checked as a staff creation would be; the valid rows are created in one transaction (none on a dry
run) and each refused one is reported with its line number and its errors by column.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from application.community.services import MemberCommand, MemberWriter
from domain.community.model import Member, MemberProfile, MemberStatus, folded, member_code
from domain.community.permissions import MANAGE_MEMBERS_OWN_SITE
from domain.shared.actor import Actor
from domain.shared.errors import DomainError, InvalidInput, TooLarge

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
ALIASES = {
    "site": "site", "prenom": "first_name", "first_name": "first_name", "nom": "last_name", "last_name": "last_name",
    "email": "email", "e-mail": "email", "mail": "email", "phone": "phone", "telephone": "phone", "tel": "phone",
    "whatsapp_number": "whatsapp_number", "whatsapp": "whatsapp_number", "date_of_birth": "date_of_birth",
    "date_naissance": "date_of_birth", "date_de_naissance": "date_of_birth", "gender": "gender", "sexe": "gender",
    "marital_status": "marital_status", "situation": "marital_status", "address": "address", "adresse": "address",
    "city": "city", "ville": "city", "postal_code": "postal_code", "code_postal": "postal_code",
    "is_baptized": "is_baptized", "baptise": "is_baptized", "baptism_date": "baptism_date",
    "date_bapteme": "baptism_date", "date_de_bapteme": "baptism_date", "status": "status", "statut": "status",
    "notes": "notes",
}
YES, NO = frozenset({"oui", "o", "yes", "y", "1", "true", "vrai", "x"}), frozenset({"non", "n", "no", "0", "false",
                                                                                     "faux", ""})


@dataclass(frozen=True)
class ImportCommand:
    actor: Actor
    data: bytes
    dry_run: bool = False


@dataclass
class ImportReport:
    created: int = 0
    refused: list[tuple[int, dict[str, list[str]]]] = field(default_factory=list)


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def read_rows(text: str) -> list[dict[str, str]]:
    """The rows, keyed by the canonical column names; unknown columns are an error (a typo would lose data)."""
    if "\x00" in text:
        raise InvalidInput.on_field("file", "Fichier illisible : ce n'est pas un CSV texte")
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") >= header.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        names = next(reader)
    except (StopIteration, csv.Error):
        raise InvalidInput.on_field("file", "Fichier vide : une ligne d'en-tête est attendue") from None
    columns = [ALIASES.get(folded(n).strip().replace(" ", "_")) for n in names]
    unknown = [n for n, c in zip(names, columns, strict=True) if c is None and n.strip()]
    if unknown:
        raise InvalidInput.on_field("file", f"Colonnes inconnues : {', '.join(unknown)}")
    for needed in ("site", "first_name", "last_name"):
        if needed not in columns:
            raise InvalidInput.on_field("file", f"Colonne requise absente : {needed}")
    rows: list[dict[str, str]] = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                rows.append({})
                continue
            rows.append({c: v.strip() for c, v in zip(columns, values, strict=False) if c})
            if len(rows) > MAX_ROWS:
                raise TooLarge(f"{MAX_ROWS} lignes au plus par import")
    except csv.Error as error:
        raise InvalidInput.on_field("file", f"CSV illisible : {error}") from None
    return rows


def _date(value: str, name: str, errors: dict[str, list[str]]) -> date | None:
    if not value:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    errors.setdefault(name, []).append("Date attendue : AAAA-MM-JJ ou JJ/MM/AAAA")
    return None


def _profile(row: dict[str, str], errors: dict[str, list[str]]) -> MemberProfile:
    baptized = row.get("is_baptized", "").lower()
    if baptized not in YES | NO:
        errors.setdefault("is_baptized", []).append("Attendu : oui ou non")
    status = MemberStatus.ACTIVE
    if row.get("status"):
        try:
            status = MemberStatus(folded(row["status"]))
        except ValueError:
            errors.setdefault("status", []).append(f"Attendu : {', '.join(MemberStatus)}")
    return MemberProfile(
        first_name=row.get("first_name", ""), last_name=row.get("last_name", ""), email=row.get("email", ""),
        phone=row.get("phone", ""), whatsapp_number=row.get("whatsapp_number", ""),
        date_of_birth=_date(row.get("date_of_birth", ""), "date_of_birth", errors),
        gender=row.get("gender", "").upper(), marital_status=folded(row.get("marital_status", "")),
        address=row.get("address", ""), city=row.get("city", ""), postal_code=row.get("postal_code", ""),
        is_baptized=baptized in YES, baptism_date=_date(row.get("baptism_date", ""), "baptism_date", errors),
        status=status, notes=row.get("notes", ""))


class ImportMembers(MemberWriter):
    """Checks every row, then creates the valid ones in one transaction (none on a dry run)."""

    async def __call__(self, cmd: ImportCommand) -> ImportReport:
        MANAGE_MEMBERS_OWN_SITE.check(cmd.actor)
        if len(cmd.data) > MAX_BYTES:
            raise TooLarge(f"Fichier trop gros ({MAX_BYTES // 1024 // 1024} Mo au plus)")
        rows = read_rows(decode(cmd.data))
        report = ImportReport()
        sites = {s.code: s for s in await self._sites.all()}
        now = self._clock.now()
        for line, row in enumerate(rows, start=2):
            if not row:
                continue
            errors: dict[str, list[str]] = {}
            profile = _profile(row, errors)
            site = sites.get(row.get("site", "").upper())
            if site is None or site.id is None:
                report.refused.append((line, {**errors, "site": [f"Site inconnu : {row.get('site', '')}"]}))
                continue
            try:
                _, checked = await self._checked(MemberCommand(actor=cmd.actor, site_id=site.id, profile=profile))
            except DomainError as error:
                report.refused.append((line, {**errors, **error.details} or {"site": [error.message]}))
                continue
            if errors:
                report.refused.append((line, errors))
                continue
            report.created += 1
            if not cmd.dry_run:
                number = await self._sites.take_member_number(site.id)
                await self._members.add(Member(site_id=site.id, profile=checked,
                                               member_code=member_code(site.code, number), created_at=now,
                                               updated_at=now))
        if not cmd.dry_run:
            await self._uow.commit()
        return report
