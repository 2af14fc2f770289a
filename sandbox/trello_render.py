"""Trello REST JSON for boards, lists, cards, labels, members and actions.

Shapes follow real Trello responses (e.g. a card's `labels` are label objects and `due` is a full
ISO instant, although the OpenAPI file says otherwise); keys that real Trello fills with null where
the spec forbids null are left out rather than sent as null.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

from sandbox.model import Person, TrelloAction, TrelloBoard, TrelloCard, TrelloLabel, TrelloList
from sandbox.timefmt import iso_z

ORGANIZATION_ID = "5e0f1a2b3c4d5e6f7a8b9c0d"


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _avatar_hash(member_id: str) -> str:
    return hashlib.md5(member_id.encode(), usedforsecurity=False).hexdigest()


def board(value: TrelloBoard) -> dict[str, Any]:
    return {
        "id": value.id,
        "name": value.name,
        "desc": value.desc,
        "closed": False,
        "idOrganization": ORGANIZATION_ID,
        "idMemberCreator": value.member_ids[0],
        "pinned": False,
        "url": value.url or f"https://trello.com/b/{value.short_link}/{_slug(value.name)}",
        "shortUrl": f"https://trello.com/b/{value.short_link}",
        "shortLink": value.short_link,
        "starred": False,
        "subscribed": False,
        "dateLastActivity": iso_z(value.actions[-1].date if value.actions else value.created),
        "prefs": {
            "permissionLevel": "org",
            "hideVotes": False,
            "voting": "disabled",
            "comments": "members",
            "invitations": "members",
            "selfJoin": True,
            "cardCovers": True,
            "isTemplate": False,
            "calendarFeedEnabled": False,
            "backgroundBrightness": "dark",
            "backgroundTopColor": "#0079BF",
            "backgroundBottomColor": "#0079BF",
            "canBePublic": True,
            "canBeEnterprise": True,
            "canBeOrg": True,
            "canBePrivate": True,
            "canInvite": True,
        },
        "labelNames": {label.color: label.name for label in value.labels if label.color},
    }


def trello_list(value: TrelloList) -> dict[str, Any]:
    return {
        "id": value.id,
        "name": value.name,
        "closed": value.closed,
        "idBoard": value.board_id,
        "pos": value.pos,
        "subscribed": False,
    }


def label(value: TrelloLabel) -> dict[str, Any]:
    return {"id": value.id, "idBoard": value.board_id, "name": value.name, "color": value.color}


def card(value: TrelloCard, labels: Mapping[str, TrelloLabel], *, custom_fields: bool = False) -> dict[str, Any]:
    """A card; `custom_fields` adds its `customFieldItems` (asked for with `customFieldItems=true`)."""
    due = iso_z(value.due) if value.due else None
    body: dict[str, Any] = {
        "id": value.id,
        "badges": {
            "attachmentsByType": {"trello": {"board": 0, "card": 0}},
            "location": False,
            "votes": 0,
            "viewingMemberVoted": False,
            "subscribed": False,
            "fogbugz": "",
            "checkItems": 0,
            "checkItemsChecked": 0,
            "comments": value.comments,
            "attachments": 0,
            "description": bool(value.desc),
            "due": due,
            "dueComplete": value.due_complete,
        },
        "checkItemStates": [],
        "closed": value.closed,
        "dueComplete": value.due_complete,
        "dateLastActivity": iso_z(value.last_activity),
        "desc": value.desc,
        "descData": {"emoji": {}},
        "due": due,
        "idBoard": value.board_id,
        "idChecklists": [],
        "idList": value.list_id,
        "idMembers": list(value.member_ids),
        "idMembersVoted": [],
        "idShort": value.id_short,
        "idLabels": list(value.label_ids),
        "labels": [label(labels[i]) for i in value.label_ids],
        "manualCoverAttachment": False,
        "name": value.name,
        "pos": value.pos,
        "shortLink": value.short_link,
        "shortUrl": f"https://trello.com/c/{value.short_link}",
        "subscribed": False,
        "url": value.url or f"https://trello.com/c/{value.short_link}/{value.id_short}-{_slug(value.name)}",
    }
    if custom_fields:
        body["customFieldItems"] = list(value.custom_field_items)
    return body


def member(person: Person, *, full: bool = False, board_ids: tuple[str, ...] = ()) -> dict[str, Any]:
    """A member; `full` is the /members/me view with profile details and board ids."""
    initials = "".join(part[0] for part in person.display_name.split()[:2]).upper()
    avatar = _avatar_hash(person.trello_id)
    body: dict[str, Any] = {
        "id": person.trello_id,
        "activityBlocked": False,
        "avatarHash": avatar,
        "avatarUrl": f"https://trello-members.s3.amazonaws.com/{person.trello_id}/{avatar}",
        "fullName": person.display_name,
        "initials": initials,
        "nonPublicAvailable": True,
        "username": person.username,
    }
    if full:
        body.update(
            bio="",
            confirmed=True,
            memberType="normal",
            url=f"https://trello.com/{person.username}",
            idBoards=list(board_ids),
            idOrganizations=[ORGANIZATION_ID],
            products=[],
            loginTypes=["password"],
        )
    return body


def action(
    value: TrelloAction, people: Mapping[str, Person], *, with_creator: bool, with_member: bool
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": value.id,
        "idMemberCreator": value.member_creator,
        "data": value.data,
        "appCreator": None,
        "type": value.type,
        "date": iso_z(value.date),
        "limits": {},
    }
    if with_creator:
        body["memberCreator"] = member(people[value.member_creator])
    if with_member and value.member is not None:
        body["member"] = member(people[value.member])
    return body


def project(body: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    """Keep only the requested `fields` (plus id), as Trello's `fields` parameter does."""
    if not fields or fields == ["all"]:
        return body
    return {key: value for key, value in body.items() if key == "id" or key in fields}
