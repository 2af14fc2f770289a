"""System fields of realistic issues that Jira computes or keeps beside the modelled ones.

Time tracking and progress (from the worklogs and the content's original estimate), versions,
components, links, attachments, comments, watchers and votes, as JSON text: what
sandbox.realistic_json serves for each system field it does not take from sandbox.jira_json.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from sandbox.model import JiraIssue
from sandbox.realistic_content import IssueContent
from sandbox.realistic_history import attachment_id
from sandbox.realistic_refs import shifted
from sandbox.realistic_values import duration
from sandbox.timefmt import jira_ts

if TYPE_CHECKING:
    from sandbox.realistic_json import RealisticFields

_text = json.JSONEncoder(ensure_ascii=False).encode


def links(r: RealisticFields, issue: JiraIssue, content: IssueContent) -> str:
    project, _, number = issue.key.rpartition("-")
    out = []
    for n, link in enumerate(content.links):
        target = r.by_key.get(f"{project}-{int(number) - link.back}")
        if target is None or target.id == issue.id:
            continue
        link_id = attachment_id(issue.content_seed or 0, n)
        side = "outwardIssue" if link.outward else "inwardIssue"
        out.append(
            f'{{"id":"{link_id}","self":"{r.base}/rest/api/3/issueLink/{link_id}",'
            f'"type":{r.text.link_type(link.kind)},"{side}":{r.reference(target)}}}'
        )
    return "[" + ",".join(out) + "]"


def attachments(r: RealisticFields, issue: JiraIssue, content: IssueContent) -> str:
    author = r.values["reporter"](issue)
    out = []
    for n, item in enumerate(content.attachments):
        aid = attachment_id(issue.content_seed or 0, n)
        url = f"{r.base}/rest/api/3/attachment"
        created = jira_ts(issue.created + timedelta(minutes=item.set_after))
        out.append(
            f'{{"self":"{url}/{aid}","id":"{aid}","filename":{_text(item.filename)},"author":{author},'
            f'"created":"{created}","size":{item.size},"mimeType":"{item.mime_type}",'
            f'"content":"{url}/content/{aid}","thumbnail":"{url}/thumbnail/{aid}"}}'
        )
    return "[" + ",".join(out) + "]"


def comments(r: RealisticFields, issue: JiraIssue, content: IssueContent | None) -> str:
    found = content.comments if content else ()
    out = []
    for n, comment in enumerate(found):
        cid = attachment_id(issue.content_seed or 0, n)
        when = jira_ts(min(issue.created + timedelta(minutes=comment.after), issue.updated))
        author = r.text.user(comment.author)
        out.append(
            f'{{"self":"{r.base}/rest/api/3/issue/{issue.id}/comment/{cid}","id":"{cid}","author":{author},'
            f'"body":{r.text.pool.doc(comment.blocks)},"updateAuthor":{author},"created":"{when}",'
            f'"updated":"{when}","jsdPublic":true}}'
        )
    return (
        f'{{"comments":[{",".join(out)}],"self":"{r.base}/rest/api/3/issue/{issue.id}/comment",'
        f'"maxResults":{len(out)},"total":{len(out)},"startAt":0}}'
    )


def _estimate(content: IssueContent | None) -> int | None:
    return content.original_estimate if content else None


def _remaining(content: IssueContent | None, spent: int) -> int | None:
    estimate = _estimate(content)
    return None if estimate is None else max(0, estimate - spent)


def _progress(_r: RealisticFields, _i: JiraIssue, content: IssueContent | None, spent: int) -> str:
    total = spent + (_remaining(content, spent) or 0)
    if not total:
        return '{"progress":0,"total":0}'
    return f'{{"progress":{spent},"total":{total},"percent":{spent * 100 // total}}}'


def _timetracking(_r: RealisticFields, _i: JiraIssue, content: IssueContent | None, spent: int) -> str:
    body: dict[str, object] = {}
    estimate, remaining = _estimate(content), _remaining(content, spent)
    if estimate is not None and remaining is not None:
        body.update(originalEstimate=duration(estimate), remainingEstimate=duration(remaining))
    if spent:
        body["timeSpent"] = duration(spent)
    if estimate is not None and remaining is not None:
        body.update(originalEstimateSeconds=estimate, remainingEstimateSeconds=remaining)
    if spent:
        body["timeSpentSeconds"] = spent
    return _text(body)


def _number(value: int | None) -> str:
    return "null" if value is None else str(value)


def _versions(r: RealisticFields, issue: JiraIssue, months: int | None) -> str:
    if months is None:
        return "[]"
    slot = int(r.projects[issue.project_key].id) - 10000
    return "[" + r.text.version(slot, shifted(issue.created, months), r.now) + "]"


def _watch(r: RealisticFields, issue: JiraIssue, content: IssueContent | None, what: str) -> str:
    url = f"{r.base}/rest/api/3/issue/{issue.key}/{what}"
    if what == "watchers":
        return f'{{"self":"{url}","watchCount":{content.watchers if content else 1},"isWatching":false}}'
    return f'{{"self":"{url}","votes":{content.votes if content else 0},"hasVoted":false}}'


Renderer = Callable[["RealisticFields", JiraIssue, "IssueContent | None", int], str]
SYSTEM_VALUES: dict[str, Renderer] = {
    "aggregatetimespent": lambda r, i, c, spent: _number(spent or None),
    "fixVersions": lambda r, i, c, s: _versions(r, i, c.fix_version if c else None),
    "versions": lambda r, i, c, s: _versions(r, i, -c.affects_version if c and c.affects_version is not None else None),
    "workratio": lambda r, i, c, spent: str(spent * 100 // e) if (e := _estimate(c)) else "-1",
    "lastViewed": lambda r, i, c, s: (
        f'"{jira_ts(i.created + timedelta(minutes=c.last_viewed_after))}"' if c and c.last_viewed_after else "null"
    ),
    "watches": lambda r, i, c, s: _watch(r, i, c, "watchers"),
    "votes": lambda r, i, c, s: _watch(r, i, c, "votes"),
    "timeoriginalestimate": lambda r, i, c, s: _number(_estimate(c)),
    "aggregatetimeoriginalestimate": lambda r, i, c, s: _number(_estimate(c)),
    "timeestimate": lambda r, i, c, spent: _number(_remaining(c, spent)),
    "aggregatetimeestimate": lambda r, i, c, spent: _number(_remaining(c, spent)),
    "issuelinks": lambda r, i, c, s: links(r, i, c) if c else "[]",
    "components": lambda r, i, c, s: (
        "[" + ",".join(r.text.component(int(r.projects[i.project_key].id) - 10000, n) for n in c.components) + "]"
        if c
        else "[]"
    ),
    "description": lambda r, i, c, s: r.text.pool.doc(c.description) if c and c.description else "null",
    "environment": lambda r, i, c, s: r.text.paragraph(c.environment) if c and c.environment else "null",
    "timetracking": _timetracking,
    "attachment": lambda r, i, c, s: attachments(r, i, c) if c else "[]",
    "progress": _progress,
    "aggregateprogress": _progress,
    "comment": lambda r, i, c, s: comments(r, i, c),
}
