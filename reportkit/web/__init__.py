"""The web intake (``reportkit serve``): units upload their returns through a private link and
see the findings at once; the coordinator watches who has reported. Uploads are collected
through the same library path as ``reportkit collect``."""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
