"""Deterministic sample requests and responses, several per operation (see README.md).

Needs only the standard library and the official SDK packages pinned in
xtask/import/requirements.txt. No randomness: every value follows from the operation, the
variant and a per-sample counter.

Inputs: ``target/import/introspect.json`` (the official SDK's classes: structure and Python
types) and ``target/parity/ir.json`` (written by ``cargo xtask parity`` from the generator's IR:
which fields are required, which strings are enums and their values, i32 or i64). The two are
walked in parallel; values always have the official SDK's Python type, so a Rust type that
disagrees (``f64`` for an ``int``, ``bool`` for a ``str``) fails in the driver's strict
conversion and in the byte comparison of the body.

Variants per operation (``<service>.<python name>@<variant>``):

``full``       every parameter and field; plain ASCII strings ``s-<wire>``; integers 1, 2, ...;
               floats n + 0.5; ``true``; lists of one, maps of one; enum value 0
``required``   only required parameters and fields (optional bodies left out); absent fields
               must stay absent (never ``null``)
``required-body``  (operations with an optional body) the body with its required fields only
``edge-a..d``  every field; ``false``; integers 0, -1, max, min of the type; floats 0.0, -2.5,
               1.5e300, 1e-07; empty strings (never in the path); lists and maps alternately
               empty (a) and of one (b to d); each kind rotates on its own, one step further
               per variant; enum values 1 to 4; a and d answer with every other non-enum
               field ``null``
``text``       every field; strings with non-ASCII, spaces, reserved characters, escapes
               (``/`` never in the path); lists and maps of two; enum value 3; responses with
               an enum value the SDKs do not know
``enum-<k>``   like full with enum value k, for each k at which an enum the operation reaches
               still has a value no earlier sample sent or served
``error-<shape>``  the required request answered by an error (4xx/5xx) in one of the
               official shapes (rotating over ERROR_SHAPES)

Enum value k is ``values[k % len(values)]``. Every JSON response of a model carries an unknown
field (``parity_unknown_field``) that both SDKs must ignore.
"""

from __future__ import annotations

import datetime
import importlib
import io
import json
import os
import re
import sys
from dataclasses import dataclass, replace

# introspect.py decides which SDK classes are enums sent as plain values; samples follow it.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "import"))
from introspect import enum_class_scalar  # noqa: E402

SERVICES = {
    # key: (module, client class, expected operations)
    "kafka": ("huaweicloudsdkkafka.v2", "KafkaClient", 123),
    "dcs": ("huaweicloudsdkdcs.v2", "DcsClient", 137),
    "rabbitmq": ("huaweicloudsdkrabbitmq.v2", "RabbitMQClient", 52),
    "codeartsartifact": ("huaweicloudsdkcodeartsartifact.v2", "CodeArtsArtifactClient", 59),
    "ecs": ("huaweicloudsdkecs.v2", "EcsClient", 106),
    "eip.v2": ("huaweicloudsdkeip.v2", "EipClient", 39),
    "eip.v3": ("huaweicloudsdkeip.v3", "EipClient", 27),
    "evs": ("huaweicloudsdkevs.v2", "EvsClient", 68),
    "ims": ("huaweicloudsdkims.v2", "ImsClient", 51),
    "vpc.v2": ("huaweicloudsdkvpc.v2", "VpcClient", 122),
    "vpc.v3": ("huaweicloudsdkvpc.v3", "VpcClient", 110),
}



def use_services_of(dump: dict) -> None:
    """Takes the service list from an introspection document instead (a scratch trial of
    `cargo xtask import --service`): key (`vpc.v3` when a folder has several versions) ->
    module, client class and the document's operation count."""
    SERVICES.clear()
    for key, svc in dump["services"].items():
        SERVICES[key] = (svc["module"], svc["client_class"], svc["operation_count"])


UNKNOWN_FIELD = "parity_unknown_field"
UNKNOWN_VALUE = {"nested": [1, "x", None, {"deep": True}]}
UNKNOWN_ENUM = "parity-unknown-enum-value"

# Strings of the `text` variant. The path never gets '/' (the Rust client refuses it, the
# official SDK would send %2F), '{', "." or "..".
TEXTS = [
    "\u00fc \u00f1 \u4e2d\u6587 /?#[]@!$&'()*+,;=%~",
    " leading and trailing spaces ",
    'quote" backslash\\ tab\t newline\n bell\u0007',
    "emoji \U0001F600 and %41 and +",
]
PATH_TEXTS = [
    "\u00fc \u00f1 \u4e2d\u6587 ?#[]@!$&'()*+,;=%~",
    "a b",
    "percent%2Fnot-a-slash",
    "emoji\U0001F600+plus",
]
HEADER_TEXTS = ["en us, \u00fc", "a;b=c d"]

