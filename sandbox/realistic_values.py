"""JSON text of the values realistic issues hold, as Jira Cloud serves them, cached where shared.

Options, users, teams, components, versions and link types are serialised once per site and base
URL; an issue's own values (dates, numbers, rich text) are encoded when served.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from sandbox.model import Person
from sandbox.realistic_content import Held
from sandbox.realistic_fields import CustomField
from sandbox.realistic_refs import LINK_TYPES, component, option_id, person, team, version
from sandbox.realistic_text import BlockPool
from sandbox.timefmt import jira_ts

_text = json.JSONEncoder(ensure_ascii=False).encode
# Jira Software's Parent Link on a site without Premium (as in jirametrics/spec/testdata/SP-13.json).
PARENT_LINK = _text(
    {
        "hasEpicLinkFieldDependency": False,
        "showField": False,
        "nonEditableReason": {
            "reason": "PLUGIN_LICENSE_ERROR",
            "message": "The Parent Link is only available to Jira Premium users.",
        },
    }
)
_DEV_NONE = '"{}"'
_EPIC_STATUS = {"new": ("10000", "To Do"), "indeterminate": ("10001", "In Progress"), "done": ("10002", "Done")}


def duration(seconds: int) -> str:
    """Jira's time-tracking text with 8-hour days and 5-day weeks: 144000 -> "1w", 5400 -> "1h 30m"."""
    minutes = seconds // 60
    parts = []
    for unit, size in (("w", 5 * 8 * 60), ("d", 8 * 60), ("h", 60), ("m", 1)):
        count, minutes = divmod(minutes, size)
        if count:
            parts.append(f"{count}{unit}")
    return " ".join(parts) or "0m"


class ValueText:
    """Serialises content values for one site at one base URL."""

    def __init__(self, base: str, people: tuple[Person, ...], users: Mapping[str, str], pool: BlockPool) -> None:
        self.base = base
        self._people = people
        self._users = users
        self.pool = pool
        self.option = lru_cache(maxsize=None)(self._option)
        self.component = lru_cache(maxsize=None)(self._component)
        self.link_type = lru_cache(maxsize=None)(self._link_type)
        self.team = lru_cache(maxsize=None)(self._team)
        self.version = lru_cache(maxsize=4096)(self._version)

    def user(self, selector: int) -> str:
        return self._users[person(self._people, selector).account_id]

    def _option(self, field_num: int, label: str, index: int) -> str:
        oid = option_id(field_num, index)
        return _text({"self": f"{self.base}/rest/api/3/customFieldOption/{oid}", "value": label, "id": oid})

    def _component(self, slot: int, index: int) -> str:
        cid, name = component(slot, index)
        return _text({"self": f"{self.base}/rest/api/3/component/{cid}", "id": cid, "name": name})

    def _link_type(self, kind: int) -> str:
        lid, name, inward, outward = LINK_TYPES[kind]
        link = {"id": lid, "name": name, "inward": inward, "outward": outward}
        return _text({**link, "self": f"{self.base}/rest/api/3/issueLinkType/{lid}"})

    def _team(self, selector: int) -> str:
        tid, name = team(selector)
        body = {"id": tid, "name": name, "avatarUrl": "", "isVisible": True, "isVerified": False, "title": name}
        return _text({**body, "isShared": True})

    def _version(self, slot: int, first: Any, now: datetime) -> str:
        found = version(slot, first)
        released = found.release_date < now.date()
        body = {
            "self": f"{self.base}/rest/api/3/version/{found.id}",
            "id": found.id,
            "description": "",
            "name": found.name,
            "archived": False,
            "released": released,
            "releaseDate": found.release_date.isoformat(),
        }
        return _text(body)

    @staticmethod
    def paragraph(text: str) -> str:
        """A one-paragraph ADF document (the Environment field)."""
        return _text(
            {
                "type": "doc",
                "version": 1,
                "content": [{"type": "paragraph", "content": [{"type": "text", "text": text}]}],
            }
        )

    def epic_status(self, category_key: str) -> str:
        oid, label = _EPIC_STATUS[category_key]
        return _text(
            {"self": f"{self.base}/rest/api/3/customFieldOption/{oid}", "value": label, "id": oid, "disabled": False}
        )

    def held(self, held: Held, created: datetime, now: datetime) -> str:
        """A custom field's value (sandbox.realistic_content.Held) as the issue serves it."""
        field, value = held.field, held.value
        render = _KINDS.get(field.kind)
        if render is not None:
            return render(self, field, value, created, now)
        return _text(value)

    @staticmethod
    def devsummary(state: str, count: int, when: datetime) -> str:
        """The Development field's summary string, as Jira Cloud serves it for linked pull requests."""
        stamp = jira_ts(when)
        summary = {
            "pullrequest": {
                "overall": {
                    "count": count,
                    "lastUpdated": stamp,
                    "stateCount": count,
                    "state": state,
                    "dataType": "pullrequest",
                    "open": state == "OPEN",
                },
                "byInstanceType": {"GitHub": {"count": count, "name": "GitHub"}},
            }
        }
        cached = json.dumps({"cachedValue": {"errors": [], "summary": summary}, "isStale": True}, separators=(",", ":"))
        return _text(f"{{pullrequest={{dataType=pullrequest, state={state}, stateCount={count}}}, json={cached}}}")


def _options(values: ValueText, field: CustomField, value: Any, _c: datetime, _n: datetime) -> str:
    return "[" + ",".join(values.option(field.num, field.options[i], i) for i in value) + "]"


def _datetime(_v: ValueText, _f: CustomField, value: Any, created: datetime, now: datetime) -> str:
    return f'"{jira_ts(min(created + timedelta(minutes=value), now - timedelta(seconds=1)))}"'


_KINDS: dict[str, Callable[[ValueText, CustomField, Any, datetime, datetime], str]] = {
    "option": lambda v, f, value, _c, _n: v.option(f.num, f.options[value], value),
    "options": _options,
    "user": lambda v, _f, value, _c, _n: v.user(value),
    "users": lambda v, _f, value, _c, _n: "[" + ",".join(v.user(s) for s in value) + "]",
    "team": lambda v, _f, value, _c, _n: v.team(value),
    "date": lambda _v, _f, value, created, _n: f'"{(created + timedelta(days=value)).date().isoformat()}"',
    "datetime": _datetime,
    "richtext": lambda v, _f, value, _c, _n: v.pool.doc(value),
    "labels": lambda _v, _f, value, _c, _n: _text(list(value)),
    "devsummary": lambda v, _f, value, created, now: v.devsummary(
        value[0], value[1], min(created + timedelta(days=3), now - timedelta(seconds=1))
    ),
}
NOT_HELD = {"devsummary": _DEV_NONE, "empty": "[]", "parentlink": PARENT_LINK}
