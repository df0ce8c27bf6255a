#!/usr/bin/env python3
"""Dump what the official Huawei Cloud Python SDK knows about four services.

Usage:
    python3 xtask/import/introspect.py --out sdk.json

Needs only the standard library plus the SDK packages pinned in
xtask/import/requirements.txt (install them with ``pip install
--require-hashes``).  The output is one JSON document (keys sorted, indent 1,
UTF-8 without escaping, trailing newline) that is byte-identical across runs.
See xtask/import/README.md for the format.

For each operation the script *calls* ``Client._<op>_http_info(request)`` (a
classmethod that needs no client instance, credentials or network) twice:

* once with every request attribute set to a sample value of its declared
  type, which must not raise and yields the ``Content-Type`` that is sent, and
* once with every attribute set to a unique marker object, so that each
  attribute can be found by identity in ``path_params``, ``query_params``,
  ``header_params``, ``post_params``, ``body`` and ``collection_formats``.

Both calls must agree on the wire names used.  Anything unexpected (operation
counts, unknown type strings, attributes that land nowhere, placeholders that
are neither filled nor reserved, ...) makes the script exit non-zero.
"""

from __future__ import annotations

import argparse
import ast
import datetime
import decimal
import importlib
import importlib.metadata
import importlib.util
import inspect
import io
import json
import os
import re
import sys
import tempfile
import warnings
from urllib.parse import quote

FORMAT_VERSION = 3
EXPECTED_SDK_VERSION = "3.1.219"
CORE_PACKAGE = "huaweicloudsdkcore"

# The services of the committed specs: (service folder, API version, distribution / top-level
# package, module, sync client class, expected number of operations for EXPECTED_SDK_VERSION).
# `--service` replaces this list (see main()).
SERVICES = [
    ("kafka", "v2", "huaweicloudsdkkafka", "huaweicloudsdkkafka.v2", "KafkaClient", 123),
    ("dcs", "v2", "huaweicloudsdkdcs", "huaweicloudsdkdcs.v2", "DcsClient", 137),
    ("rabbitmq", "v2", "huaweicloudsdkrabbitmq", "huaweicloudsdkrabbitmq.v2", "RabbitMQClient", 52),
    (
        "codeartsartifact",
        "v2",
        "huaweicloudsdkcodeartsartifact",
        "huaweicloudsdkcodeartsartifact.v2",
        "CodeArtsArtifactClient",
        59,
    ),
    ("ecs", "v2", "huaweicloudsdkecs", "huaweicloudsdkecs.v2", "EcsClient", 106),
    ("eip", "v2", "huaweicloudsdkeip", "huaweicloudsdkeip.v2", "EipClient", 39),
    ("eip", "v3", "huaweicloudsdkeip", "huaweicloudsdkeip.v3", "EipClient", 27),
    ("evs", "v2", "huaweicloudsdkevs", "huaweicloudsdkevs.v2", "EvsClient", 68),
    ("ims", "v2", "huaweicloudsdkims", "huaweicloudsdkims.v2", "ImsClient", 51),
    ("vpc", "v2", "huaweicloudsdkvpc", "huaweicloudsdkvpc.v2", "VpcClient", 122),
    ("vpc", "v3", "huaweicloudsdkvpc", "huaweicloudsdkvpc.v3", "VpcClient", 110),
]

# Query parameters whose docstring is kept (`doc`): the importer reads paging facts from it
# (an `offset` that is a page number, a `marker` that is the last item's id).
PAGING_PARAMS = ("offset", "page", "page_no", "page_num", "marker", "start", "limit",
                 "page_size", "per_page")


def service_key(name: str, version: str, versions_of: dict) -> str:
    """`vpc.v3` when the folder has several versions in this run, else `vpc`."""
    return f"{name}.{version}" if len(versions_of[name]) > 1 else name


def discover_service(spec: str) -> list:
    """`vpc` or `vpc:v3` -> [(name, version, dist, module, client class, None), ...]: every
    version of huaweicloudsdk<name> (or the one given), client class found by name."""
    name, _, version = spec.partition(":")
    if not re.fullmatch(r"[a-z][a-z0-9]*", name):
        fail(f"--service {spec!r}: the service is the lower-case package suffix, e.g. vpc or vpc:v3")
    dist = f"huaweicloudsdk{name}"
    try:
        package = importlib.import_module(dist)
    except ImportError as exc:
        fail(f"--service {spec}: {exc}; install {dist}=={EXPECTED_SDK_VERSION}")
    if version:
        versions = [version]
    else:
        here = os.path.dirname(package.__file__)
        versions = sorted((v for v in os.listdir(here)
                           if re.fullmatch(r"v\d+", v) and os.path.isdir(os.path.join(here, v))),
                          key=lambda v: int(v[1:]))
        if not versions:
            fail(f"--service {spec}: {dist} has no vN subpackage")
    out = []
    for v in versions:
        module = importlib.import_module(f"{dist}.{v}")
        clients = sorted(n for n, obj in vars(module).items()
                         if isinstance(obj, type) and n.endswith("Client")
                         and not n.endswith("AsyncClient")
                         # a model may be named like a client (Workspace's `PoliciesClient`)
                         and ".model." not in obj.__module__)
        if len(clients) != 1:
            fail(f"{dist}.{v}: expected one sync *Client class, found {clients}")
        out.append((name, v, dist, f"{dist}.{v}", clients[0], None))
    return out