INT_EDGES = {"i32": [0, -1, 2147483647, -2147483648], "i64": [0, -1, 9223372036854775807, -9223372036854775808]}
FLOAT_EDGES = [0.0, -2.5, 1.5e300, 1e-07]

# Error bodies in the shapes the official SDKs parse (huawei-sdk-core reference, section 5):
# (name, status, body, content type).
ERROR_SHAPES = [
    ("dms", 400, {"error_code": "DMS.00400", "error_msg": "Invalid parameter.", "error_ext_msg": None}, "application/json"),
    ("dcs", 404, {"error_code": "DCS.4961", "error_msg": "The instance does not exist.", "error_ext_msg": None}, "application/json"),
    ("codearts", 403, {"status": "error", "trace_id": "t-1", "error_code": "CLOUDARTIFACT.0001", "error_msg": "No permission."}, "application/json"),
    ("apigw", 401, {"error_msg": "Incorrect IAM authentication information", "error_code": "APIGW.0301", "request_id": "rid-1"}, "application/json"),
    ("throttled", 429, {"error_msg": "The throttling threshold has been reached", "error_code": "APIGW.0308", "request_id": "rid-2"}, "application/json"),
    ("nested", 400, {"error": {"code": "X.0001", "message": "nested message"}}, "application/json"),
    ("code-message", 409, {"code": "C.0001", "message": "conflict"}, "application/json"),
    ("camel-case", 400, {"errorCode": "CC.0001", "errorMsg": "camel case"}, "application/json"),
    ("encoded-authorization", 403, {"error_code": "IAM.0001", "error_msg": "Policy doesn't allow this.", "encoded_authorization_message": "Egpjbi1ub*****GoxMzgrcA=="}, "application/json"),
    ("html", 502, "<html><body>502 Bad Gateway</body></html>", "text/html"),
    ("no-known-fields", 500, {"invalid_key": "invalid_value"}, "application/json"),
    ("non-ascii", 400, {"error_code": "DCS.4000", "error_msg": "\u53c2\u6570\u9519\u8bef \u00fc"}, "application/json"),
    ("empty", 503, "", None),
    ("numeric-code", 400, {"code": 400, "message": "numeric code"}, "application/json"),
]


@dataclass(frozen=True)
class Style:
    """How one variant fills values."""
    name: str
    required_only: bool = False
    omit_optional_body: bool = False
    strings: str = "plain"  # plain | edge | text
    numbers: str = "count"  # count | edge
    flag: bool = True
    sizes: str = "one"  # one | rotate | two
    enum_index: int = 0
    rotation: int = 0  # start of the rotation over edge values
    response_nulls: bool = False
    response_unknown_enum: bool = False
    # Path and header string enums are plain `String`s in the crates: some variants send
    # edge or text values there instead of an enum value.
    param_enum_as_text: bool = False


FULL = Style("full")
REQUIRED = Style("required", required_only=True, omit_optional_body=True)
REQUIRED_BODY = Style("required-body", required_only=True)
# Four edge variants: each kind of edge value rotates on its own starting one step further
# per variant, so the first field of every kind sees every edge value; lists and maps are
# empty in a only; a and d answer with every other (non-enum) response field null, between
# them each field once; a and c send edge strings in path and header string enums.
EDGE_A = Style("edge-a", strings="edge", numbers="edge", flag=False, sizes="rotate", enum_index=1,
               rotation=0, response_nulls=True, param_enum_as_text=True)
EDGE_B = replace(EDGE_A, name="edge-b", enum_index=2, rotation=1, response_nulls=False,
                 param_enum_as_text=False)
EDGE_C = replace(EDGE_A, name="edge-c", enum_index=3, rotation=2, response_nulls=False)
EDGE_D = replace(EDGE_A, name="edge-d", enum_index=4, rotation=3, param_enum_as_text=False)
TEXT = Style("text", strings="text", sizes="two", enum_index=3, response_unknown_enum=True,
             param_enum_as_text=True)


class FileSample(str):
    """The content of a file field: JSON text for the Rust driver (`conv::file`, filename
    `parity-file`), a `FormFile` of that name and content for the official SDK."""


class _NamedBytes(io.BytesIO):
    """A file object as `FormFile` accepts it (a name and the `rb` mode); multipart encoders
    size it with `getvalue`."""

    mode = "rb"

    def __init__(self, name: str, data: bytes):
        super().__init__(data)
        self.name = name


