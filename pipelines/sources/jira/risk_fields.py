"""Which custom fields of a Jira site hold a risk's probability, impact and mitigation.

Field ids differ per site, so they are found by name in `/rest/api/3/field`, as story points are:
Probability ("Probability", "Risk probability", "Likelihood", "Risk likelihood"), Impact
("Impact", "Risk impact") and Mitigation ("Mitigation", "Mitigation plan", "Risk mitigation",
"Mitigation strategy"). A name held by several custom fields is ambiguous: reported, not guessed;
`risk_probability_field` / `risk_impact_field` / `risk_mitigation_field` in config win. Only sites
whose config names a `risk_issue_type` are looked at.

The choice goes to `meta.field_mapping` (purposes 'risk_probability', 'risk_impact',
'risk_mitigation') and, spelled out per site, to `meta.jira_risk_fields`, which the stage SQL
(`04_jira_risk_items.sql`) and the risk reader (`pipelines.sources.jira.risks`) join.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, cast

import duckdb

from models.config import PmhubConfig
from pipelines.meta_tables import replace_meta_table, table_exists
from pipelines.sources.jira.config import CONFIG, JiraSource
from pipelines.sources.jira.fields import FieldMapping, FieldResolutionError

RISK_FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "risk_probability": ("probability", "risk probability", "likelihood", "risk likelihood"),
    "risk_impact": ("impact", "risk impact"),
    "risk_mitigation": ("mitigation", "mitigation plan", "risk mitigation", "mitigation strategy"),
}


def choose_risk_field(
    fields: Sequence[Mapping[str, Any]], purpose: str, override: str | None, where: str
) -> FieldMapping | None:
    """The field holding `purpose` on a site: the override, else the one custom field with one of
    its names; None when the site has none; FieldResolutionError when the choice is not clear."""
    setting = f"{purpose}_field"
    by_id = {str(f.get("id")): f for f in fields}
    if override:
        if override not in by_id:
            raise FieldResolutionError(f"{where}: {setting} {override} from config does not exist on the site")
        return FieldMapping(purpose, override, str(by_id[override].get("name")), "config")
    names = RISK_FIELD_NAMES[purpose]
    found = [
        f
        for f in fields
        if str(f.get("id", "")).startswith("customfield_") and str(f.get("name", "")).strip().lower() in names
    ]
    # The first name in the list that any field carries decides ("Probability" before "Likelihood").
    for name in names:
        named = [f for f in found if str(f.get("name", "")).strip().lower() == name]
        if len(named) > 1:
            listed = ", ".join(f"{f['id']} ({f.get('name')})" for f in named)
            raise FieldResolutionError(
                f"{where}: several fields are named {name!r}: {listed}; set {setting} in the config"
            )
        if named:
            return FieldMapping(purpose, str(named[0]["id"]), str(named[0].get("name")), "name")
    return None


def write_risk_fields(conn: duckdb.DuckDBPyConnection, config: PmhubConfig) -> list[str]:
    """`meta.jira_risk_fields` per site with a risk issue type, and the choices in
    `meta.field_mapping`; returns what could not be resolved (the risks keep NULL there)."""
    rows: list[tuple[Any, ...]] = []
    mapping: list[tuple[Any, ...]] = []
    problems: list[str] = []
    for site in cast(list[JiraSource], config.sources.of(CONFIG.name)):
        if not site.risk_issue_type:
            continue
        source_id = f"{CONFIG.name}:{site.name}"
        fields = (
            [
                json.loads(r[0])
                for r in conn.execute(
                    "SELECT payload FROM raw.jira_fields WHERE source_id = ? ORDER BY id", [source_id]
                ).fetchall()
            ]
            if table_exists(conn, "raw", "jira_fields")
            else []
        )
        chosen: dict[str, str | None] = {}
        overrides = {
            "risk_probability": site.risk_probability_field,
            "risk_impact": site.risk_impact_field,
            "risk_mitigation": site.risk_mitigation_field,
        }
        for purpose, override in overrides.items():
            chosen[purpose] = None
            if not fields:
                continue
            try:
                choice = choose_risk_field(fields, purpose, override, source_id)
            except FieldResolutionError as exc:
                problems.append(str(exc))
                continue
            if choice is None:
                if purpose != "risk_mitigation":
                    label = purpose.removeprefix("risk_")
                    problems.append(
                        f"{source_id}: no custom field named for the risks' {label} "
                        f"({', '.join(repr(n) for n in RISK_FIELD_NAMES[purpose])}); "
                        f"set {purpose}_field in the config"
                    )
                continue
            chosen[purpose] = choice.field_id
            mapping.append((source_id, None, choice.purpose, choice.field_id, choice.field_name, choice.matched_by))
        rows.append(
            (
                source_id,
                site.risk_issue_type,
                chosen["risk_probability"],
                chosen["risk_impact"],
                chosen["risk_mitigation"],
            )
        )
    if mapping:
        conn.executemany("INSERT INTO meta.field_mapping VALUES (?, ?, ?, ?, ?, ?)", mapping)
    replace_meta_table(
        conn,
        "jira_risk_fields",
        "source_id VARCHAR, issue_type VARCHAR, probability_field VARCHAR, impact_field VARCHAR, "
        "mitigation_field VARCHAR",
        rows,
    )
    return problems
