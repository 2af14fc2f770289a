"""The fixture anonymizer (tests/fixtures/people.py, jsonsplice.py) on small made-up Trello and Jira payloads:
which strings it replaces, and that it keeps everything else, ids, dates and the file's layout included."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.fixtures.anonymize import anonymize_texts
from tests.fixtures.jsonsplice import splice
from tests.fixtures.people import People
from tests.fixtures.records import PersonHashes, person_strings_in, skeleton_sha256

WANDA = "5a1b2c3d4e5f60718293a4b5"  # a Trello member id
AVATAR = "0123456789abcdef0123456789abcdef"
MEMBER = {
    "id": WANDA,
    "fullName": "Wanda Quibble",
    "username": "wandaq",
    "initials": "WQ",
    "avatarHash": AVATAR,
    "avatarUrl": f"https://trello-members.s3.amazonaws.com/{WANDA}/{AVATAR}",
    "bio": "Runs the mill.",
    "url": "https://trello.com/wandaq",
    "nonPublic": {"fullName": "Wanda Quibble"},
}
BOARD: dict[str, Any] = {
    "id": "5a1b2c3d4e5f60718293a4c0",
    "name": "Mill",
    "lists": [{"id": "5a1b2c3d4e5f60718293a4c1", "name": "Wanda's queue", "pos": 16384}],
    "cards": [
        {
            "id": "5a1b2c3d4e5f60718293a4c2",
            "idList": "5a1b2c3d4e5f60718293a4c1",
            "idMembers": [WANDA],
            "name": "Ask Wanda about the wheel",
            "desc": "Mail wanda.q@mill.example.\nTo: Otto Fernsby <otto@mill.example>",
            "email": "wandaq+abc123+def456@boards.trello.com",
            "url": "https://trello.com/c/AbCdEf12/7-ask-wanda-about-the-wheel",
            "dateLastActivity": "2020-02-12T16:08:28.111Z",
        }
    ],
    "members": [MEMBER],
    "actions": [
        {
            "id": "5a1b2c3d4e5f60718293a4c3",
            "idMemberCreator": WANDA,
            "type": "commentCard",
            "date": "2020-02-12T16:08:28.111Z",
            "data": {"text": "@wandaq thanks, Wanda! Otto agrees.", "card": {"id": "5a1b2c3d4e5f60718293a4c2"}},
            "memberCreator": {k: MEMBER[k] for k in ("id", "fullName", "username", "initials", "avatarHash")},
        },
        {
            "id": "5a1b2c3d4e5f60718293a4c4",
            "idMemberCreator": WANDA,
            "type": "addMemberToCard",
            "date": "2020-02-13T09:00:00.000Z",
            "data": {"idMember": WANDA, "member": {"id": WANDA, "name": "Wanda Quibble"}},
        },
    ],
}
SERVER_USER = {
    "self": "https://jira.example/rest/api/2/user?username=otto.f",
    "name": "otto.f",
    "key": "otto.f",
    "emailAddress": "otto.f@mill.example",
    "avatarUrls": {"48x48": "https://jira.example/secure/useravatar?ownerId=otto.f&avatarId=10122"},
    "displayName": "Otto Fernsby",
    "active": True,
}
CLOUD_USER = {
    "self": "https://mill.atlassian.net/rest/api/3/user?accountId=557058%3Aabc",
    "accountId": "557058:abc",
    "avatarUrls": {
        "48x48": f"https://secure.gravatar.com/avatar/{AVATAR}?d=https%3A%2F%2Favatar.example%2Finitials%2FTY-3.png"
    },
    "displayName": "山田太郎",
    "active": True,
}
ADMIN = {"self": "https://jira.example/rest/api/2/user?username=admin", "name": "admin", "displayName": "admin"}
ISSUE: dict[str, Any] = {
    "id": "10002",
    "key": "MILL-1",
    "fields": {
        "summary": "Grease the admin panel for Otto",
        "assignee": SERVER_USER,
        "reporter": CLOUD_USER,
        "creator": ADMIN,
        "description": "山田と申します。山田太郎より。山様へ。[~otto.f] please look.",
        "created": "2021-08-29T18:04:39.112+0000",
    },
    "changelog": {
        "histories": [
            {
                "id": "1",
                "author": SERVER_USER,
                "created": "2021-08-30T10:00:00.000+0000",
                "items": [
                    {
                        "field": "assignee",
                        "from": "admin",
                        "fromString": "admin",
                        "to": "otto.f",
                        "toString": "Otto Fernsby",
                    },
                    {"field": "status", "from": "1", "fromString": "Open", "to": "3", "toString": "In Progress"},
                ],
            }
        ]
    },
}


def _anonymized(*documents: Any) -> tuple[list[Any], People]:
    people = People.of(list(documents))
    return [people.rewrite(d) for d in documents], people


def test_a_trello_member_is_replaced_everywhere_by_one_pseudonym():
    (board,), people = _anonymized(BOARD)
    wanda = people.person(WANDA)
    assert (wanda.name, wanda.username) == (f"Person {wanda.tag}", f"person{wanda.tag}")
    member = board["members"][0]
    assert (member["fullName"], member["username"], member["initials"]) == (wanda.name, wanda.username, wanda.initials)
    assert member["avatarHash"] != AVATAR and len(member["avatarHash"]) == 32
    assert member["avatarUrl"] == f"https://trello-members.s3.amazonaws.com/{WANDA}/{member['avatarHash']}"
    assert (member["bio"], member["url"]) == (f"{wanda.name}'s bio", f"https://trello.com/{wanda.username}")
    assert member["nonPublic"] == {"fullName": wanda.name}
    card = board["cards"][0]
    assert card["name"] == f"Ask {wanda.name} about the wheel"
    assert card["email"] == f"{wanda.username}+abc123+def456@boards.trello.com"
    assert card["url"] == f"https://trello.com/c/AbCdEf12/7-ask-{wanda.username}-about-the-wheel"
    otto = people.person("email:otto")  # known only from a mail header: its display name is a person
    assert card["desc"].splitlines()[1] == f"To: {otto.name} <{otto.username}@mill.example>"
    comment, added = board["actions"]
    assert comment["data"]["text"] == f"@{wanda.username} thanks, {wanda.name}! {otto.name} agrees."
    assert comment["memberCreator"]["avatarHash"] == member["avatarHash"]
    assert added["data"]["member"] == {"id": WANDA, "name": wanda.name}
    assert board["lists"][0]["name"] == f"{wanda.name}'s queue"
    assert skeleton_sha256(board) == skeleton_sha256(BOARD)  # ids, dates, counts: all kept
    assert card["idMembers"] == [WANDA] and comment["date"] == BOARD["actions"][0]["date"]


def test_jira_users_server_and_cloud_and_their_changelog():
    (issue,), people = _anonymized(ISSUE)
    otto, yamada, admin = people.person("otto.f"), people.person("557058:abc"), people.person("admin")
    fields = issue["fields"]
    assert fields["assignee"] == {
        "self": f"https://jira.example/rest/api/2/user?username={otto.username}",
        "name": otto.username,
        "key": otto.username,
        "emailAddress": f"{otto.username}@mill.example",
        "avatarUrls": {"48x48": f"https://jira.example/secure/useravatar?ownerId={otto.username}&avatarId=10122"},
        "displayName": otto.name,
        "active": True,
    }
    reporter = fields["reporter"]
    assert (reporter["accountId"], reporter["self"]) == (CLOUD_USER["accountId"], CLOUD_USER["self"])  # ids stay
    assert reporter["displayName"] == yamada.name
    assert (
        AVATAR not in reporter["avatarUrls"]["48x48"]
        and f"initials%2F{yamada.initials}-3.png" in reporter["avatarUrls"]["48x48"]
    )
    assert fields["creator"]["name"] == admin.username and fields["creator"]["displayName"] == admin.name
    assert fields["summary"] == f"Grease the admin panel for {otto.name}"  # a generic account's name is a word
    assert fields["description"] == (
        f"{yamada.name}と申します。{yamada.name}より。{yamada.name}様へ。[~{otto.username}] please look."
    )
    assignee_change, status_change = issue["changelog"]["histories"][0]["items"]
    assert assignee_change == {
        "field": "assignee",
        "from": admin.username,
        "fromString": admin.name,
        "to": otto.username,
        "toString": otto.name,
    }
    assert status_change == ISSUE["changelog"]["histories"][0]["items"][1]
    assert skeleton_sha256(issue) == skeleton_sha256(ISSUE)


def test_the_same_input_gives_the_same_fixture_and_no_person_string_is_left():
    originals = {"board.json": json.dumps(BOARD, indent=2), "issue.json": json.dumps(ISSUE, ensure_ascii=False)}
    first, hashes = anonymize_texts(originals)
    again, hashes_again = anonymize_texts(originals)
    assert first == again and hashes == hashes_again
    for name, text in originals.items():
        found = {hit.lower() for _, hit in person_strings_in(json.loads(text), hashes)}
        assert {"wanda quibble", "wandaq", "otto fernsby", "otto.f", "山田太郎", "山田"} & found  # the check sees them
        assert person_strings_in(json.loads(first[name].text), hashes) == []
    assert PersonHashes.of(["Wanda"]).sha256 <= hashes.sha256  # a name part of 4+ letters counts


def test_splice_keeps_the_layout_and_rewrites_only_changed_strings():
    raw = '{"a" :[\n\n    ], "b":"caf\\u00e9", "n": 1.50, "who":"Wanda"}\n'
    text, changed = splice(raw, {"a": [], "b": "café", "n": 1.5, "who": "Person 1234"})
    assert (text, changed) == ('{"a" :[\n\n    ], "b":"caf\\u00e9", "n": 1.50, "who":"Person 1234"}\n', 1)
    with pytest.raises(ValueError, match="array"):
        splice('{"a": []}', {"a": [1]})


def test_names_a_reviewer_listed_are_found_by_their_hash():
    named = PersonHashes.of(["Ida Brimble", "Brimble"])  # what `--name` stores: hashes only
    text = json.dumps({"id": "5a1b2c3d4e5f60718293a4b9", "note": "Ida Brimble and Brimble's cat; brimblestone stays"})
    files, hashes = anonymize_texts({"note.json": text}, named)
    note = json.loads(files["note.json"].text)["note"]
    assert re.fullmatch(r"Person [0-9a-f]{4} and Person [0-9a-f]{4}'s cat; brimblestone stays", note), note
    assert named.sha256 <= hashes.sha256  # and the leak check looks for them too