class ModelDict(dict):
    """A model's fields by wire name, remembering the official SDK class."""

    def __init__(self, cls):
        super().__init__()
        self.cls = cls


def split_dict(inner: str) -> tuple[str, str]:
    depth = 0
    for i, ch in enumerate(inner):
        if ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        elif ch == "," and depth == 0:
            return inner[:i].strip(), inner[i + 1:].strip()
    raise ValueError(f"cannot split dict type {inner!r}")


class Coverage:
    """What the samples exercise: fields set, enum values sent, value kinds per location."""

    def __init__(self):
        self.fields: dict[str, set] = {"request": set(), "response": set()}
        self.field_universe: dict[str, set] = {"request": set(), "response": set()}
        self.enums: dict[str, set] = {"request": set(), "response": set()}
        self.enum_universe: dict[str, set] = {"request": set(), "response": set()}
        self.kinds: dict[str, set] = {}
        self.kind_universe: dict[str, set] = {}

    def kind(self, loc: str, kind: str):
        self.kinds.setdefault(loc, set()).add(kind)

    def summary(self) -> dict:
        def frac(seen, universe):
            return {"covered": len(seen & universe), "total": len(universe),
                    "missing": sorted(x if isinstance(x, str) else " ".join(map(str, x))
                                      for x in universe - seen)[:50]}
        out = {}
        for side in ("request", "response"):
            out[f"{side}_fields"] = frac(self.fields[side], self.field_universe[side])
            out[f"{side}_enum_values"] = frac(self.enums[side], self.enum_universe[side])
        out["value_kinds"] = {loc: frac(self.kinds.get(loc, set()), u)
                              for loc, u in sorted(self.kind_universe.items())}
        return out


def string_kinds(s: str) -> list[str]:
    kinds = []
    if s == "":
        kinds.append("empty string")
    if any(ord(c) > 127 for c in s):
        kinds.append("non-ASCII")
    if " " in s:
        kinds.append("space")
    if re.search(r"[/?#\[\]@!$&'()*+,;=%]", s):
        kinds.append("reserved characters")
    if re.search(r"[\"\\\x00-\x1f]", s):
        kinds.append("JSON escapes")
    if not kinds:
        kinds.append("plain string")
    return kinds


def value_kinds(v, ir_t) -> list[str]:
    if v is None:
        return ["null"]
    if isinstance(v, bool):
        return ["true" if v else "false"]
    if isinstance(v, int):
        if v == 0:
            return ["integer 0"]
        edges = INT_EDGES.get(ir_t if isinstance(ir_t, str) else "", [])
        if v in edges[2:]:
            return ["integer max" if v > 0 else "integer min"]
        return ["positive integer" if v > 0 else "negative integer"]
    if isinstance(v, float):
        if v == 0:
            return ["float 0"]
        if abs(v) >= 1e16:
            return ["large float"]
        if abs(v) < 1e-4:
            return ["small float"]
        return ["positive float" if v > 0 else "negative float"]
    if isinstance(v, str):
        return string_kinds(v)
    if isinstance(v, datetime.date):  # datetime too
        return string_kinds(wire_text(v))
    what = "list" if isinstance(v, list) else "map" if not isinstance(v, ModelDict) else None
    if what is None:
        return ["object"]
    return [f"empty {what}" if not v else f"{what} of one" if len(v) == 1 else f"{what} of many"]


# Value kinds that can occur for each IR type (the universe of the coverage report).
def possible_kinds(ir_t, loc: str) -> list[str]:
    if ir_t == "bool":
        return ["true", "false"]
    if ir_t in ("i32", "i64"):
        return ["positive integer", "negative integer", "integer 0", "integer max", "integer min"]
    if ir_t == "f64":
        return ["positive float", "negative float", "float 0", "large float", "small float"]
    if ir_t == "string":
        kinds = ["plain string", "non-ASCII", "space", "reserved characters"]
        if loc != "path":
            kinds.append("empty string")
        if loc in ("body", "response"):
            kinds.append("JSON escapes")
        return kinds
    if isinstance(ir_t, dict) and "vec" in ir_t:
        return ["empty list", "list of one", "list of many"]
    if isinstance(ir_t, dict) and "map" in ir_t:
        return ["empty map", "map of one", "map of many"]
    return []


