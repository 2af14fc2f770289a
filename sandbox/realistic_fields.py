"""The realistic profile's custom fields: what each is and how many issues hold a value in it.

Ids and kinds follow a real Cloud catalogue (bitovi-training-fields.json): Jira Software's own
fields at 10000-10038 (Development, Team, Rank, Sprint, Flagged, Story point estimate, Parent Link,
Start date, the Epic fields, the [CHART] fields, forms...), the site's own fields from 10040 on, and
fields of the team-managed project (BOR) from 10100 on, which carry a PROJECT `scope` and appear only
on that project's issues. `share` is how many applicable issues hold a value; the rest serve null.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sandbox.jira_catalog import FLOAT_TYPE, SPRINT_NUM, STORY_POINTS_NUM, TEXT_TYPE

_SYS = "com.atlassian.jira.plugin.system.customfieldtypes:"
_GH = "com.pyxis.greenhopper.jira:"
_DEV = "com.atlassian.jira.plugins.jira-development-integration-plugin:"
_FORMS = "com.atlassian.jira.plugins.proforma-managed-fields:"
_SD = "com.atlassian.servicedesk"
# type -> (schema.custom, schema.type, schema.items, the kind of value issues hold)
_TYPES: dict[str, tuple[str, str, str | None, str]] = {
    "select": (f"{_SYS}select", "option", None, "option"),
    "radio": (f"{_SYS}radiobuttons", "option", None, "option"),
    "checkboxes": (f"{_SYS}multicheckboxes", "array", "option", "options"),
    "multiselect": (f"{_SYS}multiselect", "array", "option", "options"),
    "user": (f"{_SYS}userpicker", "user", None, "user"),
    "users": (f"{_SYS}multiuserpicker", "array", "user", "users"),
    "date": (f"{_SYS}datepicker", "date", None, "date"),
    "datetime": (f"{_SYS}datetime", "datetime", None, "datetime"),
    "float": (FLOAT_TYPE, "number", None, "number"),
    "text": (TEXT_TYPE, "string", None, "text"),
    "textarea": (f"{_SYS}textarea", "string", None, "richtext"),
    "url": (f"{_SYS}url", "string", None, "url"),
    "labels": (f"{_SYS}labels", "array", "string", "labels"),
    "team": (f"{_SYS}atlassian-team", "team", None, "team"),
    "devsummary": (f"{_DEV}devsummarycf", "any", None, "devsummary"),
    "vulnerability": (f"{_DEV}vulnerabilitycf", "any", None, "null"),
    "design": (f"{_DEV}designcf", "array", "design.field.name", "empty"),
    "organizations": (
        "com.atlassian.servicedesk:sd-customer-organizations",
        "array",
        "sd-customerorganization",
        "null",
    ),
    "request-type": (f"{_SD}:vp-origin", "sd-customerrequesttype", None, "null"),
    "sentiment": (f"{_SD}.sentiment:sd-sentiment", "array", "sd-sentiment", "null"),
    "goals": (f"{_SYS}goals", "array", "Goals", "null"),
    "category": (f"{_SYS}jwm-category", "option", None, "null"),
    "epic-label": (f"{_GH}gh-epic-label", "string", None, "epicname"),
    "epic-status": (f"{_GH}gh-epic-status", "option", None, "epicstatus"),
    "epic-color": (f"{_GH}gh-epic-color", "string", None, "epiccolor"),
    "epic-link": (f"{_GH}gh-epic-link", "any", None, "null"),
    "issue-color": (f"{_GH}jsw-issue-color", "string", None, "issuecolor"),
    "story-points": (f"{_GH}jsw-story-points", "number", None, "dynamic"),
    "rank": (f"{_GH}gh-lexo-rank", "any", None, "dynamic"),
    "sprint": (f"{_GH}gh-sprint", "array", "json", "dynamic"),
    "flagged": (f"{_SYS}multicheckboxes", "array", "option", "dynamic"),
    "parent-link": ("com.atlassian.jpo:jpo-custom-field-parent", "any", None, "parentlink"),
    "baseline-start": ("com.atlassian.jpo:jpo-custom-field-baseline-start", "date", None, "date"),
    "baseline-end": ("com.atlassian.jpo:jpo-custom-field-baseline-end", "date", None, "date"),
    "first-response": ("com.atlassian.jira.ext.charting:firstresponsedate", "datetime", None, "datetime"),
    "time-in-status": ("com.atlassian.jira.ext.charting:timeinstatus", "any", None, "timeinstatus"),
    "forms-locked": (f"{_FORMS}forms-locked-field-cftype", "number", None, "null"),
    "forms-open": (f"{_FORMS}forms-open-field-cftype", "number", None, "null"),
    "forms-submitted": (f"{_FORMS}forms-submitted-field-cftype", "number", None, "null"),
    "forms-total": (f"{_FORMS}forms-total-field-cftype", "number", None, "null"),
    "formula": ("jira.polaris:formula", "number", None, "number"),
    "insights": ("jira.polaris:count-insights", "number", None, "null"),
}


@dataclass(frozen=True)
class CustomField:
    """One custom field: its catalogue entry and how issues hold values in it.

    kind: how a value is drawn and served (sandbox.realistic_content / realistic_json): "dynamic"
    fields are served from the modelled issue (story points, Sprint, Rank, Flagged); "automation"
    fields hold the last value their changelog wrote; "null" and "empty" fields are never set.
    types: issue types the field applies to (() = all). edited: share of held values set after the
    issue was created, each with a changelog history. scoped: a field of the team-managed project.
    """

    num: int
    name: str
    custom: str
    type: str
    items: str | None = None
    kind: str = "null"
    share: float = 0.0
    options: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    edited: float = 0.0
    scoped: bool = False

    @property
    def id(self) -> str:
        return f"customfield_{self.num}"


def field(num: int, name: str, type_: str, share: float = 0.0, **more: Any) -> CustomField:
    """A custom field of one of `_TYPES`; a `share` of 0 leaves it empty on every issue."""
    custom, schema, items, kind = _TYPES[type_]
    return CustomField(num, name, custom, schema, items, more.pop("kind", kind if share else "null"), share, **more)


def _dynamic(num: int, name: str, type_: str) -> CustomField:
    custom, schema, items, kind = _TYPES[type_]
    return CustomField(num, name, custom, schema, items, kind)


_BUGS, _WORK, _EPICS = ("Bug",), ("Story", "Task", "Bug"), ("Epic",)
_LMH = ("Low", "Medium", "High")
_YES_NO = ("Yes", "No")
_SEVERITIES = ("S1 - Critical", "S2 - Major", "S3 - Minor", "S4 - Trivial")
_CAUSES = ("Code defect", "Configuration", "Third party", "Data", "Requirements", "Cannot reproduce")
_CUSTOMERS = ("Acme Corp", "Globex", "Initech", "Umbrella", "Stark Industries", "Wayne Enterprises", "Hooli", "Soylent")
_SERVICES = ("API gateway", "Billing", "Search", "Notifications", "Auth", "Reporting", "Mobile app", "Web app")
_AREAS = ("Onboarding", "Checkout", "Admin", "Integrations", "Platform", "Analytics")
_ENVS = ("Production", "Staging", "QA", "Development")
_SQUADS = ("Ingest", "Alerts", "Maps")

CUSTOM_FIELDS: tuple[CustomField, ...] = (
    field(10000, "Development", "devsummary", 0.35),
    field(10001, "Team", "team", 0.55, edited=0.4),
    field(10002, "Organizations", "organizations"),
    field(10003, "Approvers", "users", 0.03),
    field(10004, "Impact", "select", 0.05, options=(*_LMH, "Extensive")),
    field(10005, "Change type", "select", 0.02, options=("Standard", "Normal", "Emergency")),
    field(10006, "Change risk", "select", 0.02, options=_LMH),
    field(10007, "Change reason", "select", 0.02, options=("Repair", "Upgrade", "Maintenance", "New functionality")),
    field(10008, "Actual start", "datetime", 0.08, edited=1.0),
    field(10009, "Actual end", "datetime", 0.05, edited=1.0),
    field(10010, "Request Type", "request-type"),
    field(10011, "Epic Name", "epic-label", 1.0, types=_EPICS),
    field(10012, "Epic Status", "epic-status", 1.0, types=_EPICS),
    field(10013, "Epic Color", "epic-color", 1.0, types=_EPICS),
    field(10014, "Epic Link", "epic-link"),
    field(10015, "Start date", "date", 0.15, edited=0.5),
    _dynamic(STORY_POINTS_NUM, "Story point estimate", "story-points"),
    field(10017, "Issue color", "issue-color", 1.0, types=_EPICS),
    field(10018, "Parent Link", "parent-link", 1.0),
    _dynamic(10019, "Rank", "rank"),
    _dynamic(SPRINT_NUM, "Sprint", "sprint"),
    _dynamic(10021, "Flagged", "flagged"),
    field(10022, "Target start", "baseline-start", 0.06, edited=1.0),
    field(10023, "Target end", "baseline-end", 0.06, edited=1.0),
    field(10024, "[CHART] Date of First Response", "first-response", 0.1),
    field(10025, "[CHART] Time in Status", "time-in-status", 1.0),
    field(10026, "Vulnerability", "vulnerability"),
    field(10027, "Design", "design", kind="empty"),
    field(10029, "Goals", "goals"),
    field(10030, "Sentiment", "sentiment"),
    field(10031, "Category", "category"),
    field(10032, "Locked forms", "forms-locked"),
    field(10033, "Open forms", "forms-open"),
    field(10034, "Team satisfaction", "select", 0.04, options=("Happy", "Neutral", "Unhappy"), edited=1.0),
    field(10035, "Submitted forms", "forms-submitted"),
    field(10036, "Total forms", "forms-total"),
    field(10040, "Acceptance criteria", "textarea", 0.3, types=("Story",), edited=0.3),
    field(10041, "Severity", "select", 0.8, options=_SEVERITIES, types=_BUGS, edited=0.2),
    field(10042, "Root cause", "select", 0.35, options=_CAUSES, types=_BUGS, edited=1.0),
    field(10043, "Customer", "select", 0.12, options=_CUSTOMERS, edited=0.3),
    field(10044, "Affected services", "checkboxes", 0.1, options=_SERVICES, edited=0.3),
    field(10045, "Reviewer", "user", 0.2, types=_WORK, edited=0.8),
    field(10046, "QA owner", "user", 0.1, types=_WORK, edited=0.6),
    field(10047, "Business value", "float", 0.1, edited=0.5),
    field(10048, "Effort (days)", "float", 0.05, edited=0.5),
    field(10049, "Planned release", "date", 0.05, edited=0.5),
    field(10050, "Released at", "datetime", 0.03, edited=1.0),
    field(10051, "Support ticket", "url", 0.06),
    field(10052, "Support ticket count", "float", 0.04, edited=1.0),
    field(10053, "Deployment status", "text", kind="automation"),
    field(10054, "Release notes", "textarea", 0.04, edited=1.0),
    field(10055, "Risk", "select", 0.04, options=_LMH),
    field(10056, "Cost center", "select", 0.05, options=("CC-100", "CC-210", "CC-340")),
    field(10057, "Budget code", "text", 0.03),
    field(10058, "Tags", "labels", 0.06, edited=0.5),
    field(10059, "Environment name", "select", 0.05, options=_ENVS),
    field(10060, "Customer impact", "radio", 0.05, options=("None", "Some", "Severe")),
    field(10061, "Browser", "multiselect", 0.15, options=("Chrome", "Firefox", "Safari", "Edge"), types=_BUGS),
    field(10062, "Regression", "radio", 0.3, options=_YES_NO, types=_BUGS),
    field(10063, "Found in build", "text", 0.1, types=_BUGS),
    field(10064, "Fixed in build", "text", 0.06, edited=1.0),
    field(10065, "Security review", "select", 0.02, options=("Not needed", "Passed", "Open")),
    field(10066, "Legal review", "checkboxes", 0.01, options=("Approved",)),
    field(10067, "Value Confidence", "float", 0.01),
    field(10068, "Value", "float", 0.02),
    field(10069, "Story points confidence", "float", 0.01),
    field(10070, "Story points median", "float"),
    field(10071, "Work Item Age Start", "datetime", 0.02),
    field(10072, "Asset ID", "text"),
    field(10073, "External ID", "text", 0.03),
    field(10074, "Sync status", "text", kind="automation"),
    field(10075, "Product area", "select", 0.15, options=_AREAS, edited=0.3),
    field(10076, "Due quarter", "select", 0.05, options=("Q1", "Q2", "Q3", "Q4")),
    field(10077, "Approved by", "user", 0.02, edited=1.0),
    field(10078, "Approval date", "date", 0.02, edited=1.0),
    field(10079, "Contract value", "float", 0.005),
    field(10080, "Region", "checkboxes", 0.03, options=("EMEA", "AMER", "APAC")),
    field(10081, "Compliance", "labels", 0.01),
    field(10082, "MONDAY_ID", "text"),
    field(10083, "MONDAY_GROUP", "text"),
    field(10084, "Old estimate (hours)", "float", 0.02),
    field(10085, "Legacy key", "text", 0.05),
    field(10086, "Documentation", "url", 0.03),
    field(10087, "Design link", "url", 0.04),
    field(10088, "Customer segments", "checkboxes", 0.02, options=("Enterprise", "Mid-market", "SMB")),
    field(10100, "Persona", "select", 0.25, options=("Operator", "Analyst", "Admin", "Field engineer"), scoped=True),
    field(10101, "Hypothesis", "textarea", 0.1, scoped=True),
    field(10102, "Experiment", "text", 0.05, scoped=True),
    field(10103, "Squad", "select", 0.4, options=_SQUADS, edited=0.5, scoped=True),
    field(10104, "Impact score", "formula", 0.1, scoped=True),
    field(10105, "Spec ready", "select", 0.1, options=_YES_NO, scoped=True),
    field(10106, "Designs ready", "select", 0.1, options=_YES_NO, scoped=True),
    field(10107, "Confidence", "select", 0.05, options=_LMH, scoped=True),
    field(10108, "Reach", "float", 0.05, scoped=True),
    field(10109, "Teams", "checkboxes", 0.1, options=(*_SQUADS, "Design"), scoped=True),
    field(10110, "Design review", "url", 0.05, scoped=True),
    field(10111, "Insights", "insights", scoped=True),
)
FIELDS_BY_ID = {f.id: f for f in CUSTOM_FIELDS}
DEPLOYMENT_STATUS = FIELDS_BY_ID["customfield_10053"]
SYNC_STATUS = FIELDS_BY_ID["customfield_10074"]
