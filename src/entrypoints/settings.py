"""Configuration, read once from the environment (documented in README.md)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_PREFIXES = {"spotvibe": "/", "mairie": "/mairie", "eebc": "/eebc"}


def parse_faces(text: str) -> dict[str, str]:
    """"spotvibe,mairie" or "mairie=/" or "spotvibe=/,eebc=/church": face name -> mount prefix."""
    faces: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, prefix = part.partition("=")
        name = name.strip().lower()
        if name not in DEFAULT_PREFIXES:
            raise ValueError(f"unknown face {name!r} (known: {', '.join(DEFAULT_PREFIXES)})")
        prefix = (prefix.strip() or DEFAULT_PREFIXES[name]).rstrip("/") or "/"
        if not prefix.startswith("/"):
            raise ValueError(f"a mount prefix starts with '/': {prefix!r}")
        faces[name] = prefix
    if not faces:
        raise ValueError("at least one face is needed")
    if len(set(faces.values())) != len(faces):
        raise ValueError("two faces cannot share one prefix")
    return faces


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path(".agora")
    database_url: str | None = None
    queue_url: str | None = None
    migrate_on_start: bool = False
    faces: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_PREFIXES))
    secret_key: str = ""
    public_url: str = "http://127.0.0.1:8000"
    public_url_explicit: bool = False  # AGORA_PUBLIC_URL was set; else `agora serve` uses the address it serves
    media_dir: Path | None = None
    media_private_dir: Path | None = None
    media_backend: str = "local"  # or "s3"
    media_max_bytes: int = 5 * 1024 * 1024
    media_max_pixels: int = 40_000_000
    media_public_url: str | None = None  # s3: where the bucket's public/ prefix is served (a CDN, the bucket)
    s3_bucket: str | None = None
    s3_endpoint_url: str | None = None
    s3_region: str | None = None
    email_backend: str = "console"
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "Agora <no-reply@localhost>"
    smtp_tls: bool = False
    google_client_ids: tuple[str, ...] = ()
    google_jwks_url: str = "https://www.googleapis.com/oauth2/v3/certs"
    facebook_app_id: str | None = None
    facebook_app_secret: str | None = None
    facebook_graph_url: str = "https://graph.facebook.com"
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    hash_threads: int | None = None  # password hashes at once per process (default: one per core)
    # PostgreSQL connections one process may open, all its pools together (see adapters/sql/database.py
    # ConnectionShare); `agora serve` sets it to `db_connections_total` divided among its processes.
    db_connections: int = 30
    messaging_reply_domain: str | None = None  # replies to a town hall's email thread back: conv+<token>@<domain>
    messaging_inbound_secret: str | None = None  # signs the inbound-mail provider's posts to /webhooks/mail/inbound/
    db_connections_total: int = 60  # what every process of one `agora serve` may open together
    lockout_max_failures: int = 5
    lockout_minutes: int = 15
    login_limit_per_minute: int = 20
    reset_links: dict[str, str] = field(default_factory=dict)
    log_level: str = "INFO"
    log_format: str = "text"  # or "json": one JSON object per line
    access_log: bool = True  # one line per request (at INFO); off behind a proxy that logs them
    payments_mode: str = "live"
    payment_env: dict[str, str] = field(default_factory=dict)
    payments_return_url: str | None = None
    payments_cancel_url: str | None = None
    ticket_commission_bps: int = 1_000
    reconcile_after_seconds: int = 120
    reconcile_give_up_seconds: int = 3600
    push_mode: str = "log"  # or "live": Expo for Expo tokens, FCM (with a service account) for the others
    fcm_service_account: str | None = None  # the service account's JSON, or the path of its file
    fcm_base_url: str = "https://fcm.googleapis.com"
    expo_access_token: str | None = None
    expo_base_url: str = "https://exp.host"
    sms_provider: str = "console"  # or "twilio"
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    twilio_api_key_sid: str = ""
    twilio_from: str = ""
    twilio_messaging_service_sid: str = ""
    twilio_status_callback: str = ""
    twilio_base_url: str = "https://api.twilio.com"

    @property
    def media_root(self) -> Path:
        return self.media_dir or self.data_dir / "media"

    @property
    def media_private_root(self) -> Path:
        return self.media_private_dir or self.data_dir / "private"

    @property
    def mail_dir(self) -> Path:
        return self.data_dir / "mail"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        data_dir = Path(env.get("AGORA_DATA_DIR", ".agora")).resolve()
        return cls(
            data_dir=data_dir,
            database_url=env.get("DATABASE_URL") or None,
            queue_url=env.get("AGORA_QUEUE_URL") or None,
            migrate_on_start=_flag(env.get("AGORA_MIGRATE_ON_START"), False),
            faces=parse_faces(env.get("AGORA_FACES", "spotvibe,mairie,eebc")),
            secret_key=env.get("AGORA_SECRET_KEY") or _dev_secret(data_dir),
            public_url=env.get("AGORA_PUBLIC_URL") or "http://127.0.0.1:8000",
            public_url_explicit=bool(env.get("AGORA_PUBLIC_URL")),
            media_dir=Path(env["AGORA_MEDIA_DIR"]).resolve() if env.get("AGORA_MEDIA_DIR") else None,
            media_private_dir=(Path(env["AGORA_MEDIA_PRIVATE_DIR"]).resolve() if env.get("AGORA_MEDIA_PRIVATE_DIR")
                               else None),
            media_backend=_media_backend(env.get("AGORA_MEDIA_BACKEND", "local"), env.get("AGORA_S3_BUCKET")),
            media_max_bytes=_media_max_bytes(env.get("AGORA_MEDIA_MAX_BYTES", str(5 * 1024 * 1024))),
            media_max_pixels=int(env.get("AGORA_MEDIA_MAX_PIXELS", "40000000")),
            media_public_url=env.get("AGORA_MEDIA_PUBLIC_URL") or None,
            s3_bucket=env.get("AGORA_S3_BUCKET") or None,
            s3_endpoint_url=env.get("AGORA_S3_ENDPOINT_URL") or None,
            s3_region=env.get("AGORA_S3_REGION") or None,
            email_backend=env.get("AGORA_EMAIL_BACKEND", "console"),
            smtp_host=env.get("SMTP_HOST", "localhost"),
            smtp_port=int(env.get("SMTP_PORT", "25")),
            smtp_username=env.get("SMTP_USERNAME") or None,
            smtp_password=env.get("SMTP_PASSWORD") or None,
            smtp_from=env.get("SMTP_FROM", "Agora <no-reply@localhost>"),
            smtp_tls=_flag(env.get("SMTP_TLS"), False),
            google_client_ids=tuple(filter(None, env.get("GOOGLE_CLIENT_IDS", "").split(","))),
            google_jwks_url=env.get("GOOGLE_JWKS_URL", "https://www.googleapis.com/oauth2/v3/certs"),
            facebook_app_id=env.get("FACEBOOK_APP_ID") or None,
            facebook_app_secret=env.get("FACEBOOK_APP_SECRET") or None,
            facebook_graph_url=env.get("FACEBOOK_GRAPH_URL", "https://graph.facebook.com"),
            argon2_time_cost=int(env.get("AGORA_ARGON2_TIME_COST", "3")),
            argon2_memory_kib=int(env.get("AGORA_ARGON2_MEMORY_KIB", "65536")),
            hash_threads=int(env["AGORA_HASH_THREADS"]) if env.get("AGORA_HASH_THREADS") else None,
            messaging_reply_domain=env.get("AGORA_MESSAGING_REPLY_DOMAIN") or None,
            messaging_inbound_secret=env.get("AGORA_MESSAGING_INBOUND_SECRET") or None,
            db_connections=_at_least("AGORA_DB_CONNECTIONS", env.get("AGORA_DB_CONNECTIONS", "30"), 8),
            db_connections_total=_at_least("AGORA_DB_CONNECTIONS_TOTAL", env.get("AGORA_DB_CONNECTIONS_TOTAL", "60"),
                                           8),
            lockout_max_failures=int(env.get("AGORA_LOCKOUT_MAX_FAILURES", "5")),
            lockout_minutes=int(env.get("AGORA_LOCKOUT_MINUTES", "15")),
            login_limit_per_minute=int(env.get("AGORA_LOGIN_LIMIT_PER_MINUTE", "20")),
            reset_links={realm: env[f"AGORA_RESET_LINK_{realm.upper()}"] for realm in DEFAULT_PREFIXES
                         if env.get(f"AGORA_RESET_LINK_{realm.upper()}")},
            log_level=env.get("AGORA_LOG_LEVEL", "INFO"),
            log_format=_choice("AGORA_LOG_FORMAT", env.get("AGORA_LOG_FORMAT", "text"), ("text", "json")),
            access_log=_flag(env.get("AGORA_ACCESS_LOG"), True),
            payments_mode=_payments_mode(env.get("AGORA_PAYMENTS", "live")),
            payment_env={key: value for key, value in env.items() if key.startswith(PAYMENT_ENV_PREFIXES)},
            payments_return_url=env.get("AGORA_PAYMENTS_RETURN_URL") or None,
            payments_cancel_url=env.get("AGORA_PAYMENTS_CANCEL_URL") or None,
            ticket_commission_bps=int(env.get("AGORA_TICKET_COMMISSION_BPS", "1000")),
            reconcile_after_seconds=int(env.get("AGORA_RECONCILE_AFTER_SECONDS", "120")),
            reconcile_give_up_seconds=int(env.get("AGORA_RECONCILE_GIVE_UP_SECONDS", "3600")),
            push_mode=_choice("AGORA_PUSH", env.get("AGORA_PUSH") or "log", ("log", "live")),
            fcm_service_account=env.get("AGORA_FCM_SERVICE_ACCOUNT") or None,
            fcm_base_url=env.get("AGORA_FCM_BASE_URL") or "https://fcm.googleapis.com",
            expo_access_token=env.get("AGORA_EXPO_ACCESS_TOKEN") or None,
            expo_base_url=env.get("AGORA_EXPO_BASE_URL") or "https://exp.host",
            sms_provider=_sms_provider(env),
            twilio_account_sid=env.get("TWILIO_ACCOUNT_SID", ""),
            twilio_auth_token=env.get("TWILIO_AUTH_TOKEN", ""),
            twilio_api_key_sid=env.get("TWILIO_API_KEY_SID", ""),
            twilio_from=env.get("TWILIO_FROM", ""),
            twilio_messaging_service_sid=env.get("TWILIO_MESSAGING_SERVICE_SID", ""),
            twilio_status_callback=env.get("TWILIO_STATUS_CALLBACK", ""),
            twilio_base_url=env.get("TWILIO_BASE_URL") or "https://api.twilio.com",
        )

    def serving(self, host: str, port: int) -> Settings:
        """The settings of a server listening on (host, port): without AGORA_PUBLIC_URL, that address is the
        public URL (providers' callbacks, return pages and links go there)."""
        return self if self.public_url_explicit else replace(self, public_url=served_url(host, port))


def served_url(host: str, port: int) -> str:
    """The URL a client on this machine reaches a server listening on (host, port) at."""
    host = "::1" if host == "::" else "127.0.0.1" if host in ANY_ADDRESS else host
    return f"http://{f'[{host}]' if ':' in host else host}:{port}"


LOOPBACK = {"127.0.0.1", "localhost", "::1"}
ANY_ADDRESS = {"", "0.0.0.0", "::"}  # noqa: S104 - the wildcards a server may listen on, not a bind


def same_server(public_url: str, host: str, port: int) -> bool:
    """Whether `public_url` reaches the server listening on (host, port) directly (no proxy in between)."""
    public = urlsplit(public_url)
    try:
        public_port = public.port or {"http": 80, "https": 443}.get(public.scheme)
    except ValueError:
        return False
    if public.scheme != "http" or public.path.strip("/") or public_port != port:
        return False
    if host in ANY_ADDRESS:
        return True
    return public.hostname == host or (host in LOOPBACK and public.hostname in LOOPBACK)


PAYMENT_ENV_PREFIXES = ("MTN_", "ORANGE_", "FEDAPAY_", "STRIPE_")


def _payments_mode(text: str) -> str:
    mode = text.strip().lower() or "live"
    if mode not in {"live", "fake"}:
        raise ValueError(f"AGORA_PAYMENTS is 'live' or 'fake', not {text!r}")
    return mode


def _sms_provider(env: Mapping[str, str]) -> str:
    provider = _choice("AGORA_SMS_PROVIDER", env.get("AGORA_SMS_PROVIDER") or "console", ("console", "twilio"))
    if provider == "twilio":
        missing = [name for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN") if not env.get(name)]
        if not (env.get("TWILIO_FROM") or env.get("TWILIO_MESSAGING_SERVICE_SID")):
            missing.append("TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID")
        if missing:
            raise ValueError(f"AGORA_SMS_PROVIDER=twilio needs {', '.join(missing)}")
    return provider


def _media_backend(text: str, bucket: str | None) -> str:
    backend = _choice("AGORA_MEDIA_BACKEND", text or "local", ("local", "s3"))
    if backend == "s3" and not bucket:
        raise ValueError("AGORA_MEDIA_BACKEND=s3 needs AGORA_S3_BUCKET")
    return backend


def _dev_secret(data_dir: Path) -> str:
    """Without AGORA_SECRET_KEY, a random key kept in the data folder, so tokens survive a restart."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def _choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    text = value.strip().lower()
    if text not in allowed:
        raise ValueError(f"{name} is one of {', '.join(allowed)}, not {value!r}")
    return text


def _at_least(name: str, value: str, least: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"{name} is a whole number, not {value!r}") from None
    if number < least:
        raise ValueError(f"{name} is at least {least}, not {number}")
    return number


# What a face reads of one request body; an upload's multipart envelope needs a little more than the file.
MAX_REQUEST_BODY_BYTES = 8 * 1024 * 1024
MULTIPART_ROOM = 64 * 1024


def _media_max_bytes(value: str) -> int:
    number = _at_least("AGORA_MEDIA_MAX_BYTES", value, 1)
    if number > MAX_REQUEST_BODY_BYTES - MULTIPART_ROOM:
        raise ValueError(f"AGORA_MEDIA_MAX_BYTES is at most {MAX_REQUEST_BODY_BYTES - MULTIPART_ROOM} (the faces read "
                         f"at most {MAX_REQUEST_BODY_BYTES} bytes of a request), not {number}")
    return number
