"""Jira Cloud endpoints and their documented limits, declared as data.

Paths are from the official OpenAPI specs (platform REST v3, Jira Software agile 1.0). Limits are
the documented maxima: exceeding them gets a 400, staying far below them multiplies requests.
"""

from __future__ import annotations

MYSELF = "/rest/api/3/myself"
FIELDS = "/rest/api/3/field"
STATUSES = "/rest/api/3/status"
PROJECT_SEARCH = "/rest/api/3/project/search"
# The enhanced search; /rest/api/3/search answers 410 Gone on Cloud since 2025 (CHANGE-2046).
SEARCH_JQL = "/rest/api/3/search/jql"
SEARCH_COUNT = "/rest/api/3/search/approximate-count"
CHANGELOG_BULKFETCH = "/rest/api/3/changelog/bulkfetch"
WORKLOG_UPDATED = "/rest/api/3/worklog/updated"
WORKLOG_DELETED = "/rest/api/3/worklog/deleted"
WORKLOG_LIST = "/rest/api/3/worklog/list"
BOARDS = "/rest/agile/1.0/board"
BOARD_SPRINTS = "/rest/agile/1.0/board/{board_id}/sprint"
BOARD = "/rest/agile/1.0/board/{board_id}"
SPRINT = "/rest/agile/1.0/sprint/{sprint_id}"

PROJECT_PAGE_SIZE = 100  # project/search: "Must be less than or equal to 100"
PROJECT_KEYS_PER_CALL = 50  # project/search: "Up to 50 project keys can be provided"
AGILE_PAGE_SIZE = 50  # agile default; larger values are silently clamped by Jira
SEARCH_PAGE_SIZE = 100  # fewer fields → Jira may serve more; it may also serve short pages
SEARCH_IDS_PAGE_SIZE = 5000  # "It returns max 5000 issues" when only ids are requested
CHANGELOG_ISSUES_PER_CALL = 1000  # bulkfetch: up to 1000 issue ids ...
CHANGELOG_FIELDS_MAX = 10  # ... and up to 10 field ids
# issue GET / bulkfetch embed at most 40 histories with expand=changelog ("returns a maximum of 40
# changelogs"); search/jql embeds at most 20.
EMBEDDED_HISTORIES = 40
SEARCH_EMBEDDED_HISTORIES = 20
CHANGELOG_PAGE_SIZE = 10000  # bulkfetch maxResults: default 1000 histories per page, maximum 10000
WORKLOGS_PER_CALL = 1000  # worklog/list: 400 when more than 1000 ids

JIRA_HINTS = {
    401: "check the email/API token for this Jira site; a scoped token needs the "
    "https://api.atlassian.com/ex/jira/<cloudId> base URL",
    403: "the account lacks Browse Projects (or Jira Software) permission here",
    410: "this endpoint was removed on Jira Cloud; upgrade pmhub to the replacement API",
}

ISSUE = "/rest/api/3/issue/{issue_id}"
ISSUE_BULKFETCH = "/rest/api/3/issue/bulkfetch"
PROJECT = "/rest/api/3/project/{project}"
ISSUES_PER_BULKFETCH = 100  # issue/bulkfetch: 100 with changelog/multi-valued fields (1000 only without)