# Type strings the SDK core understands without a model class
# (huaweicloudsdkcore.http.primitive_types.NATIVE_TYPES_MAPPING, plus the
# BSON mapping's 'dict'/'bytes' and FormFile.TYPE == 'file').
PRIMITIVE_TYPES = (
    "str", "int", "long", "float", "bool", "date", "datetime", "object",
    "decimal.Decimal", "dict", "bytes", "file",
)

CONTENT_TYPE_HEADER = "Content-Type"
PLACEHOLDER_RE = re.compile(r"\{([^{}]+)\}")


class IntrospectionError(Exception):
    pass


def fail(msg: str) -> None:
    raise IntrospectionError(msg)


# --------------------------------------------------------------------------
# Type strings
# --------------------------------------------------------------------------

def split_dict_type(inner: str) -> tuple[str, str]:
    """'str, list[X]' -> ('str', 'list[X]'), honouring nested brackets."""
    depth = 0
    for i, ch in enumerate(inner):
        if ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        elif ch == "," and depth == 0:
            return inner[:i].strip(), inner[i + 1:].strip()
    fail(f"cannot split dict type arguments {inner!r}")
    raise AssertionError  # unreachable


def parse_type(t: str, model_module) -> dict:
    """Parse an SDK type string into a tree.

    {"kind": "primitive", "name": "str"}
    {"kind": "list", "items": <tree>}
    {"kind": "map", "key": <tree>, "values": <tree>}
    {"kind": "model", "name": "ClassName"}
    """
    t = t.strip()
    if t.startswith("list[") and t.endswith("]"):
        return {"kind": "list", "items": parse_type(t[5:-1], model_module)}
    if t.startswith("dict(") and t.endswith(")"):
        k, v = split_dict_type(t[5:-1])
        return {"kind": "map", "key": parse_type(k, model_module),
                "values": parse_type(v, model_module)}
    if t in PRIMITIVE_TYPES:
        return {"kind": "primitive", "name": t}
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", t) and isinstance(getattr(model_module, t, None), type):
        scalar = enum_class_scalar(getattr(model_module, t))
        if scalar is not None:
            return {"kind": "primitive", "name": scalar}
        return {"kind": "model", "name": t}
    fail(f"unknown type string {t!r}")
    raise AssertionError  # unreachable


def enum_class_scalar(cls) -> str | None:
    """`str` (or `int`) for an enum class: no attributes, only upper-case constants of one
    type (`TagResourceType.AIDATALAKE_WORKSPACE = "aidatalake-workspace"`). Callers pass the
    plain value, and the SDK core sends it and decodes it as it is (a model without
    attributes deserialises to its raw data), so on the wire it is that scalar."""
    if getattr(cls, "openapi_types", None) != {} or hasattr(cls, "get_real_child_model"):
        return None
    values = [v for k, v in vars(cls).items() if k.isupper() and not k.startswith("_")]
    if not values:
        return None
    if all(isinstance(v, str) for v in values):
        return "str"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "int"
    return None


def is_structured(tree: dict) -> bool:
    """A model, map or free-form object, also as list items: nothing a URL or header holds."""
    if tree["kind"] == "list":
        return is_structured(tree["items"])
    if tree["kind"] in ("model", "map"):
        return True
    return tree["kind"] == "primitive" and tree["name"] in ("object", "dict")


def model_refs(tree: dict):
    kind = tree["kind"]
    if kind == "model":
        yield tree["name"]
    elif kind == "list":
        yield from model_refs(tree["items"])
    elif kind == "map":
        yield from model_refs(tree["key"])
        yield from model_refs(tree["values"])


# --------------------------------------------------------------------------
# Sample values
# --------------------------------------------------------------------------

class Marker:
    """Unique, identity-compared stand-in for one request attribute."""

    __slots__ = ("attr",)

    def __init__(self, attr: str):
        self.attr = attr

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"<Marker {self.attr}>"


