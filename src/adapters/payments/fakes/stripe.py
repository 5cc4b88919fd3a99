"""A local Stripe: Bearer auth, form bodies in bracket notation, Checkout Sessions (payment and subscription
modes) with a hosted page, refunds, Stripe's idempotency and error bodies, and signed webhook events sent to the
endpoint given as `webhook_url` (Stripe configures webhooks per endpoint, not per request).

Scripted outcomes, read from the session's `customer_email` when the payer clicks "Payer" (or `complete()`):
- `…+declined@…`: the card is declined: `payment_intent.payment_failed`, the session stays open;
- `…+async@…`: an asynchronous method: `checkout.session.completed` with payment_status "unpaid", then after
  `settle_after` seconds `checkout.session.async_payment_succeeded` (`…+async_fail@…`: `…_failed`);
- `…+refund_pending@…`: refunds of that payment are "pending", then "succeeded" after `settle_after`;
- anything else: paid at once.
Also refused like Stripe: unit_amount below 50 for EUR/USD (minimum charge), unknown currencies, bad URLs.
"""

from __future__ import annotations

import copy
import html
import json
import re
import secrets
import time
from typing import Any
from urllib.parse import parse_qsl

from adapters.payments.fakes.server import FakeProvider, Reply, Request
from adapters.payments.http import sign_timestamped

ZERO_DECIMAL = frozenset("bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf".split())
CURRENCIES = ZERO_DECIMAL | {"eur", "usd", "gbp", "chf", "cad", "ngn", "ghs", "mad"}
MINIMUM = {"eur": 50, "usd": 50}
INTERVALS = frozenset({"day", "week", "month", "year"})
REASONS = frozenset({None, "duplicate", "fraudulent", "requested_by_customer"})
URL = re.compile(r"^https?://[^\s/]+")
DECLINE = {"code": "card_declined", "decline_code": "generic_decline", "message": "Your card was declined.",
           "type": "card_error"}