class Gen:
    """Values of one sample (the counter restarts per sample)."""

    def __init__(self, module, ir_models: dict, style: Style, cov: Coverage, side: str, svc: str):
        self.module = module
        self.models = ir_models
        self.style = style
        self.cov = cov
        self.side = side  # request | response
        self.svc = svc
        self.n = 0
        self.rot: dict[str, int] = {}

    def pick(self, what: str, options):
        """The next of ``options`` for values of kind ``what``: each kind rotates on its own,
        starting at the style's rotation."""
        i = self.rot.get(what, self.style.rotation)
        self.rot[what] = i + 1
        return options[i % len(options)]

    def enum_values(self, ir_t):
        if isinstance(ir_t, dict) and "model" in ir_t:
            m = self.models.get(ir_t["model"]) or {}
            return m.get("enum")
        return None

    def note(self, loc, v, ir_t):
        for k in value_kinds(v, ir_t):
            self.cov.kind(loc, k)

    def scalar(self, t: str, ir_t, wire: str, loc: str, enum: list | None):
        st = self.style
        if t == "str":
            if enum and not (st.param_enum_as_text and loc in ("path", "header")):
                if self.side == "response" and st.response_unknown_enum:
                    return UNKNOWN_ENUM
                return enum[st.enum_index % len(enum)]
            if st.strings == "text":
                return self.pick("text", {"path": PATH_TEXTS, "header": HEADER_TEXTS}.get(loc, TEXTS))
            if st.strings == "edge":
                return self.pick("string", ["_", f"e-{wire}"] if loc == "path" else ["", f"e-{wire}"])
            return f"s-{wire}"
        if t in ("int", "long"):
            if st.numbers == "edge":
                return self.pick("int", INT_EDGES["i64" if ir_t == "i64" else "i32"])
            self.n += 1
            return self.n
        # The official SDK sends a Decimal as its digits and the Rust side reads f64, so a
        # float sample is the same number on both sides.
        if t in ("float", "decimal.Decimal"):
            if st.numbers == "edge":
                return self.pick("float", FLOAT_EDGES)
            self.n += 1
            return self.n + 0.5
        if t == "bool":
            return st.flag
        if t == "file":
            return FileSample(f"file content of {wire}")
        if t == "datetime":
            self.n += 1
            # Served and expected as ISO 8601 text (wire_text), as a server sends it.
            return datetime.datetime(2024, 1, 2, 3, 4, self.n % 60)
        if t == "date":
            self.n += 1
            return datetime.date(2024, 1, 1 + self.n % 28)
        if t in ("object", "dict"):
            if st.strings == "edge":
                return self.pick("object", [{}, {"null": None, "false": False, "zero": 0}])
            if st.strings == "text":
                return {"\u00fc k/ey": [1, 2.5, "x y"], "nested": {"k": True}}
            return {"key": f"s-{wire}"}
        return None

    def size(self) -> int:
        st = self.style
        if st.sizes == "two":
            return 2
        if st.sizes == "rotate":
            # empty in a only, so that b, c and d reach what lists hold with edge values
            return self.pick("size", [0, 1, 1, 1])
        return 1

    def value(self, t: str, ir_t, wire: str, loc: str, stack: tuple, enum=None):
        """A sample of Python SDK type ``t`` (IR type ``ir_t``) for ``wire``; None when a
        recursive model is cut."""
        t = t.strip()
        if t.startswith("list[") and t.endswith("]"):
            inner_ir = ir_t.get("vec") if isinstance(ir_t, dict) else None
            items = []
            for _ in range(self.size()):
                item = self.value(t[5:-1], inner_ir, wire, loc, stack)
                if item is not None:
                    items.append(item)
            self.note(loc, items, ir_t)
            return items
        if t.startswith("dict(") and t.endswith(")"):
            _, vt = split_dict(t[5:-1])
            inner_ir = ir_t.get("map") if isinstance(ir_t, dict) else None
            n = self.size()
            keys = {0: [], 1: ["key" if self.style.strings != "edge" else ""], 2: ["key", "\u00fc k/ey"]}[n]
            out = {}
            for k in keys:
                item = self.value(vt, inner_ir, wire, loc, stack)
                if item is not None:
                    out[k] = item
            self.note(loc, out, ir_t)
            return out
        cls = getattr(self.module, t, None)
        if isinstance(cls, type):
            scalar = enum_class_scalar(cls)
            if scalar is None:
                return self.model(cls, ir_t, loc, stack)
            # An enum class: a plain value on the wire, as the spec (from introspection) has it.
            if self.side == "response":
                # The official SDK decodes only the class's own values; any other value
                # becomes an empty object. Served values are the class's (and the spec's).
                values = sorted(v for k, v in vars(cls).items()
                                if k.isupper() and not k.startswith("_"))
                known = enum or self.enum_values(ir_t)
                if known:
                    values = [v for v in values if v in known] or values
                v = values[self.style.enum_index % len(values)]
                self.note(loc, v, ir_t)
                return v
            t = scalar
        v = self.scalar(t, ir_t, wire, loc, enum or self.enum_values(ir_t))
        if v is None:
            raise ValueError(f"no sample for type {t!r}")
        values = enum or self.enum_values(ir_t)
        if values and isinstance(v, str):
            name = ir_t["model"] if isinstance(ir_t, dict) else wire
            if v in values:
                self.cov.enums[self.side].add((self.svc, name, v))
            elif v == UNKNOWN_ENUM:
                self.cov.kind(loc, "unknown enum value")
        self.note(loc, v, ir_t)
        return v

    def null_here(self, field: dict) -> bool:
        """Whether a response field is sent as ``null`` (every other field in styles with
        ``response_nulls``, enums never, so that their values are still covered)."""
        if self.side != "response" or not self.style.response_nulls:
            return False
        if self.enum_values(field.get("type")):
            return False
        return self.pick("null", [False, True])

    def ir_fields(self, ir_t) -> dict:
        if isinstance(ir_t, dict) and "model" in ir_t:
            m = self.models.get(ir_t["model"]) or {}
            return {f["name"]: f for f in m.get("fields", [])}
        return {}

    def model(self, cls, ir_t, loc: str, stack: tuple = ()):
        if cls in stack:
            return None
        fields = self.ir_fields(ir_t)
        model_name = ir_t["model"] if fields else cls.__name__
        out = ModelDict(cls)
        for attr, t in cls.openapi_types.items():
            wire = cls.attribute_map[attr]
            f = fields.get(wire, {})
            if self.style.required_only and not f.get("required"):
                continue
            if self.null_here(f):
                out[wire] = None
                self.cov.kind(loc, "null")
                continue
            if t.strip() == "object" and discriminator_of(cls) == attr:
                # The official decoder looks the discriminator up in a dict, so its value is
                # a scalar even where it is declared free-form (SecMaster's `object`); one
                # that names no subclass keeps the base model on both sides.
                out[wire] = f"s-{wire}"
                continue
            v = self.value(t, f.get("type"), wire, loc, stack + (cls,))
            if v is not None:
                out[wire] = v
                self.cov.fields[self.side].add((self.svc, model_name, wire))
        return out


