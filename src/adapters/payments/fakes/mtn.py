"""A local MTN MoMo Open API (sandbox flavour): Collection request-to-pay, Disbursement refunds, their tokens.

Speaks protocols.md section 1: subscription key per product (401 in the Azure APIM format otherwise), tokens from
`POST /<product>/token/` (Basic api_user:api_key, no body; wrong credentials: 500 login_failed) valid `token_ttl`
seconds, X-Reference-Id a UUID4 (400 otherwise) and unique (409 RESOURCE_ALREADY_EXIST), EUR only in sandbox
(500 INVALID_CURRENCY), notes without ' or & and at most 160 characters (400), never empty (500).

Sandbox test numbers decide the outcome (the payer "approves" at once unless the table says otherwise):
46733123450 FAILED, ...451 REJECTED (FAILED, APPROVAL_REJECTED), ...452 TIMEOUT (PENDING for 3 x settle_after,
then FAILED, EXPIRED), ...453 PENDING then SUCCESSFUL after settle_after, ...454 PENDING until `settle`,
any other number SUCCESSFUL. When a transaction reaches a final state, its status body is sent once (no retry)
to its X-Callback-Url, unsigned, as MTN does.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from adapters.payments.fakes.server import FakeProvider, Reply, Request
from adapters.payments.mtn import MtnSettings

FAILED_NUMBER = "46733123450"
REJECTED_NUMBER = "46733123451"
TIMEOUT_NUMBER = "46733123452"
LATE_NUMBER = "46733123453"
PENDING_NUMBER = "46733123454"
TIMEOUT_FACTOR = 3  # the timeout number stays pending this many times settle_after, then EXPIRED

APIM_401 = {"statusCode": 401, "message": "Access denied due to invalid subscription key. "
            "Make sure to provide a valid key for an active subscription."}
BAD_TOKEN_401 = {"statusCode": 401, "message": "Access denied due to invalid or expired access token."}  # UNVERIFIED
NOT_FOUND_404 = {"statusCode": 404, "message": "Resource not found"}
DUPLICATE = {"code": "RESOURCE_ALREADY_EXIST", "message": "Duplicated reference id. Creation of resource failed."}
NOTE_FIELDS = ("payerMessage", "payeeNote")
PARTY_TYPES = frozenset({"MSISDN", "EMAIL", "PARTY_CODE"})
AMOUNT = re.compile(r"[0-9]+(\.[0-9]+)?")
ROUTE = re.compile(r"/(collection|disbursement)/v1_0/(requesttopay|refund)(?:/([^/]+))?")
KIND_OF = {"collection": "requesttopay", "disbursement": "refund"}


def _error(code: str, message: str) -> dict[str, str]:
    return {"code": code, "message": message}  # the {"code","message"} shape is UNVERIFIED (third-party fakes)


@dataclass(frozen=True)
class Credentials:
    subscription_key: str
    api_user: str
    api_key: str


@dataclass
class Transaction:
    """A request to pay or a refund as the fake holds it."""

    reference: str
    kind: str
    body: dict[str, Any]
    callback_url: str | None
    status: str = "PENDING"
    reason: str | None = None
    financial_transaction_id: str | None = None
    refunded: Decimal = field(default_factory=Decimal)  # a charge: refunded so far; a refund: reserved


class FakeMtn(FakeProvider):
    name = "mtn"

    def __init__(self, *,
                 collection: Credentials = Credentials("collection-key", "3f6a1c2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b",
                                                       "collection-secret"),
                 disbursement: Credentials = Credentials("disbursement-key", "8c9d0e1f-2a3b-4c5d-8e7f-9a0b1c2d3e4f",
                                                         "disbursement-secret"),
                 target_environment: str = "sandbox", currency: str | None = None,
                 callback_host: str | None = None, callback_method: str = "POST", reason_as_object: bool = False,
                 settle_after: float = 30.0, token_ttl: int = 3600, port: int = 0) -> None:
        super().__init__(port=port)
        self.credentials = {"collection": collection, "disbursement": disbursement}
        self.target_environment = target_environment
        # Sandbox takes EUR only; elsewhere the operator's currency (None: any).
        self.currency = "EUR" if target_environment == "sandbox" else currency
        self.callback_host = callback_host  # the API user's providerCallbackHost (None: any host)
        self.callback_method = callback_method
        self.reason_as_object = reason_as_object  # old swagger {"code","message"} instead of the live string
        self.settle_after = settle_after
        self.token_ttl = token_ttl
        self.tokens: dict[str, tuple[str, float]] = {}  # token -> (product, monotonic expiry)
        self.transactions: dict[str, Transaction] = {}

    # ------------------------------------------------------------ helpers for tests and local runs

    def settings(self, **overrides: Any) -> MtnSettings:
        """Gateway settings pointed at this fake, with its credentials."""
        c, d = self.credentials["collection"], self.credentials["disbursement"]
        values: dict[str, Any] = dict(
            base_url=self.url, target_environment=self.target_environment, currency=self.currency or "XOF",
            collection_subscription_key=c.subscription_key, collection_api_user=c.api_user,
            collection_api_key=c.api_key, disbursement_subscription_key=d.subscription_key,
            disbursement_api_user=d.api_user, disbursement_api_key=d.api_key)
        return MtnSettings(**{**values, **overrides})

    def settle(self, reference: str, success: bool = True, reason: str | None = None) -> bool:
        """Finishes a pending request to pay (or refund) by hand and sends its callback; False if already final."""
        if success:
            return self._finish(str(reference), "SUCCESSFUL", None)
        return self._finish(str(reference), "FAILED", reason or "APPROVAL_REJECTED")

    def revoke_tokens(self) -> None:
        """Every token handed out so far becomes unknown (as after an MTN restart)."""
        with self._lock:
            self.tokens.clear()

    def status_of(self, reference: str) -> str | None:
        with self._lock:
            transaction = self.transactions.get(str(reference))
            return transaction.status if transaction else None

    # ------------------------------------------------------------ protocol

    def handle(self, request: Request) -> Reply:
        if "//" in request.path:
            return 400, {}, _error("BAD_REQUEST", "Doubled slash in the URL")
        product = request.path.strip("/").split("/", 1)[0]
        credentials = self.credentials.get(product)
        if credentials is None:
            return 404, {}, NOT_FOUND_404
        if request.headers.get("ocp-apim-subscription-key") != credentials.subscription_key:
            return 401, {}, APIM_401
        if request.path == f"/{product}/token/" and request.method == "POST":
            return self._token(product, credentials, request)
        if not self._bearer_ok(product, request):
            return 401, {}, BAD_TOKEN_401
        route = ROUTE.fullmatch(request.path)
        if route is None or route[1] != product or route[2] != KIND_OF[product]:
            return 404, {}, NOT_FOUND_404
        if request.headers.get("x-target-environment") != self.target_environment:
            return 500, {}, _error("NOT_ALLOWED_TARGET_ENVIRONMENT", "Access to target environment is forbidden.")
        if request.method == "POST" and route[3] is None:
            return self._create(route[2], request)
        if request.method == "GET" and route[3] is not None:
            with self._lock:
                transaction = self.transactions.get(route[3])
                if transaction is None or transaction.kind != route[2]:
                    return 404, {}, _error("RESOURCE_NOT_FOUND", "Requested resource was not found.")
                return 200, {}, self._view(transaction)
        return 404, {}, NOT_FOUND_404

    def _token(self, product: str, credentials: Credentials, request: Request) -> Reply:
        if request.body:
            return 400, {}, _error("BAD_REQUEST", "The token request takes no body")
        basic = base64.b64encode(f"{credentials.api_user}:{credentials.api_key}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {basic}":
            return 500, {}, {"error": "login_failed"}
        token = secrets.token_urlsafe(32)
        with self._lock:
            self.tokens[token] = (product, time.monotonic() + self.token_ttl)
        return 200, {}, {"access_token": token, "token_type": "access_token", "expires_in": self.token_ttl}

    def _bearer_ok(self, product: str, request: Request) -> bool:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        with self._lock:
            owner, expiry = self.tokens.get(token, ("", 0.0))
        return scheme == "Bearer" and owner == product and time.monotonic() < expiry

    def _create(self, kind: str, request: Request) -> Reply:
        reference = request.headers.get("x-reference-id", "")
        if not _is_uuid4(reference):
            return 400, {}, _error("BAD_REQUEST", "X-Reference-Id must be a UUID version 4")
        body = request.json
        problem = self._invalid(kind, body, request.headers)
        with self._lock:
            if reference in self.transactions:
                return 409, {}, DUPLICATE
            if problem:
                return problem
            transaction = Transaction(reference, kind, body, request.headers.get("x-callback-url"))
            self.transactions[reference] = transaction
            final = self._outcome(transaction)
        if final:
            self._finish(reference, *final)
        return 202, {}, None

    def _invalid(self, kind: str, body: Any, headers: dict[str, str]) -> Reply | None:
        if not isinstance(body, dict):
            return 400, {}, _error("BAD_REQUEST", "Body must be a JSON object")
        amount = body.get("amount")
        if not isinstance(amount, str) or not AMOUNT.fullmatch(amount) or Decimal(amount) <= 0:
            return 400, {}, _error("BAD_REQUEST", "amount must be a positive decimal string")
        currency = body.get("currency")
        if not isinstance(currency, str) or not re.fullmatch(r"[A-Z]{3}", currency):
            return 400, {}, _error("BAD_REQUEST", "currency must be an ISO 4217 code")
        for name in NOTE_FIELDS:
            note = body.get(name)
            if isinstance(note, str) and (len(note) > 160 or "'" in note or "&" in note):
                return 400, {}, _error("BAD_REQUEST", f"{name} is invalid")
        if kind == "requesttopay":
            payer = body.get("payer")
            if not isinstance(payer, dict) or payer.get("partyIdType") not in PARTY_TYPES \
                    or not isinstance(payer.get("partyId"), str) or not payer["partyId"]:
                return 400, {}, _error("BAD_REQUEST", "payer must be {partyIdType, partyId}")
            if payer["partyIdType"] == "MSISDN" and not payer["partyId"].isdigit():
                return 400, {}, _error("BAD_REQUEST", "An MSISDN is digits with the country code")
        elif not _is_uuid4(str(body.get("referenceIdToRefund") or "")):
            return 400, {}, _error("BAD_REQUEST", "referenceIdToRefund must be a UUID")
        callback = headers.get("x-callback-url")
        if callback is not None and not callback:
            return 400, {}, _error("BAD_REQUEST", "X-Callback-Url must not be empty")
        if self.currency and currency != self.currency:
            return 500, {}, _error("INVALID_CURRENCY", "Currency not supported.")
        if callback and self.callback_host and urlsplit(callback).hostname != self.callback_host:
            return 500, {}, _error("INVALID_CALLBACK_URL_HOST", "Callback URL with host not allowed.")
        if any(not body.get(name) for name in NOTE_FIELDS):  # laravel-mtn-momo#69: empty notes fail in production
            return 500, {}, _error("INTERNAL_PROCESSING_ERROR", "An internal error occurred while processing.")
        return None

    def _outcome(self, transaction: Transaction) -> tuple[str, str | None] | None:
        """A final (status, reason) right away, or None while pending (timers finish it later). Under the lock."""
        reference = transaction.reference
        if transaction.kind == "refund":
            charge = self.transactions.get(transaction.body["referenceIdToRefund"])
            if charge is None or charge.kind != "requesttopay" or charge.status != "SUCCESSFUL":
                return "FAILED", "TRANSACTION_NOT_FOUND"
            amount = Decimal(transaction.body["amount"])
            if charge.refunded + amount > Decimal(charge.body["amount"]):
                return "FAILED", "COULD_NOT_PERFORM_TRANSACTION"
            charge.refunded += amount
            transaction.refunded = amount
            transaction.body.setdefault("payee", charge.body.get("payer"))
            self._finish_later(self.settle_after, reference, "SUCCESSFUL", None)
            return None
        number = transaction.body["payer"]["partyId"]
        if number == FAILED_NUMBER:
            return "FAILED", "INTERNAL_PROCESSING_ERROR"
        if number == REJECTED_NUMBER:
            return "FAILED", "APPROVAL_REJECTED"
        if number == TIMEOUT_NUMBER:
            self._finish_later(TIMEOUT_FACTOR * self.settle_after, reference, "FAILED", "EXPIRED")
        elif number == LATE_NUMBER:
            self._finish_later(self.settle_after, reference, "SUCCESSFUL", None)
        elif number != PENDING_NUMBER:
            return "SUCCESSFUL", None
        return None

    def _finish_later(self, seconds: float, reference: str, status: str, reason: str | None) -> None:
        def finish() -> None:
            self._finish(reference, status, reason)

        self.later(seconds, finish)

    def _finish(self, reference: str, status: str, reason: str | None) -> bool:
        with self._lock:
            transaction = self.transactions.get(reference)
            if transaction is None or transaction.status != "PENDING":
                return False
            if transaction.kind == "refund" and status != "SUCCESSFUL":
                charge = self.transactions.get(transaction.body["referenceIdToRefund"])
                if charge is not None:
                    charge.refunded -= transaction.refunded
            transaction.status, transaction.reason = status, reason
            if status == "SUCCESSFUL":
                transaction.financial_transaction_id = str(secrets.randbelow(9 * 10**8) + 10**8)
            callback, view = transaction.callback_url, self._view(transaction)
        if callback:
            self.deliver(callback, json.dumps(view).encode(), method=self.callback_method)
        return True

    def _view(self, transaction: Transaction) -> dict[str, Any]:
        """The status body (also the callback body): the request's fields plus status, reason, transaction id."""
        body = transaction.body
        view: dict[str, Any] = {
            "amount": body.get("amount"), "currency": body.get("currency"),
            "financialTransactionId": transaction.financial_transaction_id, "externalId": body.get("externalId"),
            "payerMessage": body.get("payerMessage"), "payeeNote": body.get("payeeNote"),
            "status": transaction.status,
        }
        party = "payer" if transaction.kind == "requesttopay" else "payee"
        if body.get(party) is not None:
            view[party] = body[party]
        if transaction.financial_transaction_id is None:
            del view["financialTransactionId"]
        if transaction.reason:
            view["reason"] = (_error(transaction.reason, transaction.reason.replace("_", " ").capitalize())
                              if self.reason_as_object else transaction.reason)
        return view


def _is_uuid4(text: str) -> bool:
    try:
        return UUID(text).version == 4 and len(text) == 36
    except ValueError:
        return False
