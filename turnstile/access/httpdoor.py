"""The HTTP relay driver: one request per grant, with its secret kept out of config and logs.

The token comes from a file only the kiosk account may read, or from an environment variable,
never from the config file, and is sent as an auth header. Redirects are not followed and
proxy variables are ignored (either would send the open command, and the token, somewhere
else); plain http is allowed for relays on a closed network but warned about. Neither the
URL (it may carry a token) nor the token is ever logged or shown: only scheme and host.
"""

from __future__ import annotations

import logging
import math
import os
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from turnstile.access.door import DoorResult
from turnstile.config import ConfigError, DoorConfig
from turnstile.store.files import read_private_text
from turnstile.types import Admitted

log = logging.getLogger(__name__)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A 3xx is an answer (a failure), not a place to send the open command."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def redacted(url: str) -> str:
    """What may be shown of a relay URL: scheme and host, no credentials, path or query."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    return f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "")


class HttpDoor:
    """A network relay: one HTTP request per grant; any status but 2xx is a failure.

    In the body, {pulse_ms} and {pulse_s} are replaced by the pulse length.
    """

    def __init__(self, url: str, method: str, body: str, timeout_s: float, pulse_s: float,
                 token: str = "", auth_header: str = "Authorization",
                 auth_scheme: str = "Bearer") -> None:
        if not math.isfinite(timeout_s) or not 0 < timeout_s <= 60:
            raise ConfigError(f"door.http_timeout_s must be between 0 and 60 s, not {timeout_s}")
        self.url = url
        self.method = method.upper()
        self.body = body
        self.timeout_s = timeout_s
        self.pulse_s = pulse_s
        self.where = redacted(url)
        self._headers = {auth_header: f"{auth_scheme} {token}".strip()} if token else {}
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                                   _NoRedirect())
        if urlsplit(url).scheme == "http":
            log.warning("the HTTP relay at %s is reached over plain http: the open command%s "
                        "travel unencrypted; use https unless the network is closed", self.where,
                        " and its token" if token else "")

    def open(self, person: Admitted | None = None) -> DoorResult:
        body = (self.body.replace("{pulse_ms}", str(round(self.pulse_s * 1000)))
                .replace("{pulse_s}", f"{self.pulse_s:g}"))
        request = urllib.request.Request(self.url, data=body.encode() if body else None,
                                         headers=self._headers, method=self.method)
        try:
            with self._opener.open(request, timeout=self.timeout_s) as response:
                status = int(response.status)
        except urllib.error.HTTPError as exc:
            status = exc.code
        except urllib.error.URLError as exc:
            log.error("HTTP relay at %s did not answer: %s", self.where, exc.reason)
            return DoorResult(False, f"HTTP relay did not answer: {exc.reason}")
        except (OSError, ValueError) as exc:
            log.error("HTTP relay at %s did not answer: %s", self.where, type(exc).__name__)
            return DoorResult(False, f"HTTP relay did not answer: {type(exc).__name__}")
        if not 200 <= status < 300:
            log.error("HTTP relay at %s answered %d", self.where, status)
            return DoorResult(False, f"HTTP relay answered {status}")
        return DoorResult(True, f"HTTP relay answered {status}")

    def close(self) -> None:
        pass

    def secure(self) -> DoorResult:
        return DoorResult(True, "the HTTP relay times its pulse itself")


def read_token(file: str, variable: str) -> str:
    """The relay's secret: from a file no one else may read, or an environment variable."""
    if file:
        return read_private_text(Path(file).expanduser(), "door.http_token_file")
    if variable:
        token = os.environ.get(variable, "")
        if not token:
            raise ConfigError(f"door.http_token_env names {variable}, which is not set")
        return token
    return ""


def build_http_door(config: DoorConfig) -> HttpDoor:
    if not config.http_url.startswith(("http://", "https://")):
        raise ConfigError("door.kind = \"http\" needs door.http_url starting with http(s)://")
    token = read_token(config.http_token_file, config.http_token_env)
    return HttpDoor(config.http_url, config.http_method, config.http_body,
                    config.http_timeout_s, config.pulse_s, token)
