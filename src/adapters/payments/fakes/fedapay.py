"""A local FedaPay (Moov Money modes): transactions, payment tokens, the phone push, a payment page, webhooks.

Outcomes are scripted by the payer's phone number, on its last digit, once the push is sent:

    ends in 0   declined after `settle_after` seconds
    ends in 9   stays pending (until `settle()` or the payment page's buttons)
    otherwise   approved after `settle_after` seconds

A transaction that is never pushed (hosted page only) stays pending until the page's "Payer" / "Refuser" buttons
(approved / canceled) or `settle()`. Every change of status sends a signed webhook (`X-FEDAPAY-SIGNATURE:
t=<unix>,s=<hex>`) to `webhook_url`: FedaPay webhooks are set in the dashboard, not per transaction.

Assumptions where the docs say nothing: validation errors answer 422 `{"message", "errors": {field: [..]}}`,
unknown resources 404 `{"message"}`, the payment page sends the browser back to `callback_url?id=..&status=..`,
and webhook bodies are `{"id", "name", "entity": <transaction>}`. Both push paths (`/v1/{mode}` and
`/v1/transactions/{mode}`) are accepted, since which one FedaPay serves is unverified.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import secrets
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from adapters.payments.fakes.server import FakeProvider, Reply, Request
from adapters.payments.http import sign_timestamped

_TRANSACTION = re.compile(r"^/v1/transactions/(\d+)$")
_TOKEN = re.compile(r"^/v1/transactions/(\d+)/token$")
_PUSH = re.compile(r"^/v1/(?:transactions/)?([a-z_]+)$")
_PAGE = re.compile(r"^/process/([A-Za-z0-9_-]+)$")
_E164 = re.compile(r"^\+\d{8,15}$")
CURRENCIES = frozenset({"XOF"})
COUNTRIES = frozenset({"bj", "tg", "ci", "sn", "ne"})
FAKE_SECRET_KEY = "sk_sandbox_fake"
FAKE_WEBHOOK_SECRET = "wh_sandbox_fake"
MODES = frozenset({"moov", "moov_tg", "mtn", "mtn_open", "mtn_ci", "togocel"})

_PAGE_HTML = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>FedaPay (fake)</title></head>
<body><h1>FedaPay : paiement</h1><p>{description}</p><p><strong>{amount} {currency}</strong></p>
<form method="post"><button name="action" value="pay">Payer</button>
<button name="action" value="refuse">Refuser</button></form></body></html>"""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _invalid(errors: dict[str, list[str]]) -> Reply:
    return 422, {}, {"message": "Les données envoyées sont invalides", "errors": errors}


def _not_found(what: str) -> Reply:
    return 404, {}, {"message": f"{what} introuvable"}


