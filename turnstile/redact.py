"""Secrets out of sight: camera and door URLs shown, logged, exported or audited without them."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit, urlunsplit

#: What replaces a secret.
HIDDEN = "***"
#: Query parameters whose values are secrets (matched as parts of the lower-case name).
SECRET_PARAMS = ("pass", "pwd", "token", "secret", "key", "auth", "sig", "credential")
#: user:password@ (or user@) right after a scheme, anywhere in a text.
_USERINFO = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<info>[^/@\s]+)@")
#: A URL inside free text; punctuation that ends a sentence is not part of it.
_URL = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://[^\s'\"<>]+?(?=[.,;:)\]]*(?:\s|$|['\"<>]))")


def _secret_param(name: str) -> bool:
    lower = name.lower()
    return any(part in lower for part in SECRET_PARAMS)


def redact_url(url: str) -> str:
    """The URL with its password, user name and secret query values replaced by ***."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return _USERINFO.sub(lambda m: f"{m['scheme']}{HIDDEN}@", url)
    if not parts.scheme or not parts.netloc:
        return url
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{HIDDEN}@{netloc.rsplit('@', 1)[1]}"
    # Rebuilt by hand, not re-encoded: everything but a secret value stays as it was.
    pairs = [pair.partition("=") for pair in parts.query.split("&")] if parts.query else []
    query = "&".join(f"{key}{sep}{HIDDEN}" if sep and _secret_param(unquote(key))
                     else f"{key}{sep}{value}" for key, sep, value in pairs)
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def redact_text(text: str) -> str:
    """Every URL inside a free text (an error message, a setting's value) redacted."""
    return _URL.sub(lambda m: redact_url(m.group(0)), text)


def camera_label(spec: str) -> str:
    """How events and logs name a camera: a device number, a file's name, or the stream's
    scheme, host and path: never its credentials or query."""
    spec = spec.strip()
    if spec.isdigit():
        return f"camera {spec}"
    if "://" in spec:
        try:
            parts = urlsplit(spec)
            host = parts.hostname or ""
            port = f":{parts.port}" if parts.port else ""
        except ValueError:
            return redact_text(spec)
        return f"{parts.scheme}://{host}{port}{parts.path}"
    return spec.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] or spec
