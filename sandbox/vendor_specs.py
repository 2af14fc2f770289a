"""The vendors' official OpenAPI documents (sandbox/specs/), read once and patched where they are wrong.

The sandbox holds itself to these documents in both directions: every request it receives is
checked against the operation's request description (sandbox.request_contract) and every response
it sends is checked against the response schema by the tests. A document is only ever overridden
where real captured data or the vendor's own documentation shows it wrong, and each such patch is
listed in `PATCHES` with its evidence. Nothing else is relaxed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

Spec = dict[str, Any]

# vendor -> (file in sandbox/specs, base path of the spec's `servers` entry as the sandbox serves it)
SPEC_FILES: dict[str, tuple[str, str]] = {
    "jira": ("jira-platform-v3.swagger-v3.v3.json", "/"),
    "agile": ("jira-software.swagger.v3.json", "/"),
    "confluence": ("confluence-v2.openapi-v2.v3.json", "/wiki/api/v2"),
    "confluence-v1": ("confluence-v1.swagger.v3.json", "/"),
    "trello": ("trello.swagger.v3.json", "/1"),
}


def vendor_of(path: str) -> str:
    """Which document describes a sandbox path (by the prefix each product lives under)."""
    if path.startswith("/rest/agile/"):
        return "agile"
    if path.startswith("/wiki/rest/"):
        return "confluence-v1"
    if path.startswith("/wiki/"):
        return "confluence"
    return "jira" if path.startswith("/rest/") else "trello"


@dataclass(frozen=True)
class Patch:
    """One place where a vendor document is overridden: what, why, and the evidence."""

    vendor: str
    what: str
    evidence: str
    apply: Callable[[Spec], None]


def _replace_query_schema(path: str, method: str, name: str, schema: dict[str, Any]) -> Callable[[Spec], None]:
    def apply(spec: Spec) -> None:
        parameters = spec["paths"][path][method]["parameters"]
        index = next(i for i, p in enumerate(parameters) if p.get("name") == name and p.get("in") == "query")
        parameters[index] = {**parameters[index], "schema": schema}

    return apply


def _add_query_parameter(path: str, method: str, name: str, schema: dict[str, Any]) -> Callable[[Spec], None]:
    def apply(spec: Spec) -> None:
        operation = spec["paths"][path][method]
        operation["parameters"] = [*operation.get("parameters", []), {"name": name, "in": "query", "schema": schema}]

    return apply


def _add_query_parameters(path: str, method: str, schemas: dict[str, dict[str, Any]]) -> Callable[[Spec], None]:
    adders = [_add_query_parameter(path, method, name, schema) for name, schema in schemas.items()]

    def apply(spec: Spec) -> None:
        for add in adders:
            add(spec)

    return apply


def _trello_field_lists(spec: Spec) -> None:
    schemas = spec["components"]["schemas"]
    for item in spec["paths"].values():
        for operation in (op for op in item.values() if isinstance(op, dict)):
            for parameter in operation.get("parameters", []):
                ref = parameter.get("schema", {}).get("$ref", "")
                if parameter.get("in") != "query" or not ref.endswith("Fields"):
                    continue
                default = parameter["schema"].get("default")
                # The enums are incomplete (OrganizationFields lacks displayName, which the spec's
                # own default names): the default's names count as fields too.
                listed = [*schemas[ref.rsplit("/", 1)[1]]["enum"], *str(default or "").split(",")]
                names = "|".join(dict.fromkeys(n for n in listed if n and n != "all"))
                parameter["schema"] = {"type": "string", "pattern": f"^(all|({names})(,({names}))*)$"}
                if default is not None:
                    parameter["schema"]["default"] = default


def _trello_member_ids(spec: Spec) -> None:
    for parameter in spec["paths"]["/members/{id}/boards"]["get"]["parameters"]:
        if parameter["name"] == "id" and parameter["in"] == "path":
            parameter["schema"] = {"type": "string"}


def _trello_card_attachments(spec: Spec) -> None:
    for parameter in spec["paths"]["/cards/{id}"]["get"]["parameters"]:
        if parameter["name"] == "attachments":
            parameter["schema"] = {"type": "string", "enum": ["true", "false", "cover"], "default": "false"}


def _nullable_change_details(spec: Spec) -> None:
    for name in ("from", "fromString", "to", "toString"):
        spec["components"]["schemas"]["ChangeDetails"]["properties"][name]["nullable"] = True


def _card_labels_are_objects(spec: Spec) -> None:
    card = spec["components"]["schemas"]["Card"]["properties"]
    card["labels"]["items"] = {
        "oneOf": [{"$ref": "#/components/schemas/Label"}, {"$ref": "#/components/schemas/TrelloID"}]
    }


# Comma-separated values of a closed set, as the operations' own text describes them.
_SPRINT_STATES = {"type": "string", "pattern": "^(future|active|closed)(,(future|active|closed))*$"}
_BOARD_TYPES = {"type": "string", "pattern": "^(scrum|kanban|simple)(,(scrum|kanban|simple))*$"}

_TRELLO_PAGING: dict[str, dict[str, Any]] = {
    "limit": {"type": "integer", "minimum": 1, "maximum": 1000},
    "before": {"type": "string"},
    "since": {"type": "string"},
}


def _confluence_page_bodies(spec: Spec) -> None:
    schemas = spec["components"]["schemas"]
    schemas["PageBodyWrite"] = {**schemas["PageBodyWrite"], "required": ["representation", "value"]}
    schemas["PageNestedBodyWrite"] = {
        **schemas["PageNestedBodyWrite"],
        "additionalProperties": False,
        "minProperties": 1,
    }


PATCHES: tuple[Patch, ...] = (
    Patch(
        "jira",
        "ChangeDetails.from/fromString/to/toString may be null",
        "real changelog items carry null when a field was empty (a resolution being set): "
        "tests/fixtures/jira/jirametrics/spec/testdata/SP-13.json",
        _nullable_change_details,
    ),
    Patch(
        "trello",
        "Card.labels items are Label objects (the spec lists label ids there)",
        "every card of the real board exports in tests/fixtures/trello/ carries label objects",
        _card_labels_are_objects,
    ),
    Patch(
        "agile",
        "GET /board `type`: comma-separated scrum|kanban|simple (the spec declares an empty object)",
        "the operation's own text: 'Filters results to boards of the specified types. Valid values: "
        "scrum, kanban, simple'; boards in tests/fixtures/jira/go-jira/testing/mock-data/all_boards.json",
        _replace_query_schema("/rest/agile/1.0/board", "get", "type", _BOARD_TYPES),
    ),
    Patch(
        "agile",
        "GET /board/{boardId}/sprint `state`: comma-separated future|active|closed (the spec declares an empty object)",
        "the operation's own text: 'Valid values: future, active, closed. You can define multiple states "
        "separated by commas, e.g. state=active,closed'",
        _replace_query_schema("/rest/agile/1.0/board/{boardId}/sprint", "get", "state", _SPRINT_STATES),
    ),
    Patch(
        "trello",
        "GET /boards/{id}/cards/{filter} takes `customFieldItems` (true: each card carries its values)",
        "Trello's custom fields guide ('GET /1/boards/{idBoard}/cards/?customFieldItems=true', "
        "https://developer.atlassian.com/cloud/trello/guides/rest-api/getting-started-with-custom-fields/); "
        "the cards of tests/fixtures/trello/*.json exports carry customFieldItems",
        _add_query_parameter("/boards/{id}/cards/{filter}", "get", "customFieldItems", {"type": "boolean"}),
    ),
    Patch(
        "trello",
        "GET /boards/{id}/cards takes `customFieldItems` too (GET /cards/{id} declares it)",
        "as above: the guide's example reads /boards/{idBoard}/cards/?customFieldItems=true",
        _add_query_parameter("/boards/{id}/cards", "get", "customFieldItems", {"type": "boolean"}),
    ),
    *(
        Patch(
            "trello",
            f"GET {path} pages with `limit` (1-1000), `before` and `since` (object ids or dates)",
            "Trello pages cards like actions: field notes #11 (hakunin's measurements, "
            "https://gist.github.com/hakunin/3c25a4c4ae30a2c2c299: `limit=1` returns the newest card, "
            "`before=<id>` the ones older; Airbyte's source-trello manifest pages cards/all with before); "
            "the spec declares none of the three here",
            _add_query_parameters(path, "get", _TRELLO_PAGING),
        )
        for path in ("/boards/{id}/cards", "/boards/{id}/cards/{filter}")
    ),
    Patch(
        "confluence",
        "a page write's `body` is one of PageBodyWrite (`representation` and `value`) or PageNestedBodyWrite "
        "(one format as a key): the two now exclude each other (the first requires its two keys, the second "
        "takes only the format keys), so the documented form matches one of them",
        "the document itself: neither alternative requires or forbids a key, so every object body, "
        "`{representation, value}` and `{storage: {...}}` alike, matches both and fails the `oneOf`; as written, "
        "no page could ever be created or updated. PageNestedBodyWrite's own description: 'Only one body format "
        "should be specified as the property for this object, e.g. `storage`'",
        _confluence_page_bodies,
    ),
    Patch(
        "trello",
        "`fields`-like query parameters whose schema is a *Fields enum take `all` or a comma-separated list",
        "Trello's reference text for each ('all or a comma-separated list of board/member/organization fields') "
        "and the spec's own defaults ('all', 'name,displayName'), which its single-value enums reject",
        _trello_field_lists,
    ),
    Patch(
        "trello",
        "GET /members/{id}/boards `id` is a member id, a username or `me` (the spec demands a 24-hex id)",
        "the same document's GET /members/{id} takes any string there; Trello's reference: "
        "'The ID or username of the member'; /1/members/me/boards is the documented way to list a token's boards",
        _trello_member_ids,
    ),
    Patch(
        "trello",
        "GET /cards/{id} `attachments` is the text true, false or cover (the spec's default false fails its type)",
        "the parameter's own description: '`true`, `false`, or `cover`'",
        _trello_card_attachments,
    ),
    Patch(
        "trello",
        "GET /boards/{id}/labels `fields` is a comma-separated list of Label fields or `all` "
        "(the spec points the parameter at the Label object schema)",
        "Trello's REST reference for Get Labels on a Board: 'fields: all or a comma-separated list of fields'",
        _replace_query_schema("/boards/{id}/labels", "get", "fields", {"type": "string"}),
    ),
)


def _read(name: str) -> Spec:
    text = (resources.files("sandbox") / "specs" / name).read_text(encoding="utf-8")
    spec: Spec = json.loads(text)
    return spec


@cache
def load_spec(vendor: str) -> Spec:
    """The vendor's document with every patch of `PATCHES` applied and `servers` pointed at the
    sandbox's base path. Shared and cached: callers must not modify it."""
    name, base = SPEC_FILES[vendor]
    spec = _read(name)
    for patch in PATCHES:
        if patch.vendor == vendor:
            patch.apply(spec)
    spec["servers"] = [{"url": base}]
    return spec


def operation_parameters(spec: Spec, path: str, method: str) -> list[dict[str, Any]]:
    """The operation's parameters and its path's, `$ref`s resolved (operation ones win by name+in)."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    item = spec["paths"][path]
    for parameter in [*item.get("parameters", []), *item[method].get("parameters", [])]:
        if "$ref" in parameter:
            parameter = spec["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
        found[(parameter["name"], parameter["in"])] = parameter
    return list(found.values())


__all__ = ["PATCHES", "SPEC_FILES", "Patch", "load_spec", "operation_parameters", "vendor_of"]