class SampleFile(io.BytesIO):
    """An in-memory file as `FormFile` accepts it: a name and the `rb` mode."""

    mode = "rb"
    name = "sample.txt"


def sample_value(tree: dict, model_module, stack: tuple = ()):
    kind = tree["kind"]
    if kind == "list":
        item = sample_value(tree["items"], model_module, stack)
        return [] if item is None else [item]
    if kind == "map":
        val = sample_value(tree["values"], model_module, stack)
        return {} if val is None else {"key": val}
    if kind == "model":
        return sample_model(getattr(model_module, tree["name"]), model_module, stack)
    name = tree["name"]
    if name == "str":
        return "sample"
    if name in ("int", "long"):
        return 1
    if name == "float":
        return 1.5
    if name == "bool":
        return True
    if name == "object":
        return {"key": "value"}
    if name == "date":
        return datetime.date(2024, 1, 2)
    if name == "datetime":
        return datetime.datetime(2024, 1, 2, 3, 4, 5)
    if name == "decimal.Decimal":
        return decimal.Decimal("1.5")
    if name == "dict":
        return {"key": "value"}
    if name == "bytes":
        return b"sample"
    if name == "file":
        # What a caller passes for a file field: serialisation keeps a FormFile as it is.
        from huaweicloudsdkcore.http.formdata import FormFile
        return FormFile(SampleFile(b"sample"))
    fail(f"no sample for primitive {name!r}")
    raise AssertionError  # unreachable


def sample_model(cls, model_module, stack: tuple = ()):
    """An instance of a body model with every attribute set (recursively)."""
    if cls in stack:  # recursive model: stop here
        return None
    obj = cls()
    for attr, t in cls.openapi_types.items():
        setattr(obj, attr, sample_value(parse_type(t, model_module), model_module, stack + (cls,)))
    return obj


def new_request(req_cls, sdk_stream_request_cls):
    if issubclass(req_cls, sdk_stream_request_cls):
        try:
            req = req_cls()
        except TypeError:
            req = req_cls.__new__(req_cls)
        # SdkStreamRequest keeps its stream in _stream; give it one.
        if getattr(req, "_stream", None) is None:
            req._stream = io.BytesIO(b"sample")
        return req
    return req_cls()


# --------------------------------------------------------------------------
# Operations
# --------------------------------------------------------------------------

DOC_TYPE_RE = re.compile(r":type request: :class:`([\w.]+)`")
DOC_RTYPE_RE = re.compile(r":rtype: :class:`([\w.]+)`")


def source_literal(src: str, pattern: str, name: str, op: str):
    m = re.search(pattern, src, re.S)
    if not m:
        return None
    try:
        return ast.literal_eval(m.group(1))
    except (ValueError, SyntaxError):
        fail(f"{op}: cannot parse {name} literal {m.group(1)!r}")


def discover_operations(client_cls) -> list[str]:
    ops = []
    own = vars(client_cls)
    for name in sorted(own):
        if name.startswith("_") or name.endswith("_invoker"):
            continue
        if not callable(own[name]):
            continue
        helper = own.get(f"_{name}_http_info")
        if isinstance(helper, classmethod) or old_style_method(client_cls, name) is not None:
            ops.append(name)
    # every _*_http_info classmethod must belong to a public operation
    for name in sorted(own):
        m = re.fullmatch(r"_(\w+)_http_info", name)
        if m and isinstance(own[name], classmethod) and m.group(1) not in ops:
            fail(f"{client_cls.__name__}.{name} has no public method {m.group(1)}")
    return ops


def old_style_method(client_cls, name):
    """`<op>_with_http_info` (3.1.24) or `_<op>_with_http_info` (3.1.43, 3.1.58) of a client
    of an older release, or None."""
    own = vars(client_cls)
    for candidate in (f"{name}_with_http_info", f"_{name}_with_http_info"):
        if callable(own.get(candidate)):
            return own[candidate]
    return None


def http_info_helper(client_cls, name):
    """``request -> http_info`` of one operation, without a client, credentials or network.

    Current packages have a ``_<op>_http_info`` class method.  Packages of older releases
    (3.1.24 to 3.1.58) build the request inside ``[_]<op>_with_http_info(self, request)`` and
    hand it to ``self.call_api(**keywords)``; an instance made without ``__init__`` whose
    ``call_api`` returns its keywords yields the same dictionary."""
    own = vars(client_cls)
    if isinstance(own.get(f"_{name}_http_info"), classmethod):
        return getattr(client_cls, f"_{name}_http_info"), own[f"_{name}_http_info"].__func__
    method = old_style_method(client_cls, name)

    def helper(request):
        client = object.__new__(client_cls)
        client.call_api = lambda **keywords: {**OLD_CALL_API_DEFAULTS, **keywords}
        return method(client, request)
    return helper, method