def discriminator_of(cls) -> str | None:
    """The attribute a model with subclasses dispatches on (`self.discriminator`, set in
    `__init__`), or None."""
    if not hasattr(cls, "get_real_child_model"):
        return None
    try:
        return cls().discriminator
    except Exception:  # noqa: BLE001 - a model that cannot be built empty has none usable
        return None


def to_python(v, files: bool = True):
    """The official SDK's objects for a sample value (ModelDicts become model instances; file
    contents become `FormFile`s, or stay text for the driver's JSON when ``files`` is false)."""
    if isinstance(v, FileSample):
        if not files:
            return str(v)
        from huaweicloudsdkcore.http.formdata import FormFile
        return FormFile(_NamedBytes("parity-file", str(v).encode("utf-8")))
    if isinstance(v, ModelDict):
        obj = v.cls()
        for attr in v.cls.openapi_types:
            wire = v.cls.attribute_map[attr]
            if wire in v and v[wire] is not None:
                setattr(obj, attr, to_python(v[wire], files))
        return obj
    if isinstance(v, list):
        return [to_python(x, files) for x in v]
    if isinstance(v, dict):
        return {k: to_python(x, files) for k, x in v.items()}
    return v


def plain(v):
    """JSON value of a sample (ModelDicts as plain dicts)."""
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [plain(x) for x in v]
    return v


def served(v):
    """What the server sends: every model object with an unknown field."""
    if isinstance(v, ModelDict):
        out = {k: served(x) for k, x in v.items()}
        if UNKNOWN_FIELD not in out:
            out[UNKNOWN_FIELD] = UNKNOWN_VALUE
        return out
    if isinstance(v, dict):
        return {k: served(x) for k, x in v.items()}
    if isinstance(v, list):
        return [served(x) for x in v]
    return wire_text(v)


def decoded(v):
    """What both SDKs must decode from ``served(v)``: no unknown fields, no nulls in models."""
    if isinstance(v, ModelDict):
        return {k: decoded(x) for k, x in v.items() if x is not None}
    if isinstance(v, dict):
        return {k: decoded(x) for k, x in v.items()}
    if isinstance(v, list):
        return [decoded(x) for x in v]
    return wire_text(v)


