"""The API's reference page, read from the committed OpenAPI document
(docs/api/openapi.yaml, which tests/webui/api/test_schema.py keeps equal to the
code): per endpoint its method, address, rights, parameters, body and answers, and
per schema its fields, each with an example made from the schema. Plain data for a
server-rendered Dutch page: Swagger UI's own markup failed axe (nested buttons,
contrast) and spoke English."""

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

import yaml

DOCUMENT = Path("docs") / "api" / "openapi.yaml"
METHODS = ("get", "post", "put", "patch", "delete")
# Example values by format, as a Dutch integration specialist would recognise them.
FORMAT_EXAMPLES: dict[str, Any] = {
    "date": "2026-01-05",
    "date-time": "2026-01-05T09:30:00+01:00",
    "uuid": "3f2a6c1e-8b7d-4e59-9a0c-1d2e3f4a5b6c",
    "uri": "https://wegwijs.gemeente.nl/api/v1/dossiers/WW-2026-00042",
    "email": "naam@gemeente.nl",
}
# And by name, for the plain strings whose meaning the name gives away.
NAME_EXAMPLES: dict[str, str] = {
    "kenmerk": "WW-2026-00042",
    "referentie": "ZS-2026-0042",
    "gemeente": "polderdam",
    "mbOrganisatie": "vluchtelingenwerk-west",
    "client_id": "ww-3f2a6c1e",
    "client_secret": "geheim-van-de-client",
    "access_token": "eyJ0eXAiOi…",
    "token_type": "Bearer",
    "scope": "dossiers.lezen aanmeldingen.schrijven",
    "instance": "/api/v1/aanmeldingen",
    "title": "Ongeldige aanvraag",
    "type": "urn:wegwijs:probleem:ongeldige-aanvraag",
    "detail": "De aanvraag bevat fouten; zie invalidParams.",
    "naam": "Amina Voorbeeld",
    "ondertekeningssleutel": "k3Y-v00rb33ld",
}
TAG_TITLES = {
    "toegang": "Toegang",
    "aanmeldingen": "Aanmeldingen",
    "dossiers": "Dossiers",
    "abonnementen": "Abonnementen op gebeurtenissen",
}
PLACES = {
    "query": "in de query",
    "path": "in het pad",
    "header": "kop",
    "cookie": "cookie",
}


@dataclass
class Field:
    name: str
    kind: str
    required: bool
    description: str = ""
    values: list[str] = field(default_factory=list)
    schema_ref: str = ""
    read_only: bool = False


@dataclass
class Body:
    media_type: str
    schema_ref: str
    example: str = ""


@dataclass
class Answer:
    status: str
    description: str
    bodies: list[Body]


@dataclass
class Operation:
    anchor: str
    method: str
    path: str
    summary: str
    description: str
    scopes: list[str]
    parameters: list[Field]
    body: list[Body]
    answers: list[Answer]


@dataclass
class Section:
    anchor: str
    title: str
    operations: list[Operation]


@dataclass
class Schema:
    name: str
    description: str
    kind: str
    fields: list[Field]
    values: list[str]
    example: str


@dataclass
class Reference:
    title: str
    version: str
    description: str
    sections: list[Section]
    schemas: list[Schema]
    scopes: list[tuple[str, str]]
    token_url: str


def _ref_name(schema: dict[str, Any]) -> str:
    ref = schema.get("$ref", "")
    return ref.rsplit("/", 1)[-1] if ref else ""


def _kind(schema: dict[str, Any]) -> str:
    """The type in words: ``string (date)``, ``lijst van Mijlpaal``, ``Spoor``."""
    if name := _ref_name(schema):
        return name
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return _kind(schema["allOf"][0])
    if "oneOf" in schema or "anyOf" in schema:
        return " of ".join(
            _kind(s) for s in (schema.get("oneOf") or schema.get("anyOf") or [])
        )
    kind = str(schema.get("type", "object"))
    if kind == "array":
        return f"lijst van {_kind(schema.get('items', {}))}"
    if schema.get("format"):
        kind += f" ({schema['format']})"
    if schema.get("nullable"):
        kind += ", mag null zijn"
    return kind


def _scalar_example(schema: dict[str, Any], name: str) -> Any:
    kind = schema.get("type", "string")
    if kind == "integer":
        return int(schema.get("minimum", 1))
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return True
    if schema.get("format"):
        return FORMAT_EXAMPLES.get(schema["format"], "tekst")
    return NAME_EXAMPLES.get(name, "tekst")


