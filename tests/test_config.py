"""The config contract: ${VAR} from the environment, whitelisted names, cross-references."""

import pytest

from models.config import ConfigError
from pipelines.config_file import parse_config_text as parse_config

BASE = """
warehouse: pmhub.duckdb
sources:
  jira:
    - name: acme
      url: https://acme.atlassian.net/
      email: ${JIRA_EMAIL}
      token: ${JIRA_TOKEN}
      projects: [APL, OPS]
  trello:
    - name: main
      key: ${TRELLO_KEY}
      token: ${TRELLO_TOKEN}
      boards: [5f1a2b3c4d5e6f7a8b9c0d1e]
      done_lists: ["Done", "Shipped"]
  confluence:
    - name: acme
      url: https://acme.atlassian.net/wiki
      email: ${JIRA_EMAIL}
      token: ${JIRA_TOKEN}
      spaces: [PMO]
portfolio:
  - id: apollo
    name: Apollo
    jira: [{site: acme, project: APL}]
    trello: [{source: main, board: 5f1a2b3c4d5e6f7a8b9c0d1e}]
    confluence: [{source: acme, space: PMO, page_title: "Apollo charter"}]
    budget: {bac: 250000, currency: EUR, start: 2026-01-05, end: 2026-06-30}
rates:
  default_hourly: 95
  people: {"5b10ac8d82e05b22cc7d4ef5": 120}
"""

ENV = {"JIRA_EMAIL": "pmo@example.com", "JIRA_TOKEN": "t0k3n-secret", "TRELLO_KEY": "k", "TRELLO_TOKEN": "tt"}


def test_contract_example_parses_and_secrets_come_from_env():
    config = parse_config(BASE, ENV)
    jira = config.sources.jira[0]
    assert jira.url == "https://acme.atlassian.net"
    assert jira.token.get_secret_value() == "t0k3n-secret"
    assert "t0k3n-secret" not in repr(config) and "t0k3n-secret" not in str(config)
    assert config.sources.trello[0].url == "https://api.trello.com"
    assert config.portfolio[0].budget is not None and config.portfolio[0].budget.bac == 250000
    assert config.rates.people == {"5b10ac8d82e05b22cc7d4ef5": 120}


def test_unset_variable_is_named():
    env = {k: v for k, v in ENV.items() if k != "JIRA_TOKEN"}
    with pytest.raises(ConfigError, match=r"environment variable JIRA_TOKEN is not set"):
        parse_config(BASE, env, origin="pmhub.yaml")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            (
                "name: acme\n      url: https://acme.atlassian.net/\n",
                "name: 'ac me'\n      url: https://acme.atlassian.net/\n",
            ),
            "name 'ac me' is not allowed",
        ),
        (("site: acme, project: APL", "site: nope, project: APL"), "jira site 'nope' is not in sources.jira"),
        (("project: APL}", "project: apl}"), "Jira project key 'apl' is not allowed"),
        (("url: https://acme.atlassian.net/wiki", "url: ftp://acme/wiki"), "must start with http"),
        (("end: 2026-06-30", "end: 2025-06-30"), "before start"),
        (("default_hourly: 95", "default_hourly: -1"), "rates.default_hourly"),
        (
            ('done_lists: ["Done", "Shipped"]', 'list_categories: {"On hold": paused}'),
            "list_categories",
        ),
    ],
)
def test_invalid_config_gives_one_actionable_line(change, message):
    old, new = change
    assert old in BASE
    with pytest.raises(ConfigError) as err:
        parse_config(BASE.replace(old, new), ENV, origin="pmhub.yaml")
    assert message in str(err.value)
    assert "\n" not in str(err.value)
    assert str(err.value).startswith("pmhub.yaml: ")


def test_yaml_syntax_error_names_line():
    with pytest.raises(ConfigError, match=r"not valid YAML at line [0-9]+: "):
        parse_config("sources:\n  jira: [\n", ENV)