def wire_text(v):
    """A date or datetime sample as JSON carries it (and as huaweicloudsdkcore's
    sanitize_for_serialization writes it): ISO 8601 text; any other scalar unchanged."""
    return v.isoformat() if isinstance(v, datetime.date) else v


class OpSample:
    """Everything run.py needs for one sample."""

    def __init__(self, service, op, variant, request, request_json, response):
        self.service = service
        self.python_name = op["python_name"]
        self.op_id = f"{service}.{self.python_name}"
        self.variant = variant
        self.id = f"{self.op_id}@{variant}"
        self.op = op
        self.request = request  # official SDK request object
        self.request_json = request_json  # for the Rust driver
        self.response = response  # {"kind", "status", "body", "expected", ...}


def response_sample(gen: Gen, op: dict, op_ir: dict, info: dict | None, style: Style):
    """The sample response of ``op`` for ``style``: kind ``json`` / ``text`` / ``stream`` /
    ``none``, the body served and the value both SDKs must decode."""
    name = op["python_name"]
    rt = op["response_type"]
    cls = getattr(gen.module, rt)
    headers = set(info["response_header_fields"]) if info else set()
    # Response headers the official client copies into output fields: served with sample
    # values (the X-Request-Id entry gets the sample's request id in build()).
    served = {cls.attribute_map[a]: header_sample(cls.attribute_map[a], cls.openapi_types[a])
              for a in sorted(headers) if cls.attribute_map[a] in op.get("response_headers", [])}
    if op.get("response_is_stream") or (info and info["kind"] == "stream_response"):
        body = {"edge-a": "", "text": TEXTS[0]}.get(style.name, f"s-stream-{name}")
        resp = {"kind": "stream", "status": 200, "body": body, "expected": body}
        if served:
            resp["headers"] = served
        return resp
    ir_resp = op_ir.get("response")
    ir_t = ir_resp.get("json") if isinstance(ir_resp, dict) else None
    if info and info.get("body_attribute"):
        bt = info["body_type"]
        if bt == "str":
            body = {"edge-a": "", "text": "text \u00fc \u4e2d"}.get(style.name, f"s-{name}")
            return {"kind": "text", "status": 200, "body": body, "expected": body}
        v = gen.value(bt, ir_t, "body", "response", (cls,))
        return json_response(v)
    fields = gen.ir_fields(ir_t)
    for wire in served if fields else ():
        # A header field of the body's model is covered by being served and compared.
        gen.cov.fields["response"].add((gen.svc, ir_t["model"], wire))
    out = ModelDict(cls)
    for attr, t in cls.openapi_types.items():
        if attr in headers:
            continue
        wire = cls.attribute_map[attr]
        f = fields.get(wire, {})
        if style.required_only and not f.get("required"):
            continue
        if gen.null_here(f):
            out[wire] = None
            gen.cov.kind("response", "null")
            continue
        v = gen.value(t, f.get("type"), wire, "response", (cls,))
        if v is not None:
            out[wire] = v
            gen.cov.fields["response"].add((gen.svc, ir_t["model"] if fields else rt, wire))
    if not [k for k in cls.openapi_types if k not in headers]:
        resp = {"kind": "none", "status": 204, "body": None, "expected": None}
    else:
        resp = json_response(out)
    if served:
        resp["headers"] = served
    return resp


def header_sample(wire: str, python_type: str) -> str:
    """A response header's sample text, valid for the field's type (the official SDK keeps
    the text; ours parses numbers and booleans, and must read back the same text)."""
    return {"bool": "true", "int": "7", "float": "1.5"}.get(python_type, f"s-{wire}")


def json_response(v):
    """A JSON response: what is served, what both SDKs must decode, and how many enum values
    in it the SDKs do not know (the Rust side must decode exactly those as `Unknown`)."""
    expected = decoded(v)
    unknown = json.dumps(expected).count(json.dumps(UNKNOWN_ENUM))
    return {"kind": "json", "status": 200, "body": served(v), "expected": expected,
            "unknown_enum_values": unknown}


def error_response(index: int, request_id: str):
    name, status, body, ctype = ERROR_SHAPES[index % len(ERROR_SHAPES)]
    text = body if isinstance(body, str) else json.dumps(body)
    return name, {"kind": "error", "status": status, "body": text, "content_type": ctype,
                  "request_id": request_id}


