"""What every response and every form of the intake gets: security headers, anti-forgery
tokens, and an upload size limit enforced while the body streams in."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_COOKIE = "rk_csrf"
CSRF_FIELD = "csrf"
HEADERS = {
    # Everything is served by the intake itself: no script, style, font or image from elsewhere.
    "content-security-policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    # A unit's link is its credential: never send it on to another site. (``no-referrer`` would
    # also make browsers post ``Origin: null``, leaving nothing to compare.)
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}


class SecurityHeaders:
    """Adds :data:`HEADERS` to every response, and ``Cache-Control: no-store`` to all but the
    static files (pages and downloads hold one unit's data)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.decode("latin-1").lower() not in HEADERS]
                headers += [(k.encode(), v.encode()) for k, v in HEADERS.items()]
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def csrf_nonce(request: Request) -> tuple[str, bool]:
    """The browser's anti-forgery nonce, and whether it is new (to be set as a cookie)."""
    nonce = request.cookies.get(CSRF_COOKIE, "")
    if 16 <= len(nonce) <= 64 and nonce.replace("-", "").replace("_", "").isalnum():
        return nonce, False
    return secrets.token_urlsafe(24), True


def set_csrf_cookie(response: Any, nonce: str, secure: bool) -> None:
    response.set_cookie(CSRF_COOKIE, nonce, httponly=True, samesite="strict", secure=secure, path="/")


def same_origin(request: Request) -> bool:
    """False when the browser says the form was posted from another site. An absent or
    ``null`` origin proves nothing either way; the form token decides then."""
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return True
    return origin.split("://", 1)[-1] == request.headers.get("host", "")


class TooLarge(Exception):
    """The request body went past the limit while it was being received."""


def limited(request: Request, limit: int) -> Request:
    """``request`` whose body raises :class:`TooLarge` as soon as more than ``limit`` bytes
    arrive, whatever Content-Length claims."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge
    seen = 0
    receive: Callable[[], Awaitable[MutableMapping[str, Any]]] = request.receive

    async def counting() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise TooLarge
        return message

    return Request(request.scope, counting)
