"""Keep credentials out of URLs, messages and logs.

Trello authenticates with `key` and `token` query parameters, so every Trello URL carries secrets;
Atlassian uses HTTP Basic, whose password must never be echoed either. Everything that leaves this
package as text (exception messages, log lines) goes through `redact_url` or `Scrubber`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit, urlunsplit

SENSITIVE_PARAMS = frozenset({"key", "token", "apikey", "api_key", "access_token", "password", "secret", "signature"})
MASK = "***"

# Matches `name=value` pairs of sensitive names inside free text (e.g. a requests exception message
# that quotes the URL it failed on). Anchored so that `keys=` or `projectKey=` are left alone.
_PAIR = re.compile(r"(?i)(?<![A-Za-z0-9_])(" + "|".join(sorted(SENSITIVE_PARAMS)) + r")=([^&\s'\")<>]+)")
_USERINFO = re.compile(r"(?i)(https?://)[^/@\s]+@")


def redact_url(url: str) -> str:
    """Return `url` without userinfo and with sensitive query values replaced by `***`.

    Other parameters are kept byte-for-byte so the URL stays useful for debugging.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return scrub_pairs(url)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    query = "&".join(_redact_pair(pair) for pair in parts.query.split("&")) if parts.query else ""
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _redact_pair(pair: str) -> str:
    name, sep, _value = pair.partition("=")
    if unquote(name).lower() in SENSITIVE_PARAMS:
        return f"{name}={MASK}"
    return name + sep + _value


def scrub_pairs(text: str) -> str:
    """Mask `key=...`-style pairs and URL userinfo inside arbitrary text."""
    return _USERINFO.sub(r"\1", _PAIR.sub(lambda m: f"{m.group(1)}={MASK}", text))


class Scrubber:
    """Masks known secret values (tokens, keys, passwords) plus sensitive pairs in text."""

    def __init__(self, secrets: Iterable[str]) -> None:
        # Very short values would mask innocent text; real tokens and keys are long.
        self._secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return scrub_pairs(text)


class _UrllibLogFilter(logging.Filter):
    """urllib3 logs every request line (with its query string) at DEBUG; mask it there too."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is not ours to fix; let logging report it
            return True
        record.msg, record.args = scrub_pairs(message), ()
        return True


def install_urllib3_log_filter() -> None:
    """Attach the masking filter to urllib3's connection-pool logger once per process."""
    logger = logging.getLogger("urllib3.connectionpool")
    if not any(isinstance(f, _UrllibLogFilter) for f in logger.filters):
        logger.addFilter(_UrllibLogFilter())