def universe(cov: Coverage, svc: str, ir: dict, op_ir: dict, info_models: dict, op: dict):
    """Adds what could be covered for one operation to the coverage universe."""
    models = ir["models"]
    seen = set()

    def walk(ir_t, side, loc):
        for k in possible_kinds(ir_t, loc):
            cov.kind_universe.setdefault(loc, set()).add(k)
        if not isinstance(ir_t, dict):
            return
        if "vec" in ir_t:
            return walk(ir_t["vec"], side, loc)
        if "map" in ir_t:
            return walk(ir_t["map"], side, loc)
        name = ir_t["model"]
        m = models.get(name, {})
        if "enum" in m:
            for v in m["enum"]:
                cov.enum_universe[side].add((svc, name, v))
            for k in possible_kinds("string", loc):
                cov.kind_universe.setdefault(loc, set()).add(k)
            return
        if (side, name) in seen:
            return
        seen.add((side, name))
        for f in m.get("fields", []):
            cov.field_universe[side].add((svc, name, f["name"]))
            walk(f["type"], side, loc)

    for p in op_ir["params"]:
        cov.field_universe["request"].add((svc, op["request_type"], p["name"]))
        walk(p["type"], "request", p["in"])
        for v in p.get("enum", []):
            cov.enum_universe["request"].add((svc, p["name"], v))
    if op_ir.get("body"):
        walk(op_ir["body"]["type"], "request", "body")
    resp = op_ir.get("response")
    if isinstance(resp, dict):
        walk(resp["json"], "response", "response")


def op_enums(ir_models: dict, op_ir: dict) -> list[tuple[str, str, list]]:
    """Every enum the operation reaches: ``(side, name, values)`` (a path or header enum is
    named by its parameter)."""
    out = []
    seen = set()

    def walk(t, side):
        if not isinstance(t, dict):
            return
        if "vec" in t or "map" in t:
            return walk(t.get("vec") or t.get("map"), side)
        name = t["model"]
        if (side, name) in seen:
            return
        seen.add((side, name))
        m = ir_models.get(name, {})
        if "enum" in m:
            out.append((side, name, m["enum"]))
        for f in m.get("fields", []):
            walk(f["type"], side)

    for p in op_ir["params"]:
        walk(p["type"], "request")
        if p.get("enum"):
            out.append(("request", p["name"], p["enum"]))
    if op_ir.get("body"):
        walk(op_ir["body"]["type"], "request")
    if isinstance(op_ir.get("response"), dict):
        walk(op_ir["response"]["json"], "response")
    return out


def _sanitize(v):
    from huaweicloudsdkcore.utils.http_utils import sanitize_for_serialization

    return sanitize_for_serialization(v)


SAMPLE_SIGNING_TIME = "20240102T030405Z"


def request_sample(gen: Gen, module, op: dict, op_ir: dict, style: Style, sample_id: str):
    """The official SDK's request object and the driver's JSON for one sample."""
    req_cls = getattr(module, op["request_type"])
    req = req_cls()
    rj = {"id": sample_id, "op": sample_id.split("@")[0], "path": {}, "query": {}, "header": {}}
    ir_params = {(p["name"], p["in"]): p for p in op_ir["params"]}
    body_ir = op_ir.get("body")
    for p in op["parameters"]:
        loc = p["location"]
        if loc == "body":
            if body_ir is None:
                ir_t, required = None, True
            else:
                ir_t, required = body_ir["type"], body_ir["required"]
            if style.omit_optional_body and not required:
                continue
            v = gen.value(p["type"], ir_t, "body", "body", (req_cls,))
        elif loc in ("path", "query", "header"):
            ip = ir_params.get((p["wire_name"], loc), {})
            if style.required_only and loc != "path" and not ip.get("required"):
                continue
            v = gen.value(p["type"], ip.get("type"), p["wire_name"], loc, (req_cls,), ip.get("enum"))
            if loc == "header" and p["wire_name"].lower() == "x-sdk-date" and v is not None:
                # The signing time (IMS ListImages declares it): both signers refuse any text
                # that is not YYYYMMDDTHHMMSSZ, so a sample sends a real one.
                v = SAMPLE_SIGNING_TIME
            if ip.get("enum") and v in ip["enum"]:
                gen.cov.enums["request"].add((gen.svc, p["wire_name"], v))
            gen.cov.fields["request"].add((gen.svc, op["request_type"], p["wire_name"]))
        else:
            raise ValueError(f"{sample_id}: unsupported parameter location {loc}")
        if v is None:
            continue
        setattr(req, p["python_name"], to_python(v))
        if loc == "body":
            rj["body"] = _sanitize(to_python(v, files=False))
        else:
            rj[loc][p["wire_name"]] = _sanitize(to_python(v, files=False))
    for wire, v in rj["path"].items():
        if "/" in str(v):
            raise ValueError(f"{sample_id}: path sample {wire}={v!r} contains '/'")
    return req, rj


