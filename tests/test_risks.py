"""The risk register: values as people write them, exposure worked by hand, and a Confluence
register whose one unreadable value is named (page and field) while the rest still loads."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import duckdb
import pytest

from models.config import PmhubConfig, Project
from models.risk_values import Impact, Probability, RiskValueError, parse_impact, parse_probability
from pipelines.config_file import parse_config_text
from pipelines.risk_summary import top_risks
from pipelines.sources import RAW_SCHEMA
from pipelines.sources.jira.fields import FieldResolutionError
from pipelines.sources.jira.risk_fields import choose_risk_field
from pipelines.transform import (
    TransformReport,
    build_core,
    build_mart_tables,
    build_marts,
    build_risk_table,
    prepare_meta,
)
from pipelines.warehouse import ensure_base_schema
from tests.metric_warehouse import MetricWarehouse

AS_OF = date(2026, 3, 2)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("3", Probability(3, "rating")),
        (4, Probability(4, "rating")),
        ("Likely", Probability(4, "rating")),
        ("2 - Unlikely", Probability(2, "rating")),
        ("very high", Probability(5, "rating")),
        ("30%", Probability(30, "percent")),
        ("12,5 %", Probability(12.5, "percent")),
        ("0.3", Probability(30, "percent")),
        (0.65, Probability(65, "percent")),
        ({"value": "High", "id": "10040"}, Probability(4, "rating")),
    ],
)
def test_probabilities_as_written(written, expected):
    assert parse_probability(written) == expected


@pytest.mark.parametrize("written", ["likely-ish", "30", "6", "2.5", "140%", "tbd"])
def test_an_unreadable_probability_is_an_error_not_zero(written):
    with pytest.raises(RiskValueError, match=r"neither a rating|percentage"):
        parse_probability(written)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("4", Impact(4, "rating")),
        ("Major", Impact(4, "rating")),
        ("€40,000", Impact(40_000, "money", "EUR")),
        ("40000 EUR", Impact(40_000, "money", "EUR")),
        ("$1.2M", Impact(1_200_000, "money", "USD")),
        (25000, Impact(25_000, "money", None)),
    ],
)
def test_impacts_as_written(written, expected):
    assert parse_impact(written) == expected


@pytest.mark.parametrize("written", ["huge", "0", "2.5", "€ lots"])
def test_an_unreadable_impact_is_an_error_not_zero(written):
    with pytest.raises(RiskValueError):
        parse_impact(written)


def test_empty_values_are_missing_not_errors():
    assert parse_probability(None) is None
    assert parse_probability("  ") is None
    assert parse_impact(None) is None


# --- exposure, worked by hand ---------------------------------------------------------------------


def _risk(w: MetricWarehouse, risk_id: str, **values: object) -> None:
    row = {
        "risk_id": risk_id,
        "project_id": "apollo",
        "source": "jira:x",
        "title": risk_id,
        "owner_id": "jira:x:user:ana",
        "status": "Open",
        **values,
    }
    columns = ", ".join(row)
    w.conn.execute(f"INSERT INTO core.risks ({columns}) VALUES ({', '.join('?' for _ in row)})", list(row.values()))


def _exposure(w: MetricWarehouse) -> dict[str, tuple[object, ...]]:
    rows = w.conn.execute(
        """SELECT risk_id, exposure, exposure_unit, currency, change, owner_id, no_owner, overdue, unreadable
           FROM mart.risk_exposure"""
    ).fetchall()
    return {r[0]: r[1:] for r in rows}


@pytest.fixture
def register() -> MetricWarehouse:
    w = MetricWarehouse.empty(["apollo"], AS_OF)
    w.conn.execute(
        "INSERT INTO core.budgets (project_id, currency, bac, planned_start, planned_end, source) "
        "VALUES ('apollo', 'GBP', 1e5, '2026-01-05', '2026-06-30', 'config')"
    )
    # rating x rating: 4 x 3 = 12 (score)
    _risk(w, "R1", probability=4, probability_scale="rating", impact=3, impact_scale="rating")
    # percent x rating: 30% is the share of rating 2 (default shares 10/30/50/70/90%) -> 2 x 5 = 10
    _risk(w, "R2", probability=30, probability_scale="percent", impact=5, impact_scale="rating")
    # 40% lies halfway between rating 2 (30%) and 3 (50%): ties go to the higher rating -> 3 x 2 = 6
    _risk(w, "R3", probability=40, probability_scale="percent", impact=2, impact_scale="rating")
    # rating x money: rating 2 stands for 30% -> 0.3 x 40,000 EUR = 12,000 EUR
    _risk(w, "R4", probability=2, probability_scale="rating", impact=40_000, impact_scale="money", currency="EUR")
    # percent x money: 65% x 80,000 USD = 52,000 USD
    _risk(w, "R5", probability=65, probability_scale="percent", impact=80_000, impact_scale="money", currency="USD")
    # money without a currency is in the budget's: 0.1 x 20,000 GBP (rating 1 -> 10%) = 2,000 GBP; no owner
    _risk(w, "R6", probability=1, probability_scale="rating", impact=20_000, impact_scale="money", owner_id=None)
    # mitigation due the day before the as-of date: overdue; R8's due on the as-of date: not yet
    _risk(w, "R7", probability=5, probability_scale="rating", impact=5, impact_scale="rating",
          due_at=datetime(2026, 3, 1, tzinfo=UTC))  # fmt: skip
    _risk(w, "R8", probability=1, probability_scale="rating", impact=1, impact_scale="rating",
          due_at=datetime(2026, 3, 2, tzinfo=UTC))  # fmt: skip
    # closed by its status name (any case) or by its tool's done category: no exposure row
    _risk(w, "R9", probability=5, probability_scale="rating", impact=5, impact_scale="rating", status="MITIGATED")
    _risk(w, "R10", probability=5, probability_scale="rating", impact=5, impact_scale="rating",
          status="Won't fix", status_category="done")  # fmt: skip
    # an unreadable probability: exposure NULL, never 0, and which field says why
    _risk(w, "R11", impact=3, impact_scale="rating", unreadable="Probability")
    return w


def test_exposure_worked_by_hand(register):
    # the marts alone: core.risks was written by hand above
    build_mart_tables(register.conn, PmhubConfig(portfolio=[Project(id="apollo", name="Apollo")]), AS_OF)
    got = _exposure(register)
    assert set(got) == {"R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R11"}
    assert got["R1"][:3] == (12, "score", None)
    assert got["R2"][:3] == (10, "score", None)
    assert got["R3"][:3] == (6, "score", None)
    assert got["R4"][:3] == (pytest.approx(12_000), "money", "EUR")
    assert got["R5"][:3] == (pytest.approx(52_000), "money", "USD")
    assert got["R6"][:3] == (pytest.approx(2_000), "money", "GBP")
    assert got["R6"][4:6] == (None, True)  # owner_id NULL: no owner
    assert got["R1"][4:6] == ("jira:x:user:ana", False)
    assert got["R7"][:2] == (25, "score") and got["R7"][6] is True
    assert got["R8"][6] is False and got["R1"][6] is False
    assert got["R11"][0] is None and got["R11"][7] == "Probability"
    assert all(row[3] is None for row in got.values())  # change: every risk is new in the first build


def test_change_since_the_previous_build(register):
    config = PmhubConfig(portfolio=[Project(id="apollo", name="Apollo")])
    build_mart_tables(register.conn, config, AS_OF)
    # R1's probability rises 4 -> 5: 5 x 3 = 15, 15 - 12 = +3; R4's impact falls to 10,000 EUR:
    # 0.3 x 10,000 = 3,000, 3,000 - 12,000 = -9,000; R12 is new: change NULL
    register.conn.execute("UPDATE core.risks SET probability = 5 WHERE risk_id = 'R1'")
    register.conn.execute("UPDATE core.risks SET impact = 10000 WHERE risk_id = 'R4'")
    _risk(register, "R12", probability=3, probability_scale="rating", impact=3, impact_scale="rating")
    build_mart_tables(register.conn, config, AS_OF)
    got = _exposure(register)
    assert got["R1"][0] == 15 and got["R1"][3] == 3
    assert got["R4"][0] == pytest.approx(3_000) and got["R4"][3] == pytest.approx(-9_000)
    assert got["R12"][0] == 9 and got["R12"][3] is None
    assert got["R2"][3] == 0  # unchanged: 10 - 10


# --- a Confluence register with one unreadable value ----------------------------------------------

_CONFIG = """
sources:
  confluence:
    - {name: wiki, url: "http://127.0.0.1:9/wiki", email: a@b.c, token: t, spaces: [PMO]}
