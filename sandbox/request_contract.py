"""Every request the sandbox receives is checked against the vendor's official request description.

A sandbox that accepts whatever its own clients send can share their mistakes: pmhub once sent
`"expand": "changelog"` (a string) where Jira's `BulkFetchIssueRequestBean` requires an array, a
real server ignored it, and every changelog was lost while the sandbox played along. So before a
route's handler runs, the request is validated against the operation in the vendor's OpenAPI
document (sandbox.vendor_specs, patched only where evidence says the document is wrong):

- path and query parameters: types, formats, enums, minima and maxima, patterns, `style`/`explode`
  (an exploded array sent comma-joined is one malformed value, not several), required ones;
- a query parameter the operation does not declare, or a single-valued one given twice: the real
  API would ignore it silently, so whatever it asked for would silently not happen;
- the JSON body: types (array vs string), required keys, `additionalProperties: false`, limits;
- the content type of a body (415 when it is not JSON);
- a multipart/form-data body (a file upload): the parts the operation requires, and no other.

A violation gets the vendor's error body (`VendorApi.error`) with status 400 (415 for the content
type), and names what is wrong. There is no switch to turn this off.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from jsonschema_path import SchemaPath
from openapi_core.datatypes import RequestParameters
from openapi_core.deserializing.styles.exceptions import EmptyQueryParameterValue
from openapi_core.validation.request.validators import V30RequestBodyValidator, V30RequestParametersValidator
from werkzeug.datastructures import Headers, ImmutableMultiDict

from sandbox.http_kit import ApiRequest, Violation, form_parts
from sandbox.vendor_specs import SPEC_FILES, Spec, load_spec, operation_parameters

_PLACEHOLDER = re.compile(r"\{[^}]+\}")
_JSON_TYPE = re.compile(r"^application/(.+\+)?json\b")


def _shape(path: str) -> str:
    return _PLACEHOLDER.sub("{}", path.rstrip("/") or "/")


@dataclass(frozen=True)
class _Operation:
    spec_path: str
    method: str
    query_names: frozenset[str]
    single_valued: frozenset[str]
    json_body: bool
    # a multipart/form-data body: (the parts it requires, the parts it declares); None for others
    form_parts: tuple[frozenset[str], frozenset[str]] | None = None


class _Request:
    """What openapi-core reads of a request (its `Request` protocol)."""

    host_url = "http://sandbox.invalid"

    def __init__(self, request: ApiRequest) -> None:
        self.path = request.path
        self.method = request.method.lower()
        self.full_url_pattern = self.host_url + request.path
        self.content_type = request.headers.get("content-type", "application/json").lower()
        self.body = request.body or None
        pairs = [(name, value) for name, values in request.query.items() for value in values]
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(pairs), header=Headers(dict(request.headers)), cookie=ImmutableMultiDict()
        )


class RequestContract:
    """The request side of one vendor's document, for the routes one sandbox API serves.

    `routes` are (method, sandbox path template) pairs; each must name an operation of the
    document (ValueError otherwise: the sandbox must not serve what the vendor does not document).
    """

    def __init__(self, vendor: str, routes: Iterable[tuple[str, str]]) -> None:
        spec = load_spec(vendor)
        base = SPEC_FILES[vendor][1].rstrip("/")
        by_shape = {_shape(path): path for path in spec["paths"]}
        self._operations: dict[tuple[str, str], _Operation] = {}
        for method, template in routes:
            relative = template[len(base) :] if base and template.startswith(base) else template
            spec_path = by_shape.get(_shape(relative))
            if spec_path is None or method.lower() not in spec["paths"][spec_path]:
                raise ValueError(f"{method} {template} is not an operation of the {vendor} OpenAPI document")
            self._operations[(method, template)] = _operation(spec, spec_path, method.lower())
        served = {op.spec_path for op in self._operations.values()}
        pruned = {**spec, "paths": {path: spec["paths"][path] for path in served}}
        schema = SchemaPath.from_dict(pruned)
        self._parameters = V30RequestParametersValidator(schema)
        self._body = V30RequestBodyValidator(schema)

    def check(self, method: str, template: str, request: ApiRequest) -> Violation | None:
        """None when the request keeps the contract, else the first violation found."""
        operation = self._operations[(method, template)]
        unknown = sorted(set(request.query) - operation.query_names)
        if unknown:
            return Violation(
                400,
                f"Unknown query parameter '{unknown[0]}' for {method} {operation.spec_path}: the API ignores it, "
                "so what it asks for would silently not happen.",
            )
        repeated = sorted(n for n in operation.single_valued if len(request.query.get(n, ())) > 1)
        if repeated:
            return Violation(400, f"The query parameter '{repeated[0]}' takes one value but was given several.")
        if operation.json_body and request.body:
            content_type = request.headers.get("content-type", "")
            if not _JSON_TYPE.match(content_type.lower()):
                return Violation(415, f"Unsupported Media Type: {content_type or 'none'} (expected application/json).")
        wrapped = _Request(request)
        for error in self._parameters.iter_errors(wrapped):
            # An empty value (`jql=`) is left to the handler: the vendors answer it with their own
            # message ("Unbounded JQL queries are not allowed here"), not as a malformed parameter.
            if not any(isinstance(e, EmptyQueryParameterValue) for e in _chain(error)):
                return Violation(400, _describe(error))
        if operation.json_body:
            for error in self._body.iter_errors(wrapped):
                return Violation(400, _describe(error))
        if operation.form_parts is not None:
            return _form_violation(operation.form_parts, request)
        return None


def _form_violation(parts: tuple[frozenset[str], frozenset[str]], request: ApiRequest) -> Violation | None:
    """A multipart/form-data body missing a part the operation requires, or holding one it does not
    declare (openapi-core checks JSON bodies only)."""
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        return Violation(415, f"Unsupported Media Type: {content_type or 'none'} (expected multipart/form-data).")
    sent = {str(part.get_param("name", header="content-disposition")) for part in form_parts(request)}
    required, declared = parts
    if missing := sorted(required - sent):
        return Violation(400, f"The multipart part '{missing[0]}' is required.")
    if unknown := sorted(sent - declared):
        return Violation(400, f"The multipart part '{unknown[0]}' is not declared for this operation.")
    return None


def _operation(spec: Spec, spec_path: str, method: str) -> _Operation:
    parameters = operation_parameters(spec, spec_path, method)
    query = [p for p in parameters if p["in"] == "query"]
    # Credentials passed as query parameters (Trello's key and token) are security, not parameters.
    schemes = spec.get("components", {}).get("securitySchemes", {}).values()
    credentials = {s["name"] for s in schemes if s.get("type") == "apiKey" and s.get("in") == "query"}
    single = {p["name"] for p in query if _schema_type(spec, p.get("schema", {})) != "array"}
    body = spec["paths"][spec_path][method].get("requestBody", {})
    # A shared request body (`$ref: #/components/requestBodies/PageUpdateRequest`) is checked too: read
    # without resolving, it looked like no JSON body at all, and its writes went unvalidated.
    while "$ref" in body:
        body = spec["components"]["requestBodies"][body["$ref"].rsplit("/", 1)[1]]
    json_body = any(_JSON_TYPE.match(kind) for kind in body.get("content", {}))
    form = body.get("content", {}).get("multipart/form-data", {}).get("schema")
    parts = (frozenset(form.get("required", ())), frozenset(form.get("properties", {}))) if form else None
    return _Operation(
        spec_path,
        method.upper(),
        frozenset({p["name"] for p in query} | credentials),
        frozenset(single),
        json_body,
        parts,
    )


def _schema_type(spec: Spec, schema: dict[str, Any]) -> str | None:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    kind = schema.get("type")
    return kind if isinstance(kind, str) else None


def _describe(error: BaseException) -> str:
    """One line: what was wrong (the parameter or body part) and the schema's complaint."""
    details = list(_schema_messages(error))
    head = str(error)
    if len(head) > 80:  # a body error quotes the whole body; the schema's complaint says enough
        head = head.split(":", 1)[0]
    return f"{head}: {'; '.join(details)}" if details else head


def _schema_messages(error: BaseException) -> Iterator[str]:
    for link in _chain(error):
        for schema_error in getattr(link, "schema_errors", None) or ():
            where = "".join(f"[{p!r}]" for p in schema_error.absolute_path)
            yield f"{where} {schema_error.message}".strip()


def _chain(error: BaseException | None) -> Iterator[BaseException]:
    """The error and what caused it, outermost first."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__