# What `call_api` defaults to for the keywords that releases 3.0.x do not pass yet.
OLD_CALL_API_DEFAULTS = {"cname": None, "response_headers": [], "collection_formats": {}}


def locate(info: dict, markers: dict) -> dict:
    """Find each marker in the http_info produced with marker values."""
    by_id = {id(m): attr for attr, m in markers.items()}
    found: dict[str, list] = {}

    def hit(value, where):
        attr = by_id.get(id(value))
        if attr is not None and value is markers[attr]:
            found.setdefault(attr, []).append(where)

    for key, value in info["path_params"].items():
        hit(value, ("path", key))
    for item in info["query_params"]:
        if not (isinstance(item, tuple) and len(item) == 2):
            fail(f"unexpected query_params entry {item!r}")
        hit(item[1], ("query", item[0]))
    for key, value in info["header_params"].items():
        hit(value, ("header", key))
    for key, value in (info["post_params"] or {}).items():
        hit(value, ("form", key))
    if info["body"] is not None:
        hit(info["body"], ("body", None))
    return found


PARAM_DOC_RE = re.compile(r"^\s*:param (\w+): ?(.*)$")


def param_docstrings(req_cls) -> dict:
    """`:param <attr>: <text>` lines of the request class's `__init__` docstring."""
    out = {}
    for line in (inspect.getdoc(req_cls.__init__) or "").splitlines():
        m = PARAM_DOC_RE.match(line)
        if m and m.group(1) not in out:
            out[m.group(1)] = m.group(2).strip()
    return out