class FakeFedapay(FakeProvider):
    name = "fedapay"

    def __init__(self, *, secret_key: str = FAKE_SECRET_KEY, webhook_secret: str = FAKE_WEBHOOK_SECRET,
                 webhook_url: str | None = None, port: int = 0, settle_after: float = 0.2) -> None:
        super().__init__(port=port)
        self.secret_key = secret_key
        self.webhook_secret = webhook_secret
        self.webhook_url = webhook_url
        self.settle_after = settle_after
        self.transactions: dict[int, dict[str, Any]] = {}
        self.tokens: dict[str, int] = {}
        self._ids = itertools.count(1)
        self._events = itertools.count(1)

    # ------------------------------------------------------------ helpers for tests

    def settle(self, transaction_id: int | str, success: bool = True) -> dict[str, Any]:
        """Finishes a pending transaction by hand (approved, or declined) and sends the webhook."""
        return self._finish(int(transaction_id), "approved" if success else "declined")

    def transaction(self, transaction_id: int | str) -> dict[str, Any]:
        with self._lock:
            return dict(self.transactions[int(transaction_id)])

    def token_url(self, token: str) -> str:
        return f"{self.url}/process/{token}"

    # ------------------------------------------------------------ protocol

    def handle(self, request: Request) -> Reply:
        page = _PAGE.match(request.path)
        if page:
            return self._page(request, page.group(1))
        if request.headers.get("authorization") != f"Bearer {self.secret_key}":
            return 401, {}, {"message": "Clé API invalide ou absente"}
        if request.method == "POST" and request.path == "/v1/transactions":
            return self._create(request.json)
        if request.method == "GET" and (match := _TRANSACTION.match(request.path)):
            with self._lock:
                transaction = self.transactions.get(int(match.group(1)))
                return (200, {}, {"v1/transaction": dict(transaction)}) if transaction else _not_found("Transaction")
        if request.method == "POST" and (match := _TOKEN.match(request.path)):
            return self._token(int(match.group(1)))
        if request.method == "POST" and (match := _PUSH.match(request.path)) and match.group(1) in MODES:
            return self._push(match.group(1), request.json)
        return _not_found("Ressource")

    def _create(self, body: Any) -> Reply:
        if not isinstance(body, dict):
            return _invalid({"body": ["doit être un objet JSON"]})
        errors: dict[str, list[str]] = {}
        amount = body.get("amount")
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            errors["amount"] = ["doit être un entier positif"]
        if not isinstance(body.get("description"), str) or not body["description"].strip():
            errors["description"] = ["est obligatoire"]
        if not isinstance(body.get("callback_url"), str) or not body["callback_url"].startswith("http"):
            errors["callback_url"] = ["doit être une URL"]
        currency = body.get("currency")
        iso = currency.get("iso") if isinstance(currency, dict) else None
        if iso not in CURRENCIES:
            errors["currency"] = ["devise non prise en charge"]
        customer = body.get("customer") or {}
        phone = customer.get("phone_number") if isinstance(customer, dict) else None
        if phone is not None and not self._phone_ok(phone):
            errors["customer.phone_number"] = ["numéro invalide"]
        if errors:
            return _invalid(errors)
        with self._lock:
            transaction_id = next(self._ids)
            transaction = {
                "id": transaction_id, "klass": "v1/transaction",
                "transaction_key": secrets.token_hex(4).upper(), "reference": f"trx_{secrets.token_hex(6)}",
                "amount": amount, "description": body["description"], "callback_url": body["callback_url"],
                "status": "pending", "mode": None, "currency": {"id": 1, "klass": "v1/currency", "iso": iso},
                "customer": {"id": transaction_id, "klass": "v1/customer", **customer},
                "custom_metadata": body.get("custom_metadata") or {},
                "created_at": _now(), "updated_at": _now(), "approved_at": None, "declined_at": None,
                "canceled_at": None, "last_error_code": None,
            }
            self.transactions[transaction_id] = transaction
            return 200, {}, {"v1/transaction": dict(transaction)}

    def _token(self, transaction_id: int) -> Reply:
        with self._lock:
            transaction = self.transactions.get(transaction_id)
            if transaction is None:
                return _not_found("Transaction")
            if transaction["status"] != "pending":
                return 400, {}, {"message": "Transaction déjà traitée"}
            token = next((t for t, i in self.tokens.items() if i == transaction_id), None)
            if token is None:
                token = secrets.token_urlsafe(24)
                self.tokens[token] = transaction_id
        return 200, {}, {"token": token, "url": self.token_url(token)}

    def _push(self, mode: str, body: Any) -> Reply:
        if not isinstance(body, dict) or not isinstance(body.get("token"), str):
            return _invalid({"token": ["est obligatoire"]})
        if not self._phone_ok(body.get("phone_number")):
            return _invalid({"phone_number": ["numéro invalide"]})
        with self._lock:
            transaction = self.transactions.get(self.tokens.get(body["token"], 0))
            if transaction is None:
                return _not_found("Jeton")
            if transaction["status"] != "pending":
                return 400, {}, {"message": "Transaction déjà traitée"}
            transaction["mode"] = mode
            transaction["updated_at"] = _now()
        digit = body["phone_number"]["number"][-1]
        if digit != "9":
            transaction_id, outcome = transaction["id"], "declined" if digit == "0" else "approved"

            def outcome_arrives() -> None:
                self._finish(transaction_id, outcome, quiet=True)

            self.later(self.settle_after, outcome_arrives)
        return 200, {}, {"message": "success"}

    def _page(self, request: Request, token: str) -> Reply:
        with self._lock:
            transaction_id = self.tokens.get(token)
            transaction = dict(self.transactions[transaction_id]) if transaction_id else None
        if transaction is None:
            return 404, {"Content-Type": "text/html; charset=utf-8"}, b"<h1>Lien de paiement inconnu</h1>"
        if request.method == "GET":
            page = _PAGE_HTML.format(description=html.escape(transaction["description"]),
                                     amount=transaction["amount"], currency=transaction["currency"]["iso"])
            return 200, {"Content-Type": "text/html; charset=utf-8"}, page.encode()
        status = "approved" if request.form.get("action") == "pay" else "canceled"
        transaction = self._finish(transaction["id"], status, quiet=True)
        back = transaction["callback_url"]
        query = urlencode({"id": transaction["id"], "status": transaction["status"]})
        return 303, {"Location": f"{back}{'&' if '?' in back else '?'}{query}"}, None

    # ------------------------------------------------------------ plumbing

    def _finish(self, transaction_id: int, status: str, *, quiet: bool = False) -> dict[str, Any]:
        """Moves a pending transaction to `status` and sends the webhook; a finished one is left as it is."""
        with self._lock:
            transaction = self.transactions[transaction_id]
            if transaction["status"] != "pending":
                if quiet:
                    return dict(transaction)
                raise ValueError(f"transaction {transaction_id} is already {transaction['status']}")
            transaction["status"] = status
            transaction["updated_at"] = transaction[f"{status}_at"] = _now()
            if status == "declined":
                transaction["last_error_code"] = "insufficient_funds"
            snapshot = dict(transaction)
            event_id = next(self._events)
        body = json.dumps({"id": event_id, "name": f"transaction.{status}", "entity": snapshot}).encode()
        signature = sign_timestamped(body, self.webhook_secret, scheme="s")
        self.deliver(self.webhook_url, body, {"X-FEDAPAY-SIGNATURE": signature})
        return snapshot

    @staticmethod
    def _phone_ok(phone: Any) -> bool:
        return (isinstance(phone, dict) and isinstance(phone.get("number"), str) and bool(_E164.match(phone["number"]))
                and phone.get("country") in COUNTRIES)
