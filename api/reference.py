"""The API's reference page, rendered on the server from the OpenAPI document: readable
without JavaScript and within the site's CSP (django-ninja's Swagger UI page would need a
script bundle of its own and inline styles)."""

from api.problems import TYPES

METHODS = ("get", "post", "put", "patch", "delete")


def _resolve(schema, document):
    ref = schema.get("$ref")
    if ref:
        return document["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    return schema


def type_of(schema, document):
    """A short text for a JSON schema: `string`, `array of Ticket`, `integer or null`."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return " or ".join(type_of(part, document) for part in schema[key])
    if schema.get("type") == "array":
        return "array of " + type_of(schema.get("items", {}), document)
    if "enum" in schema:
        return "one of " + ", ".join(str(value) for value in schema["enum"])
    kind = schema.get("type", "any")
    return f"{kind} ({schema['format']})" if "format" in schema else kind


def fields(schema, document):
    schema = _resolve(schema, document)
    required = set(schema.get("required", ()))
    return [
        {
            "name": name,
            "type": type_of(prop, document),
            "required": name in required,
            "description": prop.get("description", "") or prop.get("title", ""),
        }
        for name, prop in schema.get("properties", {}).items()
    ]


def operations(document):
    found = []
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            found.append(
                {
                    "id": operation.get("operationId", f"{method}-{path}"),
                    "method": method.upper(),
                    "path": path,
                    "tag": (operation.get("tags") or ["Other"])[0],
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "scope": operation.get("x-scope", ""),
                    "parameters": [
                        {
                            "name": p["name"],
                            "in": p["in"],
                            "required": p.get("required", False),
                            "type": type_of(p.get("schema", {}), document),
                            "description": p.get("description", ""),
                        }
                        for p in operation.get("parameters", [])
                    ],
                    "body": fields(body["schema"], document) if body else [],
                    "responses": [
                        {"status": status, "description": answer.get("description", "")}
                        for status, answer in operation.get("responses", {}).items()
                    ],
                }
            )
    return found


def context(document):
    grouped = {}
    for operation in operations(document):
        grouped.setdefault(operation["tag"], []).append(operation)
    schemas = [
        {
            "name": name,
            "description": schema.get("description", ""),
            "fields": fields(schema, document),
        }
        for name, schema in sorted(document.get("components", {}).get("schemas", {}).items())
    ]
    return {
        "title": document["info"]["title"],
        "version": document["info"]["version"],
        "description": document["info"].get("description", ""),
        "groups": sorted(grouped.items()),
        "schemas": schemas,
        "problems": sorted(TYPES.items()),
    }