def describe_operation(name, client_cls, model_module, core) -> tuple[dict, set]:
    SdkStreamRequest = core["SdkStreamRequest"]
    SdkStreamResponse = core["SdkStreamResponse"]
    helper, helper_source = http_info_helper(client_cls, name)
    public = getattr(client_cls, name)
    doc = inspect.getdoc(public) or ""

    m = DOC_TYPE_RE.search(doc)
    req_name = m.group(1).rsplit(".", 1)[-1] if m else None
    convention = "".join(p[:1].upper() + p[1:] for p in name.split("_")) + "Request"
    if req_name is None:
        req_name = convention
    req_cls = getattr(model_module, req_name, None)
    if not isinstance(req_cls, type):
        fail(f"{name}: request class {req_name} not found")

    types = {a: parse_type(t, model_module) for a, t in req_cls.openapi_types.items()}
    param_docs = param_docstrings(req_cls)
    if list(req_cls.openapi_types) != list(req_cls.attribute_map):
        fail(f"{req_name}: openapi_types and attribute_map disagree")
    sensitive = set(getattr(req_cls, "sensitive_list", []) or [])

    # 1. the "real" call: typed sample values
    typed = new_request(req_cls, SdkStreamRequest)
    for attr, tree in types.items():
        setattr(typed, attr, sample_value(tree, model_module))
    try:
        info = helper(typed)
    except Exception as exc:  # noqa: BLE001 - report which op broke
        fail(f"{name}: _{name}_http_info failed on typed sample request: {exc!r}")
    # a body model sample must also serialise
    if info["body"] is not None and not isinstance(info["body"], (io.IOBase, bytes)):
        core["sanitize_for_serialization"](info["body"])

    # 2. identification call: unique markers
    markers = {attr: Marker(attr) for attr in types}
    marked = new_request(req_cls, SdkStreamRequest)
    for attr, mk in markers.items():
        setattr(marked, attr, mk)
    try:
        minfo = helper(marked)
    except Exception as exc:  # noqa: BLE001
        fail(f"{name}: _{name}_http_info failed on marker request: {exc!r}")
    found = locate(minfo, markers)

    # both calls must use the same wire names in the same order
    def shape(i):
        return (list(i["path_params"]), [q[0] for q in i["query_params"]],
                sorted(i["header_params"]), sorted(i["post_params"] or {}),
                i["body"] is None, sorted(i["collection_formats"]),
                list(i["response_headers"]))
    if shape(info) != shape(minfo):
        fail(f"{name}: typed and marker calls disagree: {shape(info)} vs {shape(minfo)}")

    for k in ("method", "resource_path", "request_type", "response_type"):
        if info[k] != minfo[k]:
            fail(f"{name}: {k} differs between calls")
    if info["request_type"] != req_name:
        fail(f"{name}: request_type {info['request_type']} != {req_name}")

    response_type = info["response_type"]
    resp_cls = getattr(model_module, response_type, None)
    if not isinstance(resp_cls, type):
        fail(f"{name}: response class {response_type} not found")
    m = DOC_RTYPE_RE.search(doc)
    if m and m.group(1).rsplit(".", 1)[-1] != response_type:
        fail(f"{name}: docstring rtype {m.group(1)} != {response_type}")

    def param(attr, wire=None):
        entry = {
            "python_name": attr,
            "attribute_map_name": req_cls.attribute_map[attr],
            "wire_name": wire if wire is not None else req_cls.attribute_map[attr],
            "type": req_cls.openapi_types[attr],
            "type_info": types[attr],
            "sensitive": attr in sensitive,
        }
        return entry

    parameters = []
    unplaced = []
    for attr in types:
        places = found.get(attr, [])
        if not places and req_cls.attribute_map[attr].lower() == "content-type" \
                and CONTENT_TYPE_HEADER in minfo["header_params"]:
            # The helper copies the attribute into `Content-Type` and then overwrites it
            # with the declared media type: it never reaches the wire, so it is left out.
            continue
        if len(places) > 1:
            fail(f"{name}: attribute {attr} lands in several places: {places}")
        if not places:
            # The official client never sends it (geip `ListAccessSitesRequest.code`): the
            # wire is the same without it, so it is left out and recorded.
            unplaced.append(attr)
            continue
        location, wire = places[0]
        p = param(attr, wire if location != "body" else None)
        p["location"] = location
        if location == "query" and wire in PAGING_PARAMS and param_docs.get(attr):
            p["doc"] = param_docs[attr]
        if location in ("path", "query", "header", "form") and wire in minfo["collection_formats"]:
            p["collection_format"] = minfo["collection_formats"][wire]
        parameters.append(p)
    for p in parameters:
        if p["location"] in ("path", "query", "header") and is_structured(p["type_info"]):
            # The official SDK sends such a value as Python's str() of a dict: not an API.
            fail(f"{name}: {p['location']} parameter {p['python_name']} has a structured type, {p['type']}")

    by_attr = {p["python_name"]: p for p in parameters}
    attr_at = {place: attr for attr, places in found.items() for place in places}

    def ordered(kind, keys):
        out = []
        for key in keys:
            attr = attr_at.get((kind, key))
            if attr is None:
                fail(f"{name}: {kind} parameter {key!r} does not come from a request attribute")
            out.append(by_attr[attr])
        return out

    path_params = ordered("path", list(minfo["path_params"]))
    query_params = ordered("query", [q[0] for q in minfo["query_params"]])
    header_keys = [k for k in minfo["header_params"] if k != CONTENT_TYPE_HEADER]
    header_params = ordered("header", header_keys)
    post_params = ordered("form", list(minfo["post_params"] or {}))
    body_attr = attr_at.get(("body", None))
    body = by_attr[body_attr] if body_attr is not None else None

    content_type = info["header_params"].get(CONTENT_TYPE_HEADER)
    if CONTENT_TYPE_HEADER in minfo["header_params"] and \
            minfo["header_params"][CONTENT_TYPE_HEADER] != content_type:
        fail(f"{name}: Content-Type differs between calls")
    if any(mk is minfo["header_params"].get(CONTENT_TYPE_HEADER) for mk in markers.values()):
        fail(f"{name}: Content-Type header comes from a request attribute")
    if content_type is None and "select_header_content_type" not in inspect.getsource(helper_source):
        # Releases 3.0.x never set it; the core then sends its default (`ApiClient.
        # build_future_request`: `header_params.setdefault("Content-Type", "application/json")`).
        content_type = "application/json"

    placeholders = PLACEHOLDER_RE.findall(info["resource_path"])
    if len(set(placeholders)) != len(placeholders):
        fail(f"{name}: duplicate placeholder in {info['resource_path']}")
    reserved = [p for p in placeholders if p not in info["path_params"]]
    stray = [k for k in info["path_params"] if k not in placeholders]
    if stray:
        # A path parameter without a placeholder never reaches the wire (codehub
        # `list_impersonation_tokens`'s group_id): left out and recorded, like attributes
        # the client never sends.
        gone = {p["python_name"] for p in path_params if p["wire_name"] in stray}
        unplaced += sorted(gone)
        path_params = [p for p in path_params if p["python_name"] not in gone]
        parameters = [p for p in parameters if p["python_name"] not in gone]
    for r in reserved:
        if r not in ("project_id", "domain_id"):
            fail(f"{name}: placeholder {{{r}}} is neither a request attribute nor reserved")
    # Render the typed call the way Client._parse_path_params/_parse_query_params
    # do (sanitize, parameters_to_tuples, quote(str(v))) so that the sample
    # values are known to survive the real request builder, and only reserved
    # placeholders remain.
    http_utils = core["http_utils"]
    rendered = info["resource_path"]
    path_values = {k: v for k, v in info["path_params"].items() if v is not None}
    for k, v in http_utils.parameters_to_tuples(
            http_utils.sanitize_for_serialization(path_values), info["collection_formats"]):
        rendered = rendered.replace("{%s}" % k, quote(str(v), safe=""))
    if PLACEHOLDER_RE.findall(rendered) != reserved:
        fail(f"{name}: rendered path {rendered} leaves unexpected placeholders")
    http_utils.parameters_to_tuples(
        http_utils.sanitize_for_serialization([q for q in info["query_params"] if q[1] is not None]),
        {k: "multi" for k in info["collection_formats"]})

    src = inspect.getsource(helper_source)
    auth_settings = source_literal(src, r"auth_settings = (\[[^\]]*\])", "auth_settings", name)
    declared_ct = source_literal(
        src, r"select_header_content_type\(\s*(\[[^\]]*\])\s*\)", "content types", name)

    op = {
        "python_name": name,
        "method": info["method"],
        "resource_path": info["resource_path"],
        "path_placeholders": placeholders,
        "reserved_placeholders": reserved,
        "request_type": req_name,
        "response_type": response_type,
        "content_type": content_type,
        "declared_content_types": declared_ct,
        "auth_settings": auth_settings,
        "cname": info["cname"],
        "request_is_stream": issubclass(req_cls, SdkStreamRequest),
        "response_is_stream": issubclass(resp_cls, SdkStreamResponse),
        "parameters": parameters,
        "path_params": path_params,
        "query_params": query_params,
        "header_params": header_params,
        "post_params": post_params,
        "body": body,
        "response_headers": list(info["response_headers"]),
        "collection_formats": dict(info["collection_formats"]),
    }
    if unplaced:
        op["unsent_attributes"] = unplaced

    roots = {response_type}
    if body is not None:
        roots.update(model_refs(body["type_info"]))
    for p in post_params:
        roots.update(model_refs(p["type_info"]))
    return op, roots


