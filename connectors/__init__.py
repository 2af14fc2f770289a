"""Plain-Python API clients for Jira Cloud, Trello and Confluence Cloud (no Dagster imports).

Each client yields the vendors' raw JSON objects (dicts) and hides paging, retries, throttling and
error handling behind one shared HTTP layer (`connectors.http.HttpClient`). Dagster wraps them in
thin resources elsewhere (`pipelines/`).

Why not pycontribs ``jira`` / ``py-trello``: they build a Python object per issue or card (slow and
memory-hungry for nightly bulk pulls), apply their own retry rules (pycontribs treated
``Retry-After`` as an upper bound and did not retry on ``Retry-After: 0``), and default to tiny page
sizes (py-trello ``cards_limit`` 10). We call the REST endpoints directly through one
`requests.Session` so paging, retry and rate-limit behaviour is ours, uniform and tested.

Layout: `http` (request loop) over `urls`, `retry`, `ratelimit`, `errors`, `redact`, `stats`,
`parallel`; one package per tool: `jira`, `trello`, `confluence`.
"""

from connectors.errors import ApiError, EndpointRemovedError, PaginationError
from connectors.http import HttpClient
from connectors.stats import RequestStats

__all__ = ["ApiError", "EndpointRemovedError", "HttpClient", "PaginationError", "RequestStats"]