portfolio:
  - id: apollo
    name: Apollo
    confluence: [{source: wiki, space: PMO, risk_label: risk, risk_register: "Apollo risk register"}]
"""


def _page(title: str, rows: dict[str, str]) -> str:
    cells = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows.items())
    return f'<ac:structured-macro ac:name="details"><ac:rich-text-body><table><tbody>{cells}</tbody></table></ac:rich-text-body></ac:structured-macro>'  # noqa: E501


_MENTION = '<ac:link><ri:user ri:account-id="557058:aaa" /></ac:link>'
_REGISTER = (
    "<p>Apollo's risks</p><table><tbody>"
    "<tr><th>ID</th><th>Risk</th><th>Probability</th><th>Impact</th><th>Owner</th><th>Due</th><th>Status</th></tr>"
    f"<tr><td>R-1</td><td>Vendor late</td><td>40%</td><td>€40,000</td><td>{_MENTION}</td><td>2026-02-20</td>"
    '<td><ac:structured-macro ac:name="status"><ac:parameter ac:name="colour">Red</ac:parameter>'
    '<ac:parameter ac:name="title">OPEN</ac:parameter></ac:structured-macro></td></tr>'
    "<tr><td>R-2</td><td>Key engineer leaves</td><td>likely-ish</td><td>4</td><td></td><td></td><td>Open</td></tr>"
    "<tr><td>R-3</td><td>Old risk</td><td>1</td><td>1</td><td></td><td></td><td>Closed</td></tr>"
    "</tbody></table>"
)


def _confluence_warehouse() -> tuple[duckdb.DuckDBPyConnection, TransformReport]:
    conn = duckdb.connect()
    ensure_base_schema(conn, RAW_SCHEMA)
    source = "confluence:wiki"
    conn.execute(
        "INSERT INTO raw.confluence_spaces VALUES (?, '1', NULL, NULL, 'b1', ?)",
        [source, json.dumps({"id": "1", "key": "PMO", "name": "PMO"})],
    )
    pages = {
        "11": ("Risk: data centre move", ["risk"], _page("x", {
            "Probability": "3", "Impact": "Major", "Owner": _MENTION, "Mitigation": "Book a second slot",
            "Due": "2026-03-20", "Status": "Open"})),
        "12": ("Apollo risk register", [], _REGISTER),
        "13": ("Unrelated page", [], _page("y", {"Probability": "5", "Impact": "5"})),
    }  # fmt: skip
    for page_id, (title, labels, body) in pages.items():
        payload = {
            "id": page_id,
            "title": title,
            "status": "current",
            "spaceId": "1",
            "version": {"number": 1, "createdAt": "2026-02-01T10:00:00.000Z"},
            "body": {"storage": {"value": body, "representation": "storage"}},
            "_links": {"webui": f"/spaces/PMO/pages/{page_id}"},
        }
        conn.execute(
            "INSERT INTO raw.confluence_pages VALUES (?, ?, '1', NULL, 'b1', ?)", [source, page_id, json.dumps(payload)]
        )
        conn.execute(
            "INSERT INTO raw.confluence_page_labels VALUES (?, ?, NULL, NULL, 'b1', ?)",
            [source, page_id, json.dumps({"pageId": page_id, "labels": [{"name": n, "id": "9"} for n in labels]})],
        )
    config = parse_config_text(_CONFIG, {})
    prepare_meta(conn, config, AS_OF)
    report = build_core(conn, config, AS_OF)
    build_marts(conn, config, AS_OF)
    return conn, report


def test_confluence_risk_pages_and_register_rows_with_one_unreadable_value():
    conn, report = _confluence_warehouse()
    risks = {
        r[0].split(":", 2)[2]: r[1:]
        for r in conn.execute(
            """SELECT risk_id, project_id, title, probability, probability_scale, impact, impact_scale, currency,
                      owner_account_id, owner_id, mitigation, due_at::DATE, status, unreadable
               FROM core.risks ORDER BY risk_id"""
        ).fetchall()
    }
    assert set(risks) == {"11", "12#R-1", "12#R-2", "12#R-3"}  # the unlabelled page 13 is no risk
    owner = "confluence:wiki:user:557058:aaa"
    assert risks["11"] == ("apollo", "Risk: data centre move", 3, "rating", 4, "rating", None, owner, owner,
                           "Book a second slot", date(2026, 3, 20), "Open", None)  # fmt: skip
    assert risks["12#R-1"] == ("apollo", "Vendor late", 40, "percent", 40_000, "money", "EUR", owner, owner,
                               None, date(2026, 2, 20), "OPEN", None)  # fmt: skip
    # the unreadable probability stays NULL, never 0; its impact still loads
    assert risks["12#R-2"][2:6] == (None, None, 4, "rating") and risks["12#R-2"][-1] == "Probability"
    problems = [p for (p,) in conn.execute("SELECT problem FROM meta.data_problems WHERE step = 'risks'").fetchall()]
    assert len(problems) == 1
    assert "register 'Apollo risk register' row 2 (Key engineer leaves)" in problems[0]
    assert "field 'Probability'" in problems[0] and "'likely-ish'" in problems[0]
    assert "http://127.0.0.1:9/wiki/spaces/PMO/pages/12" in problems[0]
    assert problems == report.problems[-1:]  # what the sync prints (the step's problems)

    exposure = dict(conn.execute("SELECT risk_id, exposure FROM mart.risk_exposure").fetchall())
    # page 11: 3 x 4 = 12; R-1: 40% x 40,000 EUR = 16,000 EUR; R-2: NULL (unreadable); R-3: closed
    assert exposure == {
        "confluence:wiki:11": 12,
        "confluence:wiki:12#R-1": pytest.approx(16_000),
        "confluence:wiki:12#R-2": None,
    }
    overdue = dict(conn.execute("SELECT risk_id, overdue FROM mart.risk_exposure").fetchall())
    assert overdue["confluence:wiki:12#R-1"] is True  # due 2026-02-20 < 2026-03-02
    assert overdue["confluence:wiki:11"] is False


# --- Jira: which custom fields hold a risk's values --------------------------------------------------


def _field(num: int, name: str) -> dict[str, object]:
    return {"id": f"customfield_{num}", "name": name, "custom": True, "schema": {"type": "number"}}


def test_risk_fields_are_found_by_name_and_a_config_override_wins():
    fields = [_field(10050, "Likelihood"), _field(10051, "Probability"), _field(10052, "Impact"), _field(10, "Rank")]
    chosen = choose_risk_field(fields, "risk_probability", None, "jira:x")
    assert chosen is not None and (chosen.field_id, chosen.matched_by) == ("customfield_10051", "name")
    override = choose_risk_field(fields, "risk_probability", "customfield_10050", "jira:x")
    assert override is not None and (override.field_id, override.matched_by) == ("customfield_10050", "config")
    assert choose_risk_field(fields, "risk_mitigation", None, "jira:x") is None  # the site has none
    with pytest.raises(FieldResolutionError, match="customfield_99 from config does not exist"):
        choose_risk_field(fields, "risk_impact", "customfield_99", "jira:x")


def test_two_fields_of_one_risk_name_are_reported_not_guessed():
    fields = [_field(10052, "Impact"), _field(10060, "impact")]
    with pytest.raises(FieldResolutionError, match=r"several fields are named 'impact'.*set risk_impact_field"):
        choose_risk_field(fields, "risk_impact", None, "jira:x")


def test_the_demo_lists_the_top_risks_of_each_kind_and_those_without_exposure(register):
    build_mart_tables(register.conn, PmhubConfig(portfolio=[Project(id="apollo", name="Apollo")]), AS_OF)
    lines = top_risks(register.conn, per_kind=2)
    # money: R5 52,000 USD, R4 12,000 EUR (R6's 2,000 GBP is third); score: R7 25, R1 12; R11 unknown
    assert lines[2:] == [
        "  Apollo: R5: 52,000 USD",
        "  Apollo: R4: 12,000 EUR",
        "  Apollo: R7: score 25 of 25 (mitigation overdue)",
        "  Apollo: R1: score 12 of 25",
        "  Apollo: R11: exposure unknown (Probability)",
    ]


def test_a_page_owner_is_the_person_of_the_same_atlassian_account_in_jira():
    conn, _report = _confluence_warehouse()
    # Ana's Jira account carries the accountId the page mentions; her identity belongs to person:ana
    conn.execute(
        "INSERT INTO stage.people (person_id, source_id, external_id, display_name, account_realm) "
        "VALUES ('jira:x:user:557058:aaa', 'jira:x', '557058:aaa', 'Ana Lima', 'atlassian')"
    )
    conn.execute(
        "INSERT INTO core.person_identities (person_id, account_id, source_id, external_id, matched_by) "
        "VALUES ('person:ana', 'jira:x:user:557058:aaa', 'jira:x', '557058:aaa', 'config')"
    )
    build_risk_table(conn)
    owners = dict(
        conn.execute("SELECT risk_id, owner_id FROM core.risks WHERE owner_account_id IS NOT NULL").fetchall()
    )
    assert owners == {"confluence:wiki:11": "person:ana", "confluence:wiki:12#R-1": "person:ana"}
