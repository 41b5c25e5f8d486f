"""``EMAIL_URL`` → Django e-mail settings (stdlib only: settings.py imports it).

    smtp://user:password@host:587          SMTP with STARTTLS (the usual submission port)
    smtp+plain://host:25                   SMTP without TLS (a relay on a closed network)
    smtps://user:password@host:465         SMTP over TLS
    console://                             print mail to the console (the demo default)
    dummy://                               drop all mail

``?from=vigil@example.gov.vn`` sets the sender; user and password are
percent-decoded so they may hold any character.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

SMTP = "django.core.mail.backends.smtp.EmailBackend"
BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}


def parse_email_url(url: str) -> dict[str, Any]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    settings: dict[str, Any] = {}
    if "from" in query:
        settings["DEFAULT_FROM_EMAIL"] = settings["SERVER_EMAIL"] = query["from"]
    if scheme in BACKENDS:
        return settings | {"EMAIL_BACKEND": BACKENDS[scheme]}
    if scheme not in {"smtp", "smtps", "smtp+plain"}:
        raise ValueError(
            "EMAIL_URL must start with smtp://, smtps://, smtp+plain://, console:// or dummy://"
        )
    if not parts.hostname:
        raise ValueError("EMAIL_URL names no host, e.g. smtp://user:password@mail.example:587")
    default_port = {"smtp": 587, "smtps": 465, "smtp+plain": 25}[scheme]
    return settings | {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": parts.port or default_port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": scheme == "smtp",
        "EMAIL_USE_SSL": scheme == "smtps",
        "EMAIL_TIMEOUT": int(query.get("timeout", "20")),
    }
