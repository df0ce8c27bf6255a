"""Deterministic sample requests and responses for every operation of the four services.

Used by run.py (see README.md). Needs only the standard library and the official SDK packages
pinned in xtask/import/requirements.txt.

For every operation of ``target/import/introspect.json`` (written by ``cargo xtask import``):

* a request object of the official SDK with every path, query and header parameter and every
  body field set, nested models filled (lists with one element, dicts with one entry, the
  recursion cut where a model contains itself); strings are ``"s-<wire name>"``, or the first
  valid value when ``specs/facts/<svc>.json`` lists a string enum for the field; integers
  count 1, 2, ... per operation; floats are ``n + 0.5``; booleans ``True``; free-form
  ``object`` values ``{"key": "s-<wire name>"}``;
* the same request as JSON for the Rust driver (``sanitize_for_serialization``, the SDK's own
  serialiser): ``{"id", "path": {wire: v}, "query": {wire: v}, "header": {wire: v}, "body"}``;
* a sample response, filled the same way from the response model: ``kind`` ``json`` (body =
  the JSON value), ``text`` (a ``str`` body attribute), ``stream`` (a stream response) or
  ``none`` (no body fields: status 204).
"""

from __future__ import annotations

import datetime
import importlib
import json
import os

SERVICES = {
    # key: (module, client class, expected operations)
    "kafka": ("huaweicloudsdkkafka.v2", "KafkaClient", 123),
    "dcs": ("huaweicloudsdkdcs.v2", "DcsClient", 137),
    "rabbitmq": ("huaweicloudsdkrabbitmq.v2", "RabbitMQClient", 52),
    "codeartsartifact": ("huaweicloudsdkcodeartsartifact.v2", "CodeArtsArtifactClient", 59),
}


def use_services_of(dump: dict) -> None:
    """Takes the service list from an introspection document (`cargo xtask import --service`,
    e.g. a scratch trial): key (`vpc.v3` when a folder has several versions) -> module, client
    class and the document's operation count."""
    SERVICES.clear()
    for key, svc in dump["services"].items():
        SERVICES[key] = (svc["module"], svc["client_class"], svc["operation_count"])


def facts_path(root: str, svc: dict) -> str:
    """specs/facts/<service>.<version>.json if present, else specs/facts/<service>.json."""
    name = svc.get("service")
    version = svc.get("version")
    versioned = os.path.join(root, "specs", "facts", f"{name}.{version}.json")
    return versioned if os.path.exists(versioned) else os.path.join(root, "specs", "facts", f"{name}.json")


def _split_dict(inner: str) -> tuple[str, str]:
    depth = 0
    for i, ch in enumerate(inner):
        if ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        elif ch == "," and depth == 0:
            return inner[:i].strip(), inner[i + 1:].strip()
    raise ValueError(f"cannot split dict type {inner!r}")


class _Gen:
    """Sample values for one operation (the integer counter restarts per operation)."""

    def __init__(self, module, enums: dict):
        self.module = module
        self.enums = enums  # model name -> wire name -> {"type", "values", "array"?}
        self.n = 0

    def _enum(self, owner: str | None, wire: str):
        fact = self.enums.get(owner or "", {}).get(wire)
        if fact and fact.get("type") == "string" and fact.get("values"):
            return fact["values"][0]
        return None

    def value(self, t: str, owner: str | None, wire: str, stack: tuple):
        """A sample of SDK type string ``t`` for field ``wire`` of model ``owner``; None when a
        recursive model is cut."""
        t = t.strip()
        if t.startswith("list[") and t.endswith("]"):
            item = self.value(t[5:-1], owner, wire, stack)
            return [] if item is None else [item]
        if t.startswith("dict(") and t.endswith(")"):
            _, v = _split_dict(t[5:-1])
            val = self.value(v, owner, wire, stack)
            return {} if val is None else {"key": val}
        if t == "str":
            return self._enum(owner, wire) or f"s-{wire}"
        if t in ("int", "long"):
            self.n += 1
            return self.n
        if t == "float":
            self.n += 1
            return self.n + 0.5
        if t == "bool":
            return True
        if t in ("object", "dict"):
            return {"key": f"s-{wire}"}
        if t == "datetime":
            self.n += 1
            return datetime.datetime(2024, 1, 2, 3, 4, self.n % 60)
        if t == "date":
            self.n += 1
            return datetime.date(2024, 1, 1 + self.n % 28)
        cls = getattr(self.module, t, None)
        if isinstance(cls, type):
            return self.model(cls, stack)
        raise ValueError(f"no sample for type {t!r}")

    def model(self, cls, stack: tuple = ()):
        if cls in stack:
            return None
        obj = cls()
        for attr, t in cls.openapi_types.items():
            wire = cls.attribute_map[attr]
            v = self.value(t, cls.__name__, wire, stack + (cls,))
            if v is not None:
                setattr(obj, attr, v)
        return obj


