"""After a sync of the sandbox, core.risks and mart.risk_exposure equal the planted risk register
(sandbox.gen_risks, its truth in sandbox.risk_truth): Jira issues of type Risk in APL and DRC,
Apollo's labelled risk pages (one with the unreadable probability "likely-ish") and Draco's
register table."""

from __future__ import annotations

import pytest

from tests.conftest import warehouse_rows

# A risk as the truth names it: the Jira key, the page title, or "<register title>#<ID>".
_REF = """CASE WHEN r.key IS NOT NULL THEN r.key
                ELSE d.title || CASE WHEN r.risk_id LIKE '%#%' THEN '#' || split_part(r.risk_id, '#', 2) ELSE '' END
           END"""
_JOIN = "LEFT JOIN core.documents d ON d.document_id = split_part(r.risk_id, '#', 1)"


def test_the_planted_risks_are_the_register(synced, portfolio):
    truth = {t.ref: t for t in portfolio.ground_truth.risks}
    assert len(truth) == 12 and any(t.unreadable for t in truth.values())
    rows = warehouse_rows(
        synced["db"],
        f"""SELECT {_REF}, r.project_id, split_part(r.source, ':', 1), r.title, r.probability, r.probability_scale,
                   r.impact, r.impact_scale, r.owner_account_id, r.owner_id, r.due_at::DATE, r.status, r.unreadable,
                   (SELECT min(person_id) FROM core.person_identities WHERE account_id = r.owner_account_id),
                   (SELECT min(pi.person_id) FROM stage.people sp
                    JOIN core.person_identities pi ON pi.account_id = sp.person_id
                    WHERE sp.account_realm = 'atlassian'
                      AND sp.external_id = split_part(r.owner_account_id, ':user:', 2))
            FROM core.risks r {_JOIN}""",
    )
    got = {row[0]: row[1:] for row in rows}
    assert set(got) == set(truth)
    for ref, t in truth.items():
        project, tool, title, prob, p_scale, impact, i_scale, account, owner, due, status, unreadable, *persons = got[
            ref
        ]
        assert (project, tool, title, status, due) == (t.project_id, t.tool, t.title, t.status, t.due), ref
        assert (prob, p_scale, impact, i_scale, unreadable) == (
            t.probability,
            t.probability_scale,
            t.impact,
            t.impact_scale,
            t.unreadable,
        ), ref
        assert account == (f"{tool}:sandbox:user:{t.owner}" if t.owner else None), ref
        # the person of the owner's account, else of the same Atlassian accountId elsewhere, else the account
        assert owner == next((p for p in persons if p), account), ref


def test_exposure_equals_the_truth(synced, portfolio):
    truth = {t.ref: t for t in portfolio.ground_truth.risks if t.open}
    rows = warehouse_rows(
        synced["db"],
        f"""SELECT {_REF}, e.exposure, e.exposure_unit, e.currency, e.overdue, e.no_owner, e.change
            FROM mart.risk_exposure e JOIN core.risks r USING (risk_id) {_JOIN}""",
    )
    got = {row[0]: row[1:] for row in rows}
    assert set(got) == set(truth)  # closed, done and mitigated risks have no exposure
    for ref, t in truth.items():
        exposure, unit, currency, overdue, no_owner, change = got[ref]
        assert exposure == (pytest.approx(t.exposure) if t.exposure is not None else None), ref
        assert (unit, currency, overdue, no_owner) == (t.exposure_unit, t.currency, t.overdue, t.owner is None), ref
        assert change == (0 if t.exposure is not None else None), ref  # the second sync changed nothing


def test_the_unreadable_probability_is_named_and_the_rest_loads(synced, portfolio):
    bad = next(t for t in portfolio.ground_truth.risks if t.unreadable)
    problems = [
        p for (p,) in warehouse_rows(synced["db"], "SELECT problem FROM meta.data_problems WHERE step = 'risks'")
    ]
    assert len(problems) == 1
    assert f"page {bad.title!r}" in problems[0] and "field 'Probability'" in problems[0]
    assert "'likely-ish'" in problems[0] and "/wiki/spaces/PMO/pages/" in problems[0]
    # its other values and every other risk of Apollo's pages loaded
    loaded = warehouse_rows(synced["db"], "SELECT count(*) FROM core.risks WHERE project_id = 'apollo'")[0][0]
    assert loaded == sum(1 for t in portfolio.ground_truth.risks if t.project_id == "apollo")


def test_risk_issues_are_not_work_items(synced, portfolio):
    keys = [i.key for i in portfolio.risk_issues]
    assert keys
    held = warehouse_rows(synced["db"], "SELECT count(*) FROM core.work_items WHERE list_contains(?, key)", [keys])
    assert held[0][0] == 0
    mapped = warehouse_rows(
        synced["db"], "SELECT purpose, field_name FROM meta.field_mapping WHERE purpose LIKE 'risk_%' ORDER BY 1"
    )
    assert mapped == [("risk_impact", "Impact"), ("risk_mitigation", "Mitigation"), ("risk_probability", "Probability")]
