"""The server's VAPID identity (RFC 8292): one P-256 key kept in the data dir.

The key is created on first start, mode 0600, safely when several processes
start at once, so every app and worker process signs with the same key, the one
browsers subscribed with.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from webpush.vapid import VAPID

from backend.settings import write_once

KEY_FILE = "vapid_private_key.pem"
#: Lifetime of a signed token (push services refuse more than 24 hours) and how
#: long one is reused before signing a fresh one.
TOKEN_SECONDS = 12 * 3600
REUSE_SECONDS = 3600
_DEFAULT_PORTS = {"https": 443, "http": 80}


def audience(endpoint: str) -> str:
    """The origin of a push endpoint: scheme, host, and the port when it is not the default.

    webpush 1.0.6 drops the port, which a push service on a non-default port refuses.

    >>> audience("https://push.example.com:8443/send/abc"), audience("https://push.example.com:443/x")
    ('https://push.example.com:8443', 'https://push.example.com')
    """
    parts = urlsplit(endpoint)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    if port is not None and port != _DEFAULT_PORTS.get(parts.scheme):
        return f"{parts.scheme}://{host}:{port}"
    return f"{parts.scheme}://{host}"


class Vapid:
    """Signs the ``Authorization: vapid t=…, k=…`` header, one token per audience reused for an hour."""

    def __init__(self, private_pem: bytes, subject: str) -> None:
        self.private_pem = private_pem
        key = serialization.load_pem_private_key(private_pem, password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
            raise ValueError("the VAPID key must be a P-256 private key")
        self._key: ec.EllipticCurvePrivateKey = key
        self.public_pem = self._key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        #: What browsers pass to ``pushManager.subscribe({applicationServerKey})``.
        self.application_server_key = VAPID.get_application_server_key(self._key.public_key())
        self.subject = subject
        self._tokens: dict[str, tuple[float, str]] = {}

    def authorization(self, endpoint: str, now: datetime) -> str:
        """The header for ``endpoint``'s push service as of ``now``, the delivery round's instant.

        The push service checks ``exp`` against its own clock, so ``now`` must be real
        time: it is, from the app's ``Clock``; tests move the push service's clock with it.
        """
        aud = audience(endpoint)
        stamp = now.timestamp()
        cached = self._tokens.get(aud)
        if cached is None or not 0 <= stamp - cached[0] <= REUSE_SECONDS:
            claims = {"aud": aud, "exp": int(stamp) + TOKEN_SECONDS, "sub": self.subject}
            token = jwt.encode(claims, self._key, algorithm="ES256")
            cached = (stamp, f"vapid t={token}, k={self.application_server_key}")
            self._tokens[aud] = cached
        return cached[1]


def load_vapid(data_dir: Path, subject: str) -> Vapid:
    """The key in ``data_dir``, created there on first use."""
    pem = write_once(data_dir / KEY_FILE, lambda: VAPID.generate_keys()[0])
    return Vapid(pem, subject)
