"""Secrets derived from the one secret key: field encryption and keyed hashes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_PREFIX = "v1:"


def derive_key(secret: str, purpose: str) -> bytes:
    """A 32-byte key for one purpose, so one leaked derived key exposes nothing else."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(secret.encode())


class FieldCipher:
    """AES-256-GCM for values stored at rest (id numbers); output is ``v1:<base64>``.

    The column name is bound in as associated data, so a ciphertext copied into
    another column does not decrypt.
    """

    def __init__(self, secret: str) -> None:
        self._aead = AESGCM(derive_key(secret, "bianmin field encryption"))

    def encrypt(self, plaintext: str, column: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plaintext.encode(), column.encode())
        return _PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()

    def decrypt(self, token: str, column: str) -> str:
        if not token.startswith(_PREFIX):
            raise ValueError("not an encrypted field")
        raw = base64.urlsafe_b64decode(token.removeprefix(_PREFIX))
        try:
            return self._aead.decrypt(raw[:12], raw[12:], column.encode()).decode()
        except InvalidTag:
            raise ValueError("encrypted field does not match the secret key") from None


def keyed_hash(secret: str, purpose: str, value: str) -> str:
    return hmac.new(derive_key(secret, purpose), value.encode(), hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    """Constant-time comparison."""
    return hmac.compare_digest(a.encode(), b.encode())