def decode_form(body: bytes) -> dict[str, Any]:
    """`a[b][0][c]=v` -> {"a": {"b": [{"c": "v"}]}}; `a[]=v` appends. Clashing keys are refused (400)."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(body.decode(), keep_blank_values=True, strict_parsing=False):
        head = key.split("[", 1)[0]
        path = [head, *re.findall(r"\[([^\]]*)\]", key[len(head):])]
        node = root
        try:
            for part in path[:-1]:
                node = node.setdefault(part, {})
            node[path[-1] or str(len(node))] = value
        except (AttributeError, TypeError) as error:
            raise Refused(f"Invalid hash: {key}", key, None) from error

    def listify(value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        items = {k: listify(v) for k, v in value.items()}
        if items and all(k.isdigit() for k in items):
            return [items[k] for k in sorted(items, key=int)]
        return items

    decoded: dict[str, Any] = listify(root)
    return decoded


def stripe_error(status: int, message: str, *, kind: str = "invalid_request_error", code: str | None = None,
                 param: str | None = None) -> Reply:
    error = {"type": kind, "message": message, **({"code": code} if code else {}),
             **({"param": param} if param else {})}
    return status, {"Request-Id": f"req_{secrets.token_hex(7)}"}, {"error": error}


class Refused(Exception):
    """A request Stripe refuses with an invalid_request_error (400, or 404 for a missing object)."""

    def __init__(self, message: str, param: str | None, code: str | None, status: int = 400) -> None:
        super().__init__(message)
        self.reply = stripe_error(status, message, param=param, code=code)


def need(condition: bool, message: str, param: str | None = None, code: str | None = None) -> None:
    if not condition:
        raise Refused(message, param, code)


def found(value: dict[str, Any] | None, kind: str, ident: str) -> dict[str, Any]:
    if value is None:
        raise Refused(f"No such {kind}: '{ident}'", "id", "resource_missing", 404)
    return value


def positive(value: Any) -> bool:
    return isinstance(value, str) and value.isdigit() and int(value) > 0


def new_id(prefix: str) -> str:
    return f"{prefix}_test_{secrets.token_hex(12)}" if prefix == "cs" else f"{prefix}_{secrets.token_hex(12)}"


class FakeStripe(FakeProvider):
    name = "stripe"

    def __init__(self, *, secret_key: str = "sk_test_fake", webhook_secret: str = "whsec_fake",
                 webhook_url: str | None = None, api_version: str = "2026-06-24.dahlia", port: int = 0,
                 settle_after: float = 0.2) -> None:
        super().__init__(port=port)
        self.secret_key, self.webhook_secret, self.webhook_url = secret_key, webhook_secret, webhook_url
        self.api_version, self.settle_after = api_version, settle_after
        self.sessions: dict[str, dict[str, Any]] = {}
        self.intents: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.subscriptions: dict[str, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []
        self._private: dict[str, dict[str, Any]] = {}  # per session: what Stripe keeps but does not show
        self._idempotent: dict[str, tuple[Any, Reply]] = {}

    # ------------------------------------------------------------ API

    def handle(self, request: Request) -> Reply:
        if request.path.startswith("/c/pay/"):
            return self._page(request, request.path.removeprefix("/c/pay/"))
        key = request.headers.get("authorization", "").removeprefix("Bearer ")
        if key != self.secret_key:
            return stripe_error(401, f"Invalid API Key provided: {key[:8]}{'*' * 8}{key[-4:]}" if key else
                                "You did not provide an API key. You need to provide your API key in the Authorization "
                                "header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').")
        try:
            if request.method == "GET":
                return self._get(request)
            return self._post(request, decode_form(request.body))
        except Refused as refused:
            return refused.reply

    def _post(self, request: Request, params: dict[str, Any]) -> Reply:
        create = {"/v1/checkout/sessions": self._create_session, "/v1/refunds": self._create_refund}.get(request.path)
        if create is None:
            return self._unknown_url(request.method, request.path)
        idem = request.headers.get("idempotency-key")
        with self._lock:  # one POST at a time: idempotency checks and state changes are atomic
            if idem and idem in self._idempotent:
                fingerprint, reply = self._idempotent[idem]
                if fingerprint != (request.path, params):
                    return stripe_error(400, "Keys for idempotent requests can only be used with the same "
                                             f"parameters they were first used with. Try using a key other than "
                                             f"'{idem}' if you meant to execute a different request.",
                                        kind="idempotency_error")
                return reply[0], {**reply[1], "Idempotent-Replayed": "true"}, copy.deepcopy(reply[2])
            reply = create(params)
            if idem and reply[0] == 200:  # validation errors are not stored (Stripe's rule)
                self._idempotent[idem] = ((request.path, params), copy.deepcopy(reply))
            return reply

    def _get(self, request: Request) -> Reply:
        with self._lock:
            if match := re.fullmatch(r"/v1/checkout/sessions/([^/]+)", request.path):
                shown = copy.deepcopy(found(self.sessions.get(match[1]), "checkout.session", match[1]))
                expand = [v for k, v in request.query.items() if k.startswith("expand")]
                if "payment_intent" in expand and shown["payment_intent"]:
                    shown["payment_intent"] = self._public(self.intents[shown["payment_intent"]])
                return 200, {}, shown
            if match := re.fullmatch(r"/v1/refunds/([^/]+)", request.path):
                return 200, {}, copy.deepcopy(found(self.refunds.get(match[1]), "refund", match[1]))
        return self._unknown_url(request.method, request.path)

    def _create_session(self, p: dict[str, Any]) -> Reply:
        items: Any
        mode, items = p.get("mode"), p.get("line_items", [])
        need(mode in {"payment", "subscription"}, f"Invalid mode: {mode} (payment or subscription)", "mode")
        need(isinstance(items, list) and bool(items), "Missing required param: line_items.", "line_items")
        total, currencies, interval = 0, set(), None
        for i, item in enumerate(items):
            at = f"line_items[{i}]"
            data: Any = item.get("price_data") if isinstance(item, dict) else None
            need(isinstance(data, dict), f"Missing required param: {at}[price_data].", f"{at}[price_data]")
            currency, amount, product = data.get("currency"), data.get("unit_amount"), data.get("product_data")
            need(currency in CURRENCIES, f"Invalid currency: {currency}. Stripe currently supports these "
                 f"currencies: {', '.join(sorted(CURRENCIES))}", f"{at}[price_data][currency]")
            need(positive(amount), f"Invalid positive integer: {amount}", f"{at}[price_data][unit_amount]")
            need(isinstance(product, dict) and isinstance(product.get("name"), str),
                 f"Missing required param: {at}[price_data][product_data][name].", f"{at}[price_data][product_data]")
            need(positive(item.get("quantity")), f"Quantity is required. Add `quantity` to `{at}`", f"{at}[quantity]")
            if (recurring := data.get("recurring")) is not None:
                interval = recurring.get("interval") if isinstance(recurring, dict) else None
                need(interval in INTERVALS, f"Invalid recurring[interval]: {interval}", f"{at}[price_data][recurring]")
            total += int(amount) * int(item["quantity"])
            currencies.add(currency)
        need(len(currencies) == 1, "All line items must use the same currency.", "line_items")
        currency = currencies.pop()
        need(mode == "subscription" or not interval, "You specified `payment` mode but passed a recurring price. "
             "Either switch to `subscription` mode or use only one-time prices.", "mode")
        need(mode == "payment" or bool(interval), "You must provide at least one recurring price in `subscription` "
             "mode when using prices.", "mode")
        for wrong, right in (("payment_intent_data", "payment"), ("subscription_data", "subscription")):
            need(wrong not in p or mode == right, f"You can not pass `{wrong}` in `{mode}` mode.", wrong)
        for name in ("success_url", "cancel_url"):
            need(name not in p or bool(URL.match(str(p[name]))), "Not a valid URL", name, "url_invalid")
        email = p.get("customer_email")
        need(email is None or (isinstance(email, str) and "@" in email), f"Invalid email address: {email}",
             "customer_email", "email_invalid")
        need(total >= MINIMUM.get(currency, 1), f"The Checkout Session's total amount due must add up to at least "
             f"{MINIMUM.get(currency)} {currency} (in minor units)", code="amount_too_small")
        sid, now = new_id("cs"), int(time.time())
        self.sessions[sid] = session = {
            "id": sid, "object": "checkout.session", "mode": mode, "status": "open", "payment_status": "unpaid",
            "amount_subtotal": total, "amount_total": total, "currency": currency, "customer_email": email,
            "client_reference_id": p.get("client_reference_id"), "metadata": p.get("metadata") or {},
            "payment_intent": None, "subscription": None, "invoice": None, "success_url": p.get("success_url"),
            "cancel_url": p.get("cancel_url"), "url": f"{self.url}/c/pay/{sid}", "created": now,
            "expires_at": now + 86_400, "livemode": False,
        }
        self._private[sid] = {"interval": interval, "name": items[0]["price_data"]["product_data"]["name"],
                              "intent_metadata": (p.get("payment_intent_data") or {}).get("metadata") or {},
                              "subscription_metadata": (p.get("subscription_data") or {}).get("metadata") or {}}
        return 200, {}, copy.deepcopy(session)

    def _create_refund(self, p: dict[str, Any]) -> Reply:
        need("payment_intent" in p, "One of the following params should be provided for this request: "
             "payment_intent or charge.")
        intent: Any = self.intents.get(str(p["payment_intent"]))
        need(intent is not None, f"No such payment_intent: '{p['payment_intent']}'", "payment_intent",
             "resource_missing")
        need(intent["status"] == "succeeded", f"This PaymentIntent ({intent['id']}) does not have a successful "
             "charge to refund.", code="payment_intent_unexpected_state")
        remaining = intent["amount_received"] - intent["amount_refunded"]
        amount = p.get("amount", str(remaining))
        need(remaining > 0, f"Charge {intent['latest_charge']} has already been refunded.",
             code="charge_already_refunded")
        need(positive(amount), f"Invalid positive integer: {amount}", "amount")
        need(int(amount) <= remaining, f"Refund amount ({amount}) is greater than unrefunded amount on charge "
             f"({remaining})", "amount", "amount_too_large")
        need(p.get("reason") in REASONS, f"Invalid reason: {p.get('reason')}", "reason")
        rid, email = new_id("re"), self.sessions[intent["_session"]].get("customer_email") or ""
        self.refunds[rid] = refund = {
            "id": rid, "object": "refund", "amount": int(amount), "currency": intent["currency"],
            "payment_intent": intent["id"], "charge": intent["latest_charge"], "reason": p.get("reason"),
            "status": "pending" if "+refund_pending" in email else "succeeded", "metadata": p.get("metadata") or {},
            "created": int(time.time()),
        }
        intent["amount_refunded"] += int(amount)
        if refund["status"] == "pending":
            self.later(self.settle_after, lambda: self._refund_done(rid))
        return 200, {}, copy.deepcopy(refund)

    def _refund_done(self, rid: str) -> None:
        with self._lock:
            self.refunds[rid]["status"] = "succeeded"
            self.send_event("refund.updated", self.refunds[rid])

    @staticmethod
    def _unknown_url(method: str, path: str) -> Reply:
        return stripe_error(404, f"Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs "
                                 "or we can help at https://support.stripe.com/.")

    # ------------------------------------------------------------ hosted checkout page

    def _page(self, request: Request, sid: str) -> Reply:
        session = self.sessions.get(sid)
        if session is None:
            return 404, {"Content-Type": "text/html; charset=utf-8"}, b"<h1>Session introuvable</h1>"
        if request.method == "POST" and session["status"] == "open":
            action = request.form.get("action")
            if action == "pay" and self.complete(sid) == "declined":
                return self._html(session, "Carte refusée. Essayez une autre carte.")
            if action == "refuse":
                self.expire(sid)
            target = session["success_url"] if action == "pay" else session["cancel_url"]
            if target:
                return 303, {"Location": target.replace("{CHECKOUT_SESSION_ID}", sid)}, b""
        return self._html(session, "")

    def _html(self, session: dict[str, Any], notice: str) -> Reply:
        amount, currency = session["amount_total"], session["currency"]
        shown = f"{amount}" if currency in ZERO_DECIMAL else f"{amount // 100},{amount % 100:02d}"
        name = html.escape(self._private[session["id"]]["name"])
        state = {"open": "", "complete": "Paiement reçu.", "expired": "Session expirée."}[session["status"]]
        buttons = ('<form method="post"><button name="action" value="pay">Payer</button> <button name="action" '
                   'value="refuse">Refuser</button></form>') if session["status"] == "open" else ""
        page = (f"<!doctype html><meta charset=utf-8><title>Stripe Checkout (fake)</title><h1>{name}</h1>"
                f"<p>{shown} {currency.upper()}</p><p>{html.escape(notice or state)}</p>{buttons}")
        return 200, {"Content-Type": "text/html; charset=utf-8"}, page.encode()

    # ------------------------------------------------------------ helpers for tests

    def complete(self, sid: str) -> str:
        """The payer pays (with the email's scripted outcome); returns "paid", "processing", "declined" or the
        session's status when it is no longer open."""
        with self._lock:
            session, private = self.sessions[sid], self._private[sid]
            if session["status"] != "open":
                return str(session["status"])
            email = session.get("customer_email") or ""
            if session["mode"] == "subscription":
                sub = new_id("sub")
                price = {"recurring": {"interval": private["interval"]}, "unit_amount": session["amount_total"],
                         "currency": session["currency"]}
                self.subscriptions[sub] = {"id": sub, "object": "subscription", "status": "active", "items": {
                    "data": [{"price": price}]}, "metadata": private["subscription_metadata"]}
                session.update(status="complete", payment_status="paid", subscription=sub, invoice=new_id("in"))
                self.send_event("checkout.session.completed", session)
                self.renew(sub, reason="subscription_create", invoice_id=session["invoice"])
                return "paid"
            outcome = "declined" if "+declined" in email else "processing" if "+async" in email else "paid"
            pid = session["payment_intent"] or new_id("pi")
            intent = self.intents.setdefault(pid, {
                "id": pid, "object": "payment_intent", "amount": session["amount_total"], "amount_received": 0,
                "amount_refunded": 0, "currency": session["currency"], "metadata": private["intent_metadata"],
                "latest_charge": None, "last_payment_error": None, "_session": sid})
            session["payment_intent"] = pid
            if outcome == "declined":
                intent.update(status="requires_payment_method", last_payment_error=DECLINE)
                self.send_event("payment_intent.payment_failed", self._public(intent))
                return outcome
            intent.update(status=outcome if outcome == "processing" else "succeeded", last_payment_error=None,
                          latest_charge=new_id("ch"), amount_received=session["amount_total"] * (outcome == "paid"))
            session.update(status="complete", payment_status="paid" if outcome == "paid" else "unpaid")
            self.send_event("checkout.session.completed", session)
            if outcome == "processing":
                self.later(self.settle_after, lambda: self.settle(sid, success="+async_fail" not in email))
            return outcome

    def settle(self, sid: str, success: bool = True) -> None:
        """Ends an asynchronous payment still processing: `async_payment_succeeded` or `…_failed`."""
        with self._lock:
            session = self.sessions[sid]
            intent = self.intents.get(session["payment_intent"] or "")
            if intent is None or intent["status"] != "processing":
                return
            if success:
                intent.update(status="succeeded", amount_received=intent["amount"])
                session["payment_status"] = "paid"
            else:
                intent.update(status="requires_payment_method", last_payment_error=DECLINE)
            self.send_event(f"checkout.session.async_payment_{'succeeded' if success else 'failed'}", session)

    def expire(self, sid: str) -> dict[str, Any]:
        """The session expires (or the payer refused): `checkout.session.expired`."""
        with self._lock:
            session = self.sessions[sid]
            if session["status"] == "open":
                session["status"] = "expired"
                self.send_event("checkout.session.expired", session)
            return session

    def renew(self, subscription_id: str, *, reason: str = "subscription_cycle", invoice_id: str | None = None
              ) -> None:
        """A subscription invoice is paid (a renewal by default): `invoice.paid`."""
        with self._lock:
            sub = self.subscriptions[subscription_id]
            price = sub["items"]["data"][0]["price"]
            self.send_event("invoice.paid", {
                "id": invoice_id or new_id("in"), "object": "invoice", "status": "paid", "billing_reason": reason,
                "amount_paid": price["unit_amount"], "currency": price["currency"], "metadata": {},
                "parent": {"type": "subscription_details", "subscription_details": {
                    "subscription": subscription_id, "metadata": sub["metadata"]}}})

    def cancel_subscription(self, subscription_id: str) -> None:
        with self._lock:
            self.subscriptions[subscription_id]["status"] = "canceled"
            self.send_event("customer.subscription.deleted", self.subscriptions[subscription_id])

    def send_event(self, kind: str, obj: dict[str, Any]) -> dict[str, Any]:
        """Sends a signed event to `webhook_url` as Stripe does (header `Stripe-Signature: t=…,v1=…`)."""
        event = {"id": new_id("evt"), "object": "event", "api_version": self.api_version,
                 "created": int(time.time()), "type": kind, "data": {"object": self._public(obj)},
                 "livemode": False, "pending_webhooks": 1, "request": {"id": None, "idempotency_key": None}}
        body = json.dumps(event).encode()
        with self._lock:
            self.events.append(event)
        signature = sign_timestamped(body, self.webhook_secret, scheme="v1")
        self.deliver(self.webhook_url, body, {"Content-Type": "application/json; charset=utf-8",
                                              "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
                                              "Stripe-Signature": signature})
        return event

    @staticmethod
    def _public(obj: dict[str, Any]) -> dict[str, Any]:
        return {k: copy.deepcopy(v) for k, v in obj.items() if not k.startswith("_")}