# --------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------

def describe_models(roots: set, model_module, core, header_wire_names: dict) -> dict:
    SdkResponse = core["SdkResponse"]
    SdkStreamResponse = core["SdkStreamResponse"]
    models = {}
    todo = sorted(roots)
    while todo:
        cname = todo.pop()
        if cname in models:
            continue
        cls = getattr(model_module, cname)
        if list(cls.openapi_types) != list(cls.attribute_map):
            fail(f"{cname}: openapi_types and attribute_map keys disagree")
        sensitive = list(getattr(cls, "sensitive_list", []) or [])
        unknown = [s for s in sensitive if s not in cls.openapi_types]
        if unknown:
            fail(f"{cname}: sensitive_list names unknown attributes {unknown}")
        is_response = issubclass(cls, SdkResponse)
        header_names = header_wire_names.get(cname, set())
        fields = []
        for attr, t in cls.openapi_types.items():
            tree = parse_type(t, model_module)
            wire = cls.attribute_map[attr]
            fields.append({
                "python_name": attr,
                "wire_name": wire,
                "type": t,
                "type_info": tree,
                "sensitive": attr in sensitive,
                "response_header": is_response and wire in header_names,
            })
            for ref in model_refs(tree):
                if ref not in models:
                    todo.append(ref)
        body_fields = [f for f in fields if not f["response_header"]]
        body_attribute = None
        if is_response and len(body_fields) == 1 and body_fields[0]["wire_name"] == "body":
            body_attribute = body_fields[0]["python_name"]
        models[cname] = {
            "name": cname,
            "module": cls.__module__,
            "kind": ("stream_response" if issubclass(cls, SdkStreamResponse)
                     else "response" if is_response else "model"),
            "fields": fields,
            "sensitive_list": sensitive,
            "response_header_fields": [f["python_name"] for f in fields if f["response_header"]],
            "body_attribute": body_attribute,
            "body_type": (next(f["type"] for f in fields if f["python_name"] == body_attribute)
                          if body_attribute else None),
            "body_wire_name_fields": [f["python_name"] for f in fields if f["wire_name"] == "body"],
            "has_discriminator": hasattr(cls, "get_real_child_model"),
        }
        todo.sort()
    return models


# --------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------