def _sanitize(v):
    from huaweicloudsdkcore.utils.http_utils import sanitize_for_serialization

    return sanitize_for_serialization(v)


class OpSample:
    """Everything run.py needs for one operation."""

    def __init__(self, service, op, request, request_json, response):
        self.service = service
        self.python_name = op["python_name"]
        self.id = f"{service}.{self.python_name}"
        self.op = op
        self.request = request  # official SDK request object
        self.request_json = request_json  # for the Rust driver
        self.response = response  # {"kind", "status", "body"}


def _response(gen: _Gen, op: dict, models: dict):
    rt = op["response_type"]
    info = models.get(rt)
    if op.get("response_is_stream") or (info and info["kind"] == "stream_response"):
        return {"kind": "stream", "status": 200, "body": f"s-stream-{op['python_name']}"}
    cls = getattr(gen.module, rt)
    if info and info.get("body_attribute"):
        bt = info["body_type"]
        if bt == "str":
            return {"kind": "text", "status": 200, "body": f"s-{op['python_name']}"}
        return {"kind": "json", "status": 200, "body": _sanitize(gen.value(bt, rt, "body", (cls,)))}
    headers = set(info["response_header_fields"]) if info else set()
    # Response headers the SDK copies into fields: served with sample values.
    served = {}
    for attr in headers:
        wire = cls.attribute_map[attr]
        if wire in op.get("response_headers", []):
            served[wire] = f"s-{wire}"
    body = {}
    for attr, t in cls.openapi_types.items():
        if attr in headers:
            continue
        wire = cls.attribute_map[attr]
        v = gen.value(t, rt, wire, (cls,))
        if v is not None:
            body[wire] = _sanitize(v)
    out = ({"kind": "none", "status": 204, "body": None} if not body
           else {"kind": "json", "status": 200, "body": body})
    if served:
        out["headers"] = served
    return out


def build(root: str, introspection: str) -> list[OpSample]:
    """Samples for every operation, services in SERVICES order, operations by python name."""
    with open(introspection, encoding="utf-8") as f:
        dump = json.load(f)
    out = []
    if any(key not in SERVICES for key in dump["services"]):
        use_services_of(dump)
    for key, (module_name, _client, _count) in SERVICES.items():
        svc = dump["services"][key]
        with open(facts_path(root, svc), encoding="utf-8") as f:
            facts = json.load(f)
        enums = {m: v.get("enums", {}) for m, v in facts["models"].items()}
        module = importlib.import_module(module_name)
        ops = svc["operations"]
        ops = sorted(ops.values() if isinstance(ops, dict) else ops, key=lambda o: o["python_name"])
        for op in ops:
            gen = _Gen(module, enums)
            req_cls = getattr(module, op["request_type"])
            req = req_cls()
            rj = {"id": f"{key}.{op['python_name']}", "path": {}, "query": {}, "header": {}}
            for p in op["parameters"]:
                v = gen.value(p["type"], op["request_type"], p["wire_name"], (req_cls,))
                if v is None:
                    continue
                setattr(req, p["python_name"], v)
                loc = p["location"]
                if loc == "body":
                    rj["body"] = _sanitize(v)
                elif loc in ("path", "query", "header"):
                    rj[loc][p["wire_name"]] = _sanitize(v)
                else:
                    raise ValueError(f"{rj['id']}: unsupported parameter location {loc}")
            for wire, v in rj["path"].items():
                if "/" in str(v):
                    raise ValueError(f"{rj['id']}: path sample {wire}={v!r} contains '/'")
            out.append(OpSample(key, op, req, rj, _response(gen, op, svc["models"])))
    return out


if __name__ == "__main__":  # pragma: no cover - debugging aid
    import sys

    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.abspath(os.path.join(here, "..", ".."))
    samples = build(root, sys.argv[1] if len(sys.argv) > 1 else
                    os.path.join(root, "target", "import", "introspect.json"))
    json.dump([{"request": s.request_json, "response": s.response} for s in samples],
              sys.stdout, indent=1, ensure_ascii=False)
    print()