def test_http_url_allowed_for_sandbox_and_proxies():
    text = BASE.replace("https://acme.atlassian.net/wiki", "http://127.0.0.1:8765/wiki")
    assert parse_config(text, ENV).sources.confluence[0].url == "http://127.0.0.1:8765/wiki"


SECOND_PROJECT = """
  - id: borealis
    name: Borealis
    confluence: [{source: acme, space: PMO, page_title: "Borealis charter"}]
"""
APOLLO_END = "    budget: {bac: 250000, currency: EUR, start: 2026-01-05, end: 2026-06-30}\n"


def test_a_shared_space_is_allowed_but_a_jira_project_or_trello_board_in_two_projects_is_not():
    shared_space = BASE.replace(APOLLO_END, APOLLO_END + SECOND_PROJECT)
    assert [p.id for p in parse_config(shared_space, ENV).portfolio] == ["apollo", "borealis"]
    for doubled, says in (
        (
            "    jira: [{site: acme, project: APL}]\n",
            "jira project 'APL' of 'acme' is in projects 'apollo' and 'borealis'",
        ),
        (
            "    trello: [{source: main, board: 5f1a2b3c4d5e6f7a8b9c0d1e}]\n",
            "trello board '5f1a2b3c4d5e6f7a8b9c0d1e' of 'main' is in projects 'apollo' and 'borealis'",
        ),
    ):
        with pytest.raises(ConfigError, match=says):
            parse_config(BASE.replace(APOLLO_END, APOLLO_END + SECOND_PROJECT + doubled), ENV, origin="pmhub.yaml")


PEOPLE = """
people:
  - name: Ana Lima
    handles: {jira: 5b10ac8d82e05b22cc7d4ef5, trello: analima, email: Ana@Example.com}
    hours_per_week: 32
    part_time: 0.8
    away: [{from: 2026-12-21, to: 2027-01-01}]
settings:
  holidays: [{from: 2026-12-25, to: 2026-12-26}]
"""


def test_the_people_section_of_the_contract_example_parses() -> None:
    config = parse_config(BASE + PEOPLE, ENV)
    (ana,) = config.people
    assert ana.handle_list() == [
        ("jira", "5b10ac8d82e05b22cc7d4ef5"),
        ("trello", "analima"),
        ("email", "Ana@Example.com"),
    ]
    assert (ana.hours_per_week, ana.part_time, str(ana.away[0].start), str(ana.away[0].end)) == (
        32,
        0.8,
        "2026-12-21",
        "2027-01-01",
    )
    assert [(str(h.start), str(h.end)) for h in config.settings.holidays] == [("2026-12-25", "2026-12-26")]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("trello: analima", "asana: analima"), "people[0] 'Ana Lima': handles key 'asana' is not a tool"),
        (("trello: analima", "trello:other: analima"), "handles key 'trello:other' is not a tool"),
        (("part_time: 0.8", "part_time: 1.5"), "people.0.part_time: Input should be less than or equal to 1"),
        (("to: 2027-01-01", "to: 2026-12-01"), "away to 2026-12-01 is before from 2026-12-21"),
        (
            ("settings:", "  - name: ana lima!\n    handles: {}\nsettings:"),
            "'ana lima!' and 'Ana Lima' make the same person id",
        ),
        (
            ("settings:", "  - name: Bo\n    handles: {email: ana@example.com}\nsettings:"),
            "email handle 'ana@example.com' is listed for 'Ana Lima' and 'Bo'",
        ),
    ],
)
def test_a_people_section_that_cannot_be_used_gives_one_line(change: tuple[str, str], message: str) -> None:
    old, new = change
    with pytest.raises(ConfigError) as err:
        parse_config(BASE + PEOPLE.replace(old, new), ENV, origin="pmhub.yaml")
    assert message in str(err.value) and "\n" not in str(err.value)