def load_core() -> dict:
    from huaweicloudsdkcore.sdk_response import SdkResponse
    from huaweicloudsdkcore.sdk_stream_request import SdkStreamRequest
    from huaweicloudsdkcore.sdk_stream_response import SdkStreamResponse
    from huaweicloudsdkcore.utils import http_utils
    from huaweicloudsdkcore.utils.http_utils import sanitize_for_serialization
    return {
        "http_utils": http_utils,
        "SdkResponse": SdkResponse,
        "SdkStreamRequest": SdkStreamRequest,
        "SdkStreamResponse": SdkStreamResponse,
        "sanitize_for_serialization": sanitize_for_serialization,
    }


# Credential classes of a package's own (`<module>.<service>_credentials`) whose requests
# are those of a known kind: SMS API's signs with the access key and adds neither id;
# IAM Identity Center's OIDC, portal and SCIM ones neither sign nor add anything (the
# caller's tokens are parameters).
OWN_CREDENTIAL_KINDS = {
    "SMSApiCredentials": "unscoped",
    "IdentityCenterOIDCCredentials": "anonymous",
    "IdentityCenterPortalAPICredentials": "anonymous",
    "IdentityCenterSCIMCredentials": "anonymous",
}


def new_builder(client_cls):
    """The official client's builder. Releases 3.0.x take the client class as an argument
    (`FgsClient.new_builder(FgsClient)`)."""
    try:
        return client_cls.new_builder()
    except TypeError:
        return client_cls.new_builder(client_cls)


def describe_regions(key: str, module_name: str) -> tuple[str | None, list]:
    """The service's static region table: (class name, [{id, endpoints}] sorted by id).

    The table is the ``static_fields`` dict of the one ``*Region`` class in
    ``<module>.region.<key>_region``. Every entry must be a ``Region`` whose id
    equals its key and whose endpoints are non-empty https URLs. A package without a
    ``region`` module (releases 3.0.x of FunctionGraph and TestHub) has no regions: its
    clients take an endpoint only.
    """
    from huaweicloudsdkcore.region.region import Region
    if importlib.util.find_spec(f"{module_name}.region") is None:
        return None, []
    region_module = importlib.import_module(f"{module_name}.region.{key}_region")
    classes = sorted(
        name for name, obj in vars(region_module).items()
        if isinstance(obj, type) and name.endswith("Region") and obj is not Region
        and obj.__module__ == region_module.__name__
    )
    if len(classes) != 1:
        fail(f"{region_module.__name__}: expected one *Region class, found {classes}")
    cls = getattr(region_module, classes[0])
    fields = getattr(cls, "static_fields", None)
    if not isinstance(fields, dict) or not fields:
        fail(f"{classes[0]}.static_fields is missing or empty")
    regions = []
    for rid in sorted(fields):
        region = fields[rid]
        if not isinstance(region, Region):
            fail(f"{classes[0]}.static_fields[{rid!r}] is not a Region")
        if region.id != rid:
            fail(f"{classes[0]}.static_fields[{rid!r}] has id {region.id!r}")
        endpoints = list(region.endpoints or [])
        if not endpoints or any(not isinstance(e, str) or not e.startswith("https://")
                                for e in endpoints):
            fail(f"{classes[0]}.static_fields[{rid!r}]: bad endpoints {endpoints!r}")
        if len(set(endpoints)) != len(endpoints):
            fail(f"{classes[0]}.static_fields[{rid!r}]: duplicate endpoints {endpoints!r}")
        regions.append({"id": rid, "endpoints": endpoints})
    return classes[0], regions


