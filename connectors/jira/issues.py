"""Issue details by id: ``POST /rest/api/3/issue/bulkfetch`` in parallel, and single lookups.

Enhanced search pages are sequential (each needs the previous page's token), so reading 100,000
issues page by page is slow. Atlassian's advice is to collect ids with the cheap ids-only search
(5000 per page) and fetch details in parallel bulk calls; that is what this module does. Ids that
no longer resolve come back in ``issueErrors`` rather than as an error status.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import partial
from typing import Any

from connectors.answers import describe, lacking
from connectors.errors import ApiError
from connectors.http import HttpClient
from connectors.jira import settings
from connectors.parallel import chunked, ordered_map

Issue = dict[str, Any]


def iter_issue_batches(
    http: HttpClient,
    issue_ids: Iterable[str],
    fields: Sequence[str],
    expand: Sequence[str] = (),
    require: Sequence[str] = (),
) -> Iterator[tuple[list[Issue], list[str]]]:
    """Yield ``(issues, ids Jira could not return)`` per batch of 100 ids, in input order.

    `require`: dotted paths (``fields.updated``) every returned issue must carry because `fields`
    asked for them; an answer without them raises `IncompleteAnswerError`.
    """
    fetch = partial(_fetch_batch, http, fields=list(fields), expand=list(expand), require=tuple(require))
    yield from ordered_map(fetch, chunked(issue_ids, settings.ISSUES_PER_BULKFETCH), http.max_workers)


def _fetch_batch(
    http: HttpClient, ids: list[str], fields: list[str], expand: list[str], require: Sequence[str]
) -> tuple[list[Issue], list[str]]:
    body: dict[str, Any] = {"issueIdsOrKeys": ids, "fields": fields}
    if expand:
        # An array here (BulkFetchIssueRequestBean), unlike almost every other `expand` in Jira's
        # API: a comma-joined string is not read as the expand and no changelog comes back.
        body["expand"] = expand
    page = http.post_json(settings.ISSUE_BULKFETCH, body, expect="object")
    issues = page.get("issues")
    url = http.resolve(settings.ISSUE_BULKFETCH)
    if not isinstance(issues, list):
        raise http.shape_error(url, "expected an 'issues' list", method="POST")
    check_issues(http, url, issues, require, "POST")
    returned = {str(i.get("id")) for i in issues}
    # issueErrors name the ids Jira could not return (deleted, or not visible to this account);
    # anything neither returned nor listed is treated the same way, so no id is silently dropped.
    missing = [i for i in ids if i not in returned]
    return issues, missing


def check_issues(http: HttpClient, url: str, issues: list[Issue], require: Sequence[str], method: str) -> None:
    """Raise `IncompleteAnswerError` when an issue lacks its id or a field the request asked for."""
    missing = lacking(issues, ("id", *require))
    if missing:
        raise http.incomplete_error(
            url, describe(missing, len(issues), "issues") + " although the request asked for them", method=method
        )


def lookup_issue(
    http: HttpClient, issue_id: str, fields: Sequence[str], expand: Sequence[str] = (), require: Sequence[str] = ()
) -> tuple[int, Issue | None]:
    """``(200, issue)``, or ``(404, None)`` / ``(403, None)`` when Jira will not return it.

    Jira answers 404 both for a deleted issue and for one in a project the account cannot browse
    ("does not exist or you do not have permission"), and 403 for issue-level security; callers
    tell deleted from not visible with the project's own visibility.
    """
    params: dict[str, Any] = {"fields": ",".join(fields)}
    if expand:
        params["expand"] = ",".join(expand)
    try:
        issue = http.get_json(settings.ISSUE.format(issue_id=issue_id), params, expect="object")
    except ApiError as exc:
        if exc.status in (403, 404):
            return exc.status, None
        raise
    check_issues(http, http.resolve(settings.ISSUE.format(issue_id=issue_id)), [issue], require, "GET")
    return 200, issue


def project_visible(http: HttpClient, project: str) -> bool:
    """Whether the account can still see a project (``GET /rest/api/3/project/{key}``)."""
    try:
        http.get_json(settings.PROJECT.format(project=project), expect="object")
    except ApiError as exc:
        if exc.status in (403, 404):
            return False
        raise
    return True
