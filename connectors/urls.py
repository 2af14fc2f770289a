"""Joining endpoint paths and server-given links onto a configured base URL."""

from __future__ import annotations

from urllib.parse import urlsplit


def join_url(base_url: str, path_or_url: str) -> str:
    """Turn an endpoint path or a server-given link into the absolute URL to request.

    * ``rest/api/3/x`` (no leading slash) → ``<base_url>/rest/api/3/x``.
    * ``/api/v2/x`` → base scheme+host + base path prefix + path.
    * ``/wiki/api/v2/x?cursor=c`` against ``https://h/wiki`` → ``https://h/wiki/api/v2/x?cursor=c``:
      when the path starts with the tail of the base prefix, that part is not repeated
      (Confluence's ``_links.next`` includes ``/wiki``; atlassian-python-api#1655 built
      ``/wiki/wiki``). Against the gateway ``https://api.atlassian.com/ex/confluence/<id>/wiki``
      the same link keeps the gateway prefix (#1655 also lost the gateway host).
    * An absolute URL on the base's scheme+host+port is used verbatim. One on another origin keeps
      its path and query but is re-rooted on the base, so credentials are never sent to a host we
      were not configured for, and a gateway base keeps working when the server links to the site.

    Paths and queries are never decoded or re-encoded, so opaque cursors stay verbatim.
    """
    base = urlsplit(base_url.rstrip("/"))
    parts = urlsplit(path_or_url)
    if parts.scheme and parts.netloc:
        if (parts.scheme, parts.netloc) == (base.scheme, base.netloc):
            return path_or_url
        path_or_url = parts.path + (f"?{parts.query}" if parts.query else "")
        parts = urlsplit(path_or_url)
    if not path_or_url.startswith("/"):
        return f"{base_url.rstrip('/')}/{path_or_url}"
    prefix = [s for s in base.path.split("/") if s]
    segments = parts.path.split("/")[1:]
    overlap = next((n for n in range(min(len(prefix), len(segments)), 0, -1) if prefix[-n:] == segments[:n]), 0)
    path = "/" + "/".join(prefix + segments[overlap:])
    query = f"?{parts.query}" if parts.query else ""
    return f"{base.scheme}://{base.netloc}{path}{query}"


def host_of(base_url: str) -> str:
    """Scheme, host and port of a base URL: what a vendor's rate limits are counted against."""
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}"