def describe_service(entry: tuple, strict: bool, core: dict) -> dict:
    service, api_version, dist, module_name, client_name, expected = entry
    key = service
    module = importlib.import_module(module_name)
    client_cls = getattr(module, client_name, None)
    if not isinstance(client_cls, type):
        fail(f"{module_name}.{client_name} not found")
    version = importlib.metadata.version(dist)

    ops = discover_operations(client_cls)
    if expected is not None and len(ops) != expected:
        msg = f"{key}: found {len(ops)} operations, expected {expected} (SDK {version})"
        if strict:
            fail(msg)
        print(f"warning: {msg}", file=sys.stderr)

    operations = []
    skipped = []
    roots: set = set()
    header_wire_names: dict[str, set] = {}
    for name in ops:
        try:
            op, op_roots = describe_operation(name, client_cls, module, core)
        except Exception as exc:  # noqa: BLE001 - strict runs stop; others record and go on
            if strict:
                raise
            # The catalogue counts the operations that do import, so one odd operation
            # does not hide the rest of its service.
            why = str(exc) if isinstance(exc, IntrospectionError) else f"{name}: {exc!r}"
            skipped.append({"python_name": name, "error": why})
            continue
        operations.append(op)
        roots |= op_roots
        header_wire_names.setdefault(op["response_type"], set()).update(op["response_headers"])

    models = describe_models(roots, module, core, header_wire_names)

    def response_problem(op) -> str | None:
        resp = models[op["response_type"]]
        if resp["kind"] == "model":
            return f"{op['python_name']}: response {op['response_type']} is not an SdkResponse"
        for h in op["response_headers"]:
            if not any(f["wire_name"] == h for f in resp["fields"]):
                return f"{op['python_name']}: response header {h} has no field"
        return None

    kept = []
    for op in operations:
        problem = response_problem(op)
        if problem is None:
            kept.append(op)
        elif strict:
            fail(problem)
        else:
            skipped.append({"python_name": op["python_name"], "error": problem})
    operations = kept

    region_class, regions = describe_regions(key, module_name)
    # The builder names the credential classes the client accepts (`ClientBuilder(cls,
    # "GlobalCredentials")` for AAD, BSS, CDN, ...); building one needs no credentials or network.
    builder = new_builder(client_cls)
    accepted = getattr(builder, "_credential_type", ["BasicCredentials"])
    if "BasicCredentials" in accepted:
        credentials = "regional"
    elif "GlobalCredentials" in accepted:
        credentials = "global"
    elif len(accepted) == 1 and accepted[0] in OWN_CREDENTIAL_KINDS:
        credentials = OWN_CREDENTIAL_KINDS[accepted[0]]
    else:  # a credential class of its own (Meeting, OBS, ...): named, not supported yet
        credentials = ",".join(accepted)

    # A client of its own error layout installs its exception handler in the builder (CCE).
    handler = getattr(builder, "_exception_handler", None)
    described = {
        "service": service,
        "version": api_version,
        "package": dist,
        "module": module_name,
        "client_class": client_name,
        "region_class": region_class,
        "credentials": credentials,
        "regions": regions,
        "sdk_version": version,
        "operation_count": len(operations),
        "operations": operations,
        "models": models,
    }
    if handler is not None:
        described["exception_handler"] = type(handler).__name__
    if credentials in ("unscoped", "anonymous"):
        described["credential_class"] = accepted[0]
    if skipped:
        described["skipped_operations"] = skipped
    return described


def build(strict: bool, selected: list | None = None) -> dict:
    warnings.simplefilter("ignore")
    core = load_core()
    core_version = importlib.metadata.version(CORE_PACKAGE)
    entries = SERVICES if not selected else [e for spec in selected for e in discover_service(spec)]
    versions_of: dict = {}
    for e in entries:
        versions_of.setdefault(e[0], []).append(e[1])
    services = {}
    for e in entries:
        key = service_key(e[0], e[1], versions_of)
        if key in services:
            fail(f"service {key} given twice")
        services[key] = describe_service(e, strict, core)
    if strict:
        for key, svc in [("core", {"sdk_version": core_version})] + list(services.items()):
            if svc["sdk_version"] != EXPECTED_SDK_VERSION:
                fail(f"{key}: SDK version {svc['sdk_version']} != {EXPECTED_SDK_VERSION}")
    return {
        "format_version": FORMAT_VERSION,
        "generator": "xtask/import/introspect.py",
        "core": {"package": CORE_PACKAGE, "sdk_version": core_version},
        "services": services,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="output JSON file ('-' for stdout)")
    ap.add_argument("--no-strict", action="store_true",
                    help="warn instead of failing on unexpected SDK versions / operation counts")
    ap.add_argument("--service", action="append", default=[], metavar="NAME[:VERSION]",
                    help="introspect huaweicloudsdk<NAME> (every version, or VERSION) instead of "
                         "the committed services; repeatable (operation counts are not checked)")
    args = ap.parse_args(argv)
    try:
        doc = build(strict=not args.no_strict, selected=args.service)
    except IntrospectionError as exc:
        print(f"introspect.py: error: {exc}", file=sys.stderr)
        return 1
    except ImportError as exc:
        print(f"introspect.py: error: {exc}; install the SDK first: pip install "
              "--require-hashes -r xtask/import/requirements.txt", file=sys.stderr)
        return 1
    text = json.dumps(doc, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
    if args.out == "-":
        sys.stdout.write(text)
    else:
        out_dir = os.path.dirname(os.path.abspath(args.out))
        fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=".introspect-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, args.out)
    for key, svc in doc["services"].items():
        print(f"{key} ({svc['module']}): {svc['operation_count']} operations, {len(svc['models'])} models, "
              f"{len(svc['regions'])} regions "
              f"(SDK {svc['sdk_version']})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
