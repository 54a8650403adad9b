"""API token keys: made at random, stored only as their sha256."""

from __future__ import annotations

import hashlib
import secrets

PREFIX_LENGTH = 8


def new_key() -> str:
    """A new key: 32 random bytes, URL-safe base64 (43 characters)."""
    return secrets.token_urlsafe(32)


def key_digest(key: str) -> str:
    """The hex sha256 of a key. A random key of 256 bits needs no salt nor a slow hash: nothing
    is guessable in it, and the lookup by digest must stay one indexed query per request."""
    return hashlib.sha256(key.encode()).hexdigest()


def key_prefix(key: str) -> str:
    """What the owner sees to tell their tokens apart."""
    return key[:PREFIX_LENGTH]