def styles_for(op_ir: dict) -> list[Style]:
    styles = [FULL, REQUIRED]
    body = op_ir.get("body")
    if body and not body["required"]:
        styles.append(REQUIRED_BODY)
    return styles + [EDGE_A, EDGE_B, EDGE_C, EDGE_D, TEXT]


def extra_enum_styles(cov: Coverage, svc: str, ir_models: dict, op_ir: dict) -> list[Style]:
    """`enum-<k>` variants (like full, enum value k) for every index k at which an enum the
    operation reaches still has a value no sample has sent or served (enums inside lists
    that the edge variants left empty, responses answered with unknown values)."""
    indices = set()
    for side, name, values in op_enums(ir_models, op_ir):
        for k, v in enumerate(values):
            if (svc, name, v) not in cov.enums[side]:
                indices.add(k)
    return [replace(FULL, name=f"enum-{k}", enum_index=k) for k in sorted(indices)]


def build(root: str, introspection: str, ir_path: str, services=None) -> tuple[list[OpSample], Coverage]:
    """Samples for every operation (services in SERVICES order, operations by python name,
    variants in a fixed order) and what they cover."""
    with open(introspection, encoding="utf-8") as f:
        dump = json.load(f)
    with open(ir_path, encoding="utf-8") as f:
        ir_all = json.load(f)["services"]
    out = []
    cov = Coverage()
    error_index = 0
    for key, (module_name, _client, _count) in SERVICES.items():
        if services and key not in services:
            continue
        svc = dump["services"][key]
        ir = ir_all.get(key, {"operations": {}, "models": {}})
        module = importlib.import_module(module_name)
        ops = svc["operations"]
        ops = sorted(ops.values() if isinstance(ops, dict) else ops, key=lambda o: o["python_name"])
        for op in ops:
            op_ir = ir["operations"].get(op["python_name"], {"params": [], "body": None, "response": None})
            universe(cov, key, ir, op_ir, svc["models"], op)
            info = svc["models"].get(op["response_type"])
            styles = styles_for(op_ir)
            done = 0
            while done < len(styles):
                style = styles[done]
                done += 1
                sid = f"{key}.{op['python_name']}@{style.name}"
                gen = Gen(module, ir["models"], style, cov, "request", key)
                req, rj = request_sample(gen, module, op, op_ir, style, sid)
                rgen = Gen(module, ir["models"], style, cov, "response", key)
                resp = response_sample(rgen, op, op_ir, info, style)
                resp["request_id"] = f"rid-{key}-{op['python_name']}-{style.name}"
                for name in resp.get("headers", {}):
                    if name.lower() == "x-request-id":
                        resp["headers"][name] = resp["request_id"]
                out.append(OpSample(key, op, style.name, req, rj, resp))
                if done == len(styles) and not style.name.startswith("enum-"):
                    styles += extra_enum_styles(cov, key, ir["models"], op_ir)
            # The error sample: the required request, answered by an error body.
            gen = Gen(module, ir["models"], REQUIRED, cov, "request", key)
            shape = ERROR_SHAPES[error_index % len(ERROR_SHAPES)][0]
            sid = f"{key}.{op['python_name']}@error-{shape}"
            req, rj = request_sample(gen, module, op, op_ir, REQUIRED, sid)
            _, resp = error_response(error_index, f"rid-{key}-{op['python_name']}-error")
            error_index += 1
            cov.kind("error", shape)
            out.append(OpSample(key, op, f"error-{shape}", req, rj, resp))
    cov.kind_universe["error"] = {s[0] for s in ERROR_SHAPES}
    return out, cov


if __name__ == "__main__":  # pragma: no cover - debugging aid
    import sys

    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.abspath(os.path.join(here, "..", ".."))
    samples, coverage = build(root, os.path.join(root, "target", "import", "introspect.json"),
                              os.path.join(root, "target", "parity", "ir.json"),
                              sys.argv[1:] or None)
    json.dump([{"request": s.request_json, "response": s.response} for s in samples],
              sys.stdout, indent=1, ensure_ascii=False)
    print()
    json.dump(coverage.summary(), sys.stderr, indent=1)
