"""One person across tools: the merge rules of `models.identities`, account by account."""

from __future__ import annotations

from models.identities import Account, ConfiguredPerson, resolve_people

TOOLS = ("jira", "trello", "confluence", "msproject")


def jira(account: str, name: str, email: str | None = None, site: str = "acme") -> Account:
    return Account(f"jira:{site}:user:{account}", f"jira:{site}", "jira", account, None, name, email, "atlassian")


def confluence(account: str) -> Account:
    return Account(f"confluence:acme:user:{account}", "confluence:acme", "confluence", account, realm="atlassian")


def trello(member: str, username: str, name: str) -> Account:
    return Account(f"trello:main:member:{member}", "trello:main", "trello", member, username, name)


def resource(name: str, email: str | None = None) -> Account:
    return Account(f"msproject:plans:resource:{name}", "msproject:plans", "msproject", name, name, name, email)


def people_of(accounts: list[Account], configured: list[ConfiguredPerson] | None = None) -> dict[str, tuple[str, str]]:
    result = resolve_people(accounts, configured or [], TOOLS)
    return {i.account.account_id: (i.person_id, i.matched_by) for i in result.identities}


def test_one_accountid_is_one_person_across_jira_sites_and_confluence_under_the_first_jira_account() -> None:
    got = people_of([confluence("5b10"), jira("5b10", "Ana Lima", site="beta"), jira("5b10", "Ana Lima")])
    assert got == {
        "jira:acme:user:5b10": ("jira:acme:user:5b10", "account_id"),
        "jira:beta:user:5b10": ("jira:acme:user:5b10", "account_id"),
        "confluence:acme:user:5b10": ("jira:acme:user:5b10", "account_id"),
    }


def test_equal_email_in_any_case_is_one_person_and_a_lone_account_is_its_own() -> None:
    got = people_of([jira("5b10", "Ana Lima", "Ana.Lima@example.com"), resource("A. Lima", "ana.lima@example.com")])
    assert got["msproject:plans:resource:A. Lima"] == ("jira:acme:user:5b10", "email")
    assert got["jira:acme:user:5b10"] == ("jira:acme:user:5b10", "email")
    assert people_of([jira("77", "Bo")]) == {"jira:acme:user:77": ("jira:acme:user:77", "own")}


def test_the_config_takes_the_accounts_it_lists_and_those_sharing_their_accountid() -> None:
    ana = ConfiguredPerson("person:ana-lima", "Ana Lima", (("jira", "5b10"), ("trello", "ANALIMA")))
    result = resolve_people(
        [jira("5b10", "Ana L."), confluence("5b10"), trello("m1", "analima", "Ana Lima")], [ana], TOOLS
    )
    got = {i.account.account_id: (i.person_id, i.matched_by) for i in result.identities}
    assert got == {
        "jira:acme:user:5b10": ("person:ana-lima", "config"),
        "trello:main:member:m1": ("person:ana-lima", "config"),  # usernames match in any case
        "confluence:acme:user:5b10": ("person:ana-lima", "account_id"),
    }
    assert result.names["person:ana-lima"] == "Ana Lima"
    assert result.problems == []


def test_a_name_alone_merges_nothing_and_is_reported_as_a_suggestion() -> None:
    result = resolve_people([jira("5b10", "Ana Lima"), trello("m1", "analima", "ana  lima")], [], TOOLS)
    assert {i.person_id for i in result.identities} == {"jira:acme:user:5b10", "trello:main:member:m1"}
    assert result.problems == [
        "people: 'Ana Lima' is the name of 2 people (jira:acme:user:5b10, trello:main:member:m1) that no accountId "
        "or e-mail links; if they are one person, list their handles under `people:` in the config"
    ]


def test_an_account_two_configured_people_list_is_left_to_neither() -> None:
    a = ConfiguredPerson("person:a", "A", (("jira", "5b10"),))
    b = ConfiguredPerson("person:b", "B", (("jira:acme", "5b10"),))
    result = resolve_people([jira("5b10", "X")], [a, b], TOOLS)
    assert [(i.person_id, i.matched_by) for i in result.identities] == [("jira:acme:user:5b10", "own")]
    assert result.problems == ["people: account jira:acme:user:5b10 is listed for 'A' and 'B'; it is left to neither"]


def test_accounts_linked_by_email_but_listed_for_two_people_follow_the_config() -> None:
    a = ConfiguredPerson("person:a", "A", (("jira", "1"),))
    b = ConfiguredPerson("person:b", "B", (("msproject", "Res"),))
    result = resolve_people([jira("1", "A", "x@y.z"), resource("Res", "x@y.z"), confluence("1")], [a, b], TOOLS)
    got = {i.account.account_id: i.person_id for i in result.identities}
    assert got == {
        "jira:acme:user:1": "person:a",
        "msproject:plans:resource:Res": "person:b",
        "confluence:acme:user:1": "person:a",  # its accountId still names one of them
    }
    assert any("share an accountId or e-mail but the config lists them for" in p for p in result.problems)


def test_a_configured_person_no_tool_has_shown_yet_is_still_a_person() -> None:
    result = resolve_people([], [ConfiguredPerson("person:new-hire", "New Hire", (("jira", "9"),))], TOOLS)
    assert result.names == {"person:new-hire": "New Hire"} and result.identities == []


def test_a_handle_that_names_no_account_of_a_synced_tool_is_reported() -> None:
    ana = ConfiguredPerson("person:ana", "Ana", (("jira", "5b1O"), ("trello", "ana"), ("email", "a@x.y")))
    result = resolve_people([jira("5b10", "Ana", "a@x.y")], [ana], TOOLS)
    # Trello was not synced: its handle cannot be checked; the e-mail matches; the accountId has a typo
    assert result.problems == [
        "people: 'Ana' lists jira handle '5b1O', which no synced account has; check the id or name in the config"
    ]
