"""The coordinator's password and the server's signing key, kept in the ledger.

The password is stored as a salted scrypt hash. The signing key (random, made at first
start) signs the coordinator's session cookie and every form's anti-forgery token; the
session key also depends on the password hash, so changing the password ends every session.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import sqlite3
import time

from ..errors import UsageError

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_PASSWORD = 8
SESSION_SECONDS = 8 * 3600
_PASSWORD_KEY, _SECRET_KEY = "coordinator_password", "signing_key"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        got = hashlib.scrypt(password.encode("utf-8"), salt=_unb64(salt), n=int(n), r=int(r), p=int(p),
                             dklen=len(_unb64(digest)))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, _unb64(digest))


def check_new_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise UsageError(f"密码太短：至少 {MIN_PASSWORD} 个字符。")
    return password


class Settings:
    """The ``web_settings`` table of a ledger."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def get(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM web_settings WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row["value"])

    def put(self, key: str, value: str) -> None:
        self.conn.execute("INSERT INTO web_settings (key, value) VALUES (?, ?) "
                          "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))

    def put_new(self, key: str, value: str) -> str:
        """Store ``value`` unless the key is set (another process may have raced us); the stored value."""
        self.conn.execute("INSERT OR IGNORE INTO web_settings (key, value) VALUES (?, ?)", (key, value))
        return self.get(key) or value

    @property
    def password_hash(self) -> str | None:
        return self.get(_PASSWORD_KEY)

    def set_password(self, password: str) -> None:
        self.put(_PASSWORD_KEY, hash_password(check_new_password(password)))

    def first_password(self) -> str | None:
        """A random password stored for the coordinator when none is set; None when one is."""
        if self.password_hash is not None:
            return None
        password = secrets.token_urlsafe(12)
        stored = self.put_new(_PASSWORD_KEY, hash_password(password))
        return password if verify_password(password, stored) else None

    def signing_key(self) -> bytes:
        return _unb64(self.get(_SECRET_KEY) or self.put_new(_SECRET_KEY, _b64(secrets.token_bytes(32))))


class Signer:
    """Sessions and anti-forgery tokens signed with the server's key."""

    def __init__(self, key: bytes) -> None:
        self.key = key

    def _mac(self, *parts: str, extra: str = "") -> str:
        msg = "\x1f".join(parts).encode("utf-8")
        key = self.key + extra.encode("utf-8")
        return _b64(hmac.new(key, msg, hashlib.sha256).digest())

    # anti-forgery: the form field is the MAC of the nonce in the browser's cookie

    def csrf_field(self, nonce: str) -> str:
        return self._mac("csrf", nonce)

    def csrf_ok(self, nonce: str | None, field: str | None) -> bool:
        return bool(nonce and field) and hmac.compare_digest(self.csrf_field(nonce or ""), field or "")

    # coordinator session: "expiry.nonce.mac", keyed also by the password hash

    def session(self, password_hash: str, now: float | None = None) -> str:
        expires = str(int((now or time.time()) + SESSION_SECONDS))
        nonce = secrets.token_urlsafe(16)
        return f"{expires}.{nonce}.{self._mac('session', expires, nonce, extra=password_hash)}"

    def session_ok(self, cookie: str | None, password_hash: str | None, now: float | None = None) -> bool:
        if not cookie or not password_hash:
            return False
        try:
            expires, nonce, mac = cookie.split(".")
            alive = int(expires) > (now or time.time())
        except ValueError:
            return False
        return alive and hmac.compare_digest(self._mac("session", expires, nonce, extra=password_hash), mac)
