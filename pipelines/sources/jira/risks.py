"""Jira's part of the risk register: every live issue of the site's risk issue type.

Title = summary, owner = assignee, due = due date (when the mitigation is due), status = the status
name (and its category), probability / impact / mitigation = the custom fields
`pipelines.sources.jira.risk_fields` chose. A value that cannot be read is reported with the issue
key and the field's name, and stays NULL (models.risk_values).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, time
from typing import Any

import duckdb

from models.risk_values import RiskEntry

_RISK_ISSUES = """
SELECT j.item_id, j.source_id, m.project_id, j.key, j.title, s.base_url || '/browse/' || j.key AS url,
       j.assignee_ext, j.accounts[1].displayName AS assignee_name, j.due_date, j.status, j.status_category,
       json_extract(r.payload, '$.fields.' || f.probability_field)::VARCHAR AS probability,
       json_extract(r.payload, '$.fields.' || f.impact_field)::VARCHAR AS impact,
       json_extract(r.payload, '$.fields.' || f.mitigation_field)::VARCHAR AS mitigation,
       pf.field_name AS probability_name, imf.field_name AS impact_name
FROM stage.jira_risk_items ri
JOIN stage.jira_issues j USING (item_id)
JOIN meta.jira_risk_fields f ON f.source_id = j.source_id
JOIN raw.jira_issues r ON r.source_id = j.source_id AND r.id = j.external_id
JOIN meta.cfg_sources s ON s.source_id = j.source_id
LEFT JOIN meta.cfg_containers m ON m.source_id = j.source_id AND m.ref = j.project_key
LEFT JOIN meta.field_mapping pf
  ON pf.source_id = j.source_id AND pf.purpose = 'risk_probability' AND pf.field_id = f.probability_field
LEFT JOIN meta.field_mapping imf
  ON imf.source_id = j.source_id AND imf.purpose = 'risk_impact' AND imf.field_id = f.impact_field
-- a deleted issue (tombstone not older than its latest version) is no risk any more
WHERE NOT EXISTS (
    SELECT 1 FROM raw.jira_issue_tombstones d
    WHERE d.source_id = j.source_id AND d.id = j.external_id AND d.batch_id >= j.batch_id
)
ORDER BY j.item_id
"""


def _value(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def adf_text(value: Any) -> str | None:
    """Plain text of a rich-text field (Atlassian Document Format) or of a plain one."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    words: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "text":
                words.append(str(node.get("text", "")))
            for child in node.get("content", []) or []:
                walk(child)
            if node.get("type") == "paragraph":
                words.append(" ")
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(value)
    return " ".join("".join(words).split()) or None


def jira_risks(conn: duckdb.DuckDBPyConnection) -> tuple[list[RiskEntry], list[str]]:
    """The risk issues of every site with a risk issue type, and what could not be read of them."""
    entries: list[RiskEntry] = []
    problems: list[str] = []
    for row in conn.execute(_RISK_ISSUES).fetchall():
        (item_id, source_id, project_id, key, title, url, assignee, assignee_name, due, status, category,
         probability, impact, mitigation, probability_name, impact_name) = row  # fmt: skip
        entry = RiskEntry(
            risk_id=item_id,
            project_id=project_id,
            source=source_id,
            title=title or key,
            key=key,
            url=url,
            owner_account=f"{source_id}:user:{assignee}" if assignee else None,
            owner_realm="atlassian" if assignee else None,
            owner_external=assignee,
            owner_name=assignee_name if assignee else None,
            mitigation=adf_text(_value(mitigation)),
            due_at=datetime.combine(due, time(), UTC) if due else None,
            status=status,
            status_category=category,
        )
        names = (probability_name or "Probability", impact_name or "Impact")
        problems += entry.read_values(f"issue {key} ({url})", names, _value(probability), _value(impact))
        entries.append(entry)
    return entries, problems
