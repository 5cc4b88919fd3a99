"""A local Orange Money WebPay: OAuth token, `webpayment`, `transactionstatus`, the payment page and the
notification to `notif_url`, as protocols.md section 2 describes them."""

from __future__ import annotations

import base64
import html
import itertools
import json
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any

from adapters.payments.fakes.server import FakeProvider, Reply, Request

OPEN = ("INITIATED", "PENDING")
PAGE = re.compile(r"^/payment/pay_token/([A-Za-z0-9]+)$")
MAX_ORDER_ID, MAX_URL = 30, 120


def gateway_error(status: int, code: int, message: str, description: str) -> Reply:
    """Orange's API gateway error shape. The codes 40/41/42 (401) are Orange's; the others are this fake's
    own choice (WebPay documents no business error body)."""
    return status, {}, {"code": code, "message": message, "description": description}


@dataclass
class WebPayment:
    order_id: str
    amount: int
    pay_token: str
    notif_token: str
    return_url: str
    cancel_url: str
    notif_url: str
    created: float
    status: str = "INITIATED"
    txnid: str | None = None
    notified: bool = False


class FakeOrange(FakeProvider):
    """Orange Money WebPay on 127.0.0.1.

    Outcomes, by the amount's last two digits (major units):
      - `...11`: the payer confirms at once (PENDING), SUCCESS `settle_after` seconds later;
      - `...13`: the payer confirms at once (PENDING), FAILED `settle_after` seconds later;
      - anything else: the payment waits on the page at `payment_url` (INITIATED) until "Payer" / "Refuser"
        is clicked or a test calls `settle(pay_token or order_id, success=...)`.
    A pay token expires `token_ttl` seconds after its creation (EXPIRED, no notification, as Orange).
    On SUCCESS or FAILED the notification `{"status","notif_token","txnid"}` is POSTed once to `notif_url`.
    Wrong Basic credentials get `401 {"code":41,...}`; `expire_access_tokens()` makes the next API call answer
    `401 {"code":42,"message":"Expired credentials"}`. A bad `merchant_key` gets 403 code 50 (assumed).
    """

    name = "orange"

    def __init__(self, client_id: str = "fake-orange-id", client_secret: str = "fake-orange-secret",
                 merchant_key: str = "fakemerchant", *, currency: str = "OUV", country_path: str = "dev",
                 token_ttl: float = 600.0, access_token_ttl: int = 7_776_000, settle_after: float = 0.2,
                 port: int = 0) -> None:
        super().__init__(port=port)
        self.client_id, self.client_secret, self.merchant_key = client_id, client_secret, merchant_key
        self.currency, self.country_path = currency, country_path
        self.token_ttl, self.access_token_ttl, self.settle_after = token_ttl, access_token_ttl, settle_after
        self.access_tokens: dict[str, bool] = {}  # token -> still valid
        self.payments: dict[str, WebPayment] = {}  # pay_token -> payment
        self._orders: dict[str, str] = {}  # order_id -> pay_token
        self._txn = itertools.count(1)

    # ------------------------------------------------------------ helpers for tests

    @property
    def token_url(self) -> str:
        return f"{self.url}/oauth/v3/token"

    @property
    def api_prefix(self) -> str:
        return f"/orange-money-webpay/{self.country_path}/v1"

    def payment(self, key: str) -> WebPayment:
        """The payment by pay_token or order_id (its status brought up to date)."""
        with self._lock:
            found = self.payments.get(key) or self.payments[self._orders[key]]
            self._expire(found)
            return found

    def settle(self, key: str, success: bool = True) -> bool:
        """Finishes an open payment (by pay_token or order_id) and sends the notification; False if not open."""
        return self._finish(self.payment(key).pay_token, success)

    def expire_access_tokens(self) -> None:
        with self._lock:
            for token in self.access_tokens:
                self.access_tokens[token] = False

    # ------------------------------------------------------------ protocol

    def handle(self, request: Request) -> Reply:
        if request.path == "/oauth/v3/token" and request.method == "POST":
            return self._token(request)
        page = PAGE.match(request.path)
        if page:
            return self._page(page.group(1), request)
        if request.path.startswith(self.api_prefix + "/") and request.method == "POST":
            refused = self._check_bearer(request)
            if refused:
                return refused
            resource = request.path.removeprefix(self.api_prefix + "/")
            body = request.json if isinstance(request.json, dict) else None
            if body is None:
                return gateway_error(400, 400, "Bad Request", "The body must be a JSON object")
            if resource == "webpayment":
                return self._webpayment(body)
            if resource == "transactionstatus":
                return self._status(body)
        return gateway_error(404, 404, "Resource not found", f"{request.method} {request.path}")

    def _token(self, request: Request) -> Reply:
        authorization = request.headers.get("authorization", "")
        if not authorization.startswith("Basic "):
            return gateway_error(401, 40, "Missing credentials", "The Authorization header is missing")
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if not secrets.compare_digest(authorization.removeprefix("Basic ").strip(), expected):
            return gateway_error(401, 41, "Invalid credentials", "Invalid client_id and/or client_secret")
        if request.form.get("grant_type") != "client_credentials":
            return 400, {}, {"error": "unsupported_grant_type", "error_description": "client_credentials only"}
        token = secrets.token_urlsafe(24)
        with self._lock:
            self.access_tokens[token] = True
        return 200, {}, {"token_type": "Bearer", "access_token": token, "expires_in": self.access_token_ttl}

    def _check_bearer(self, request: Request) -> Reply | None:
        if "application/json" not in request.headers.get("accept", ""):
            return gateway_error(406, 406, "Not Acceptable", "The Accept header must be application/json")
        authorization = request.headers.get("authorization", "")
        if not authorization.startswith("Bearer "):
            return gateway_error(401, 40, "Missing credentials", "Missing Bearer token")
        with self._lock:
            valid = self.access_tokens.get(authorization.removeprefix("Bearer ").strip())
        if valid is None:
            return gateway_error(401, 41, "Invalid credentials", "Unknown access token")
        if not valid:
            return gateway_error(401, 42, "Expired credentials", "The access token has expired")
        return None

    def _webpayment(self, body: dict[str, Any]) -> Reply:
        if body.get("merchant_key") != self.merchant_key:
            return gateway_error(403, 50, "Access denied", "Invalid merchant_key")
        problem = self._invalid(body)
        if problem:
            return gateway_error(400, 400, "Bad Request", problem)
        order_id, amount = body["order_id"], body["amount"]
        with self._lock:
            if order_id in self._orders:
                return gateway_error(400, 400, "Bad Request", f"order_id {order_id} already used")
            pay_token, notif_token = secrets.token_hex(32), secrets.token_hex(16)
            payment = WebPayment(order_id, amount, pay_token, notif_token, body["return_url"], body["cancel_url"],
                                 body["notif_url"], time.monotonic())
            self.payments[pay_token], self._orders[order_id] = payment, pay_token
            if amount % 100 in (11, 13):
                payment.status = "PENDING"
                self.later(self.settle_after, lambda: self._conclude(pay_token, amount % 100 == 11))
        return 201, {}, {"status": 201, "message": "OK", "pay_token": pay_token,
                         "payment_url": f"{self.url}/payment/pay_token/{pay_token}", "notif_token": notif_token}

    def _invalid(self, body: dict[str, Any]) -> str | None:
        if body.get("currency") != self.currency:
            return f"currency must be {self.currency}"
        order_id = body.get("order_id")
        if not isinstance(order_id, str) or not 0 < len(order_id) <= MAX_ORDER_ID:
            return f"order_id must be 1 to {MAX_ORDER_ID} characters"
        amount = body.get("amount")
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            return "amount must be a positive integer"
        for name in ("return_url", "cancel_url", "notif_url"):
            url = body.get(name)
            if not isinstance(url, str) or not url.startswith(("http://", "https://")) or len(url) > MAX_URL:
                return f"{name} must be an http(s) URL of at most {MAX_URL} characters"
        if not body.get("lang") or not body.get("reference"):
            return "lang and reference are required"
        return None

    def _status(self, body: dict[str, Any]) -> Reply:
        with self._lock:
            pay_token = self._orders.get(str(body.get("order_id")))
            payment = self.payments.get(pay_token or "")
            if payment is None or body.get("pay_token") != payment.pay_token:
                return gateway_error(404, 404, "Not Found", "No transaction for this order_id and pay_token")
            if body.get("amount") != payment.amount:
                return gateway_error(400, 400, "Bad Request", "amount does not match the order")
            self._expire(payment)
            return 201, {}, {"status": payment.status, "order_id": payment.order_id, "txnid": payment.txnid}

    # ------------------------------------------------------------ the payment page

    def _page(self, pay_token: str, request: Request) -> Reply:
        with self._lock:
            payment = self.payments.get(pay_token)
            if payment:
                self._expire(payment)
        if payment is None:
            return 404, {"Content-Type": "text/html; charset=utf-8"}, b"<h1>Paiement introuvable</h1>"
        if request.method == "POST":
            success = request.form.get("action") == "pay"
            self._finish(pay_token, success)
            target = payment.return_url if success else payment.cancel_url or payment.return_url
            return 303, {"Location": target}, b""
        order, state = html.escape(payment.order_id), html.escape(payment.status)
        buttons = ('<form method="post"><button name="action" value="pay">Payer</button>'
                   '<button name="action" value="refuse">Refuser</button></form>') if payment.status in OPEN else ""
        page = (f"<!doctype html><html lang='fr'><meta charset='utf-8'><title>Orange Money</title>"
                f"<h1>Orange Money (simulation)</h1><p>Commande {order} : {payment.amount} {self.currency}</p>"
                f"<p>Statut : {state}</p>{buttons}</html>")
        return 200, {"Content-Type": "text/html; charset=utf-8"}, page.encode()

    # ------------------------------------------------------------ state

    def _expire(self, payment: WebPayment) -> None:
        if payment.status in OPEN and time.monotonic() - payment.created >= self.token_ttl:
            payment.status = "EXPIRED"

    def _conclude(self, pay_token: str, success: bool) -> None:
        self._finish(pay_token, success)

    def _finish(self, pay_token: str, success: bool) -> bool:
        with self._lock:
            payment = self.payments[pay_token]
            self._expire(payment)
            if payment.status not in OPEN:
                return False
            payment.status = "SUCCESS" if success else "FAILED"
            payment.txnid = f"MP{time.strftime('%y%m%d.%H%M')}.A{next(self._txn):05d}"
            if payment.notified:
                return True
            payment.notified = True
            body = json.dumps({"status": payment.status, "notif_token": payment.notif_token,
                               "txnid": payment.txnid}).encode()
        self.deliver(payment.notif_url, body)
        return True
