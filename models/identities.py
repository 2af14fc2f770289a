"""Which accounts are one person: the rules of `core.person_identities`, with no I/O.

In order of strength: the config's `people:` section (what it lists always wins), then one
Atlassian accountId across Jira and Confluence (and across sites), then one e-mail address. Names
merge nothing: two people who only share a name are a suggestion for the config, never a merge.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Account:
    """One account as a source shows it (a row of `stage.people`, deduplicated)."""

    account_id: str  # <source_id>:<kind>:<external id>
    source_id: str
    tool: str
    external_id: str
    handle: str | None = None
    display_name: str | None = None
    email: str | None = None
    realm: str | None = None  # where external_id names one person across sources ('atlassian')


@dataclass(frozen=True)
class ConfiguredPerson:
    """A person of the config's `people:` section: id `person:<slug>`, and handles as
    (tool, tool:source or 'email', handle)."""

    person_id: str
    name: str
    handles: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Identity:
    """An account and the person it belongs to, with the rule that joined them."""

    account: Account
    person_id: str
    matched_by: str  # 'config', 'account_id', 'email' or 'own'


@dataclass
class Resolution:
    """Every account's person, each person's name, and what could not be decided."""

    identities: list[Identity] = field(default_factory=list)
    names: dict[str, str | None] = field(default_factory=dict)  # person_id → display name
    problems: list[str] = field(default_factory=list)


def _name_key(name: str | None) -> str:
    return re.sub(r"\s+", " ", (name or "").strip()).casefold()


def _claims(person: ConfiguredPerson, account: Account) -> bool:
    for key, handle in person.handles:
        if key == "email":
            if account.email and account.email.lower() == handle.lower():
                return True
            continue
        tool, _, source = key.partition(":")
        if tool != account.tool or (source and account.source_id != f"{tool}:{source}"):
            continue
        if handle in (account.external_id, account.handle) or (
            account.handle and account.handle.casefold() == handle.casefold()
        ):
            return True
    return False


class _Groups:
    """Union-find over account ids."""

    def __init__(self, ids: Iterable[str]) -> None:
        self.parent = {i: i for i in ids}

    def find(self, i: str) -> str:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, members: Sequence[str]) -> None:
        for other in members[1:]:
            a, b = self.find(members[0]), self.find(other)
            if a != b:
                self.parent[max(a, b)] = min(a, b)


def resolve_people(
    accounts: Sequence[Account], configured: Sequence[ConfiguredPerson], tool_order: Sequence[str]
) -> Resolution:
    """Group `accounts` into people.

    A configured person takes every account a handle of theirs names, and the accounts those share
    an accountId or e-mail with. Other accounts sharing an accountId (same realm) or an e-mail are
    one person, whose id is their first account's (by `tool_order`, then id). An account claimed by
    two configured people, or a group joining accounts two configured people claim, is a problem:
    the claimed accounts follow the config, the others stay apart.
    """
    result = Resolution()
    by_id = {a.account_id: a for a in accounts}
    groups = _Groups(by_id)
    by_realm_id: dict[tuple[str, str], list[str]] = defaultdict(list)
    by_email: dict[str, list[str]] = defaultdict(list)
    for a in accounts:
        if a.realm:
            by_realm_id[(a.realm, a.external_id)].append(a.account_id)
        if a.email:
            by_email[a.email.lower()].append(a.account_id)
    for members in by_realm_id.values():
        groups.join(members)
    for members in by_email.values():
        groups.join(members)

    claimed: dict[str, ConfiguredPerson] = {}
    for a in accounts:
        listed = [p for p in configured if _claims(p, a)]
        if len(listed) > 1:
            names = " and ".join(repr(p.name) for p in listed)
            result.problems.append(f"people: account {a.account_id} is listed for {names}; it is left to neither")
        elif listed:
            claimed[a.account_id] = listed[0]

    members_of: dict[str, list[Account]] = defaultdict(list)
    for a in accounts:
        members_of[groups.find(a.account_id)].append(a)
    rank = {tool: i for i, tool in enumerate(tool_order)}
    shared_realm = {i for members in by_realm_id.values() if len(members) > 1 for i in members}
    for group in members_of.values():
        owners = {claimed[a.account_id].person_id: claimed[a.account_id] for a in group if a.account_id in claimed}
        if len(owners) > 1:
            names = ", ".join(repr(p.name) for p in owners.values())
            result.problems.append(
                f"people: accounts {', '.join(sorted(a.account_id for a in group))} share an accountId or "
                f"e-mail but the config lists them for {names}; each listed account follows the config"
            )
        first = min(group, key=lambda a: (rank.get(a.tool, len(rank)), a.account_id))
        for a in group:
            if a.account_id in claimed:
                result.identities.append(Identity(a, claimed[a.account_id].person_id, "config"))
                continue
            if len(owners) == 1:
                person_id = next(iter(owners))
            elif owners:
                # the group is ambiguous: only the same accountId still decides
                same = {
                    claimed[i].person_id for i in by_realm_id.get((a.realm or "", a.external_id), ()) if i in claimed
                }
                if len(same) == 1:
                    result.identities.append(Identity(a, same.pop(), "account_id"))
                else:
                    result.identities.append(Identity(a, a.account_id, "own"))
                continue
            else:
                person_id = first.account_id
            how = "own" if len(group) == 1 else "account_id" if a.account_id in shared_realm else "email"
            result.identities.append(Identity(a, person_id, how))

    for person in configured:
        result.names[person.person_id] = person.name
    seen: dict[str, list[Account]] = defaultdict(list)
    for i in result.identities:
        seen[i.person_id].append(i.account)
    for person_id, accounts_of in seen.items():
        if person_id not in result.names:
            result.names[person_id] = max((a.display_name for a in accounts_of if a.display_name), default=None)
    result.problems += _name_only_matches(result)
    result.problems += _unmatched_handles(accounts, configured)
    return result


def _unmatched_handles(accounts: Sequence[Account], configured: Sequence[ConfiguredPerson]) -> list[str]:
    """Handles of the config that name no account of a tool whose accounts were seen: a typo there
    would leave a person's work with someone else, silently."""
    seen_tools = {a.tool for a in accounts} | ({"email"} if any(a.email for a in accounts) else set())
    problems = []
    for person in configured:
        for key, handle in person.handles:
            if key.partition(":")[0] not in seen_tools:
                continue
            alone = ConfiguredPerson(person.person_id, person.name, ((key, handle),))
            if not any(_claims(alone, a) for a in accounts):
                problems.append(
                    f"people: {person.name!r} lists {key} handle {handle!r}, which no synced account has; "
                    "check the id or name in the config"
                )
    return problems


def _name_only_matches(result: Resolution) -> list[str]:
    """People that nothing links but their name: a suggestion to list them under `people:`."""
    by_name: dict[str, set[str]] = defaultdict(set)
    spelled: dict[str, str] = {}
    for i in result.identities:
        for name in (i.account.display_name, result.names.get(i.person_id)):
            if name and _name_key(name):
                by_name[_name_key(name)].add(i.person_id)
                spelled.setdefault(_name_key(name), name)
    problems = []
    for key, people in sorted(by_name.items()):
        if len(people) > 1:
            problems.append(
                f"people: {spelled[key]!r} is the name of {len(people)} people ({', '.join(sorted(people))}) that no "
                "accountId or e-mail links; if they are one person, list their handles under `people:` in the config"
            )
    return problems
