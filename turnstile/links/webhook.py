"""Events POSTed to a webhook receiver, signed with HMAC-SHA256 over the exact body."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import logging
import urllib.error
import urllib.request
from typing import Any

from turnstile import __version__
from turnstile.configlinks import WebhookConfig
from turnstile.links.sink import Delivery, read_private
from turnstile.redact import redact_url

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Turnstile-Signature"
EVENT_HEADER = "X-Turnstile-Event"


def sign(key: bytes, body: bytes) -> str:
    """The signature header's value: sha256=<hex HMAC-SHA256 of the body>."""
    return "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is not a confirmation: the event would be re-sent elsewhere as a GET."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class WebhookSink:
    """POSTs each event; any 2xx answer confirms it, anything else is retried later."""

    name = "webhook"

    def __init__(self, url: str, key: bytes, timeout_s: float = 5.0,
                 retry_max_s: float = 300.0) -> None:
        self.url = url
        self._key = key
        self.timeout_s = timeout_s
        self.retry_max_s = retry_max_s
        self._opener = urllib.request.build_opener(_NoRedirect)

    @classmethod
    def from_config(cls, config: WebhookConfig) -> WebhookSink:
        key = read_private("events.webhook.secret_file", config.secret_file)
        return cls(config.url, key.encode("utf-8"), config.timeout_s, config.retry_max_s)

    def __repr__(self) -> str:  # never the key; the URL without its secrets
        return f"WebhookSink({redact_url(self.url)!r})"

    def deliver(self, uid: str, body: bytes) -> Delivery:
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/json", SIGNATURE_HEADER: sign(self._key, body),
            EVENT_HEADER: uid, "User-Agent": f"turnstile/{__version__}"})
        try:
            with self._opener.open(request, timeout=self.timeout_s) as response:
                status = int(response.status)
        except urllib.error.HTTPError as exc:
            status = exc.code
            exc.close()
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
            return Delivery(False, f"webhook receiver unreachable: {reason}")
        if 200 <= status < 300:
            return Delivery(True, f"answered {status}")
        return Delivery(False, f"webhook receiver answered {status}")

    def close(self) -> None:
        pass