class _Document:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.schemas: dict[str, Any] = document.get("components", {}).get("schemas", {})

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        name = _ref_name(schema)
        return self.schemas.get(name, {}) if name else schema

    def example(self, schema: dict[str, Any], depth: int = 0, name: str = "") -> Any:
        """A value that fits ``schema``: the schema's own example when it gives
        one, else made from its type, format and choices."""
        if depth > 6:
            return None
        if "example" in schema:
            return schema["example"]
        if _ref_name(schema):
            return self.example(self.resolve(schema), depth + 1)
        for combined in ("allOf", "oneOf", "anyOf"):
            if schema.get(combined):
                return self.example(schema[combined][0], depth + 1)
        if schema.get("enum"):
            return schema["enum"][0]
        kind = schema.get("type", "object")
        if kind == "object" or "properties" in schema:
            return {
                key: self.example(prop, depth + 1, key)
                for key, prop in schema.get("properties", {}).items()
            }
        if kind == "array":
            return [self.example(schema.get("items", {}), depth + 1)]
        return _scalar_example(schema, name)

    def example_text(self, schema: dict[str, Any]) -> str:
        return json.dumps(self.example(schema), ensure_ascii=False, indent=2)

    def fields(self, schema: dict[str, Any]) -> list[Field]:
        required = set(schema.get("required", []))
        found = []
        for name, prop in schema.get("properties", {}).items():
            target = self.resolve(prop.get("items", prop))
            found.append(
                Field(
                    name=name,
                    kind=_kind(prop),
                    required=name in required,
                    description=str(prop.get("description", "")),
                    values=[str(v) for v in (prop.get("enum") or [])],
                    schema_ref=_ref_name(prop.get("items", prop))
                    if "properties" in target or "enum" in target
                    else "",
                    read_only=bool(prop.get("readOnly")),
                )
            )
        return found

    def body_example(self, spec: dict[str, Any]) -> str:
        """The document's own example of a body when it has one (the first),
        else one made from the schema."""
        given = spec.get("examples") or {}
        if given:
            value = next(iter(given.values())).get("value")
            return json.dumps(value, ensure_ascii=False, indent=2)
        if "example" in spec:
            return json.dumps(spec["example"], ensure_ascii=False, indent=2)
        return self.example_text(spec["schema"]) if spec.get("schema") else ""

    def bodies(self, content: dict[str, Any], *, examples: bool) -> list[Body]:
        return [
            Body(
                media_type=media_type,
                schema_ref=_ref_name(spec.get("schema", {})),
                example=self.body_example(spec) if examples else "",
            )
            for media_type, spec in content.items()
        ]


def _scopes(operation: dict[str, Any]) -> list[str]:
    return [
        scope
        for need in operation.get("security", [])
        for s in need.values()
        for scope in s
    ]


def _operation(doc: _Document, path: str, method: str, op: dict[str, Any]) -> Operation:
    parameters = [
        Field(
            name=p["name"],
            kind=f"{_kind(p.get('schema', {}))}, {PLACES.get(p.get('in', ''), '')}",
            required=bool(p.get("required")),
            description=str(p.get("description", "")),
            values=[str(v) for v in (p.get("schema", {}).get("enum") or [])],
        )
        for p in op.get("parameters", [])
    ]
    body = doc.bodies(op.get("requestBody", {}).get("content", {}), examples=True)
    answers = [
        Answer(
            status=str(status),
            description=str(answer.get("description", "")),
            # An example of the success only; the problems share one shape.
            bodies=doc.bodies(
                answer.get("content", {}), examples=str(status).startswith("2")
            ),
        )
        for status, answer in sorted(op.get("responses", {}).items())
    ]
    return Operation(
        anchor=str(op.get("operationId", f"{method}-{path}")),
        method=method.upper(),
        path=path,
        summary=str(op.get("summary", "")),
        description=str(op.get("description", "")),
        scopes=_scopes(op),
        parameters=parameters,
        body=body,
        answers=answers,
    )


def reference_of(document: dict[str, Any]) -> Reference:
    """The page's content from an OpenAPI 3 document (a dict)."""
    doc = _Document(document)
    sections: dict[str, Section] = {}
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            if method not in item:
                continue
            op = item[method]
            tag = (op.get("tags") or ["overig"])[0]
            section = sections.setdefault(
                tag, Section(f"groep-{tag}", TAG_TITLES.get(tag, tag.capitalize()), [])
            )
            section.operations.append(_operation(doc, path, method, op))
    schemas = [
        Schema(
            name=name,
            description=str(schema.get("description", "")),
            kind=_kind(schema) if "properties" not in schema else "object",
            fields=doc.fields(schema),
            values=[str(v) for v in (schema.get("enum") or [])],
            example=doc.example_text(schema) if "properties" in schema else "",
        )
        for name, schema in doc.schemas.items()
    ]
    security = document.get("components", {}).get("securitySchemes", {})
    scheme: dict[str, Any] = next(iter(security.values()), {})
    flow = scheme.get("flows", {}).get("clientCredentials", {})
    info = document.get("info", {})
    return Reference(
        title=str(info.get("title", "")),
        version=str(info.get("version", "")),
        description=str(info.get("description", "")),
        sections=list(sections.values()),
        schemas=schemas,
        scopes=[(k, str(v)) for k, v in flow.get("scopes", {}).items()],
        token_url=str(flow.get("tokenUrl", "")),
    )


@lru_cache(maxsize=1)
def api_reference() -> Reference:
    """The reference of the committed document; read once per process (the file
    changes only with a deploy)."""
    path = Path(settings.BASE_DIR) / DOCUMENT
    with path.open(encoding="utf-8") as handle:
        return reference_of(yaml.safe_load(handle))
