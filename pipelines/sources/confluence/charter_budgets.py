"""Budgets from charter pages: the Page Properties of the page a project names as its charter, by
title or by the one live page of its space that carries a label (`pipelines.sources.confluence.charter` reads them)."""

from __future__ import annotations

import duckdb

from pipelines.sources.confluence.charter import CharterError, parse_charter


def charter_budgets(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Add to `core.budgets` the budget of each project whose charter page names one and whose
    config gives none; returns what could not be read, and why."""
    pages = conn.execute(
        """SELECT c.project_id, c.space_key, c.page_title, c.page_label,
                  list((p.source_id || ':' || p.id, p.payload ->> '$.title', p.payload ->> '$.body.storage.value')
                       ORDER BY p.payload ->> '$.title') FILTER (WHERE p.id IS NOT NULL)
           FROM meta.cfg_charters c
           LEFT JOIN raw.confluence_spaces s ON s.source_id = c.source_id AND s.payload ->> '$.key' = c.space_key
           LEFT JOIN (
               SELECT p.*, l.payload ->> '$.labels[*].name' AS labels
               FROM raw.confluence_pages p
               LEFT JOIN raw.confluence_page_labels l ON l.source_id = p.source_id AND l.id = p.id
               WHERE p.source_id || ':' || p.id NOT IN (SELECT document_id FROM core.documents WHERE is_deleted)
           ) p ON p.source_id = c.source_id AND p.container = s.id
                AND (p.payload ->> '$.title' = c.page_title OR list_contains(p.labels, c.page_label))
           WHERE c.project_id NOT IN (SELECT project_id FROM core.budgets)
           GROUP BY ALL ORDER BY c.project_id"""
    ).fetchall()
    problems: list[str] = []
    for project_id, space_key, title, label, found in pages:
        named = f"charter page {title!r}" if title else f"the charter page labelled {label!r}"
        if not found:
            problems.append(f"project {project_id}: {named} not found in the synced space {space_key}")
            continue
        if len(found) > 1:
            titles = ", ".join(repr(t) for _d, t, _b in found[:5])
            problems.append(
                f"project {project_id}: label {label!r} is on {len(found)} live pages of space {space_key} "
                f"({titles}); keep it on the charter page only"
            )
            continue
        document_id, page_title, body = found[0]
        try:
            budget = parse_charter(body or "", page_title)
        except CharterError as exc:
            problems.append(f"project {project_id}: {exc}")
            continue
        conn.execute(
            "INSERT INTO core.budgets VALUES (?, ?, ?, ?, ?, ?, ?)",
            [project_id, budget.currency, budget.bac, budget.start, budget.end, document_id, budget.planned_sprints],
        )
    return problems
