#!/usr/bin/env python3
"""Request and response parity of the generated Rust crates with the official Python SDK
(see README.md).

    python xtask/parity/run.py --driver <parity-driver> --ir <ir.json> [--root <workspace>]
        [--introspection <introspect.json>] [--services a,b] [--rust-responses <file.json>]

Starts a recording HTTP server on 127.0.0.1 (random port). Pass 1 sends every sample through
the official Python client, pass 2 runs the Rust driver with the same samples. Before each
sample the caller announces it (``POST /__parity/next?side=..&op=<sample id>``, not recorded),
so requests are attributed by order, never by a header only one side sends. Per sample it
compares the two requests (method, path and query as raw bytes, every header value except
those in IGNORED_HEADERS, the body as bytes, both signatures re-verified with the official
signer) and the two decodes of the sample response (type-strict, against the value the
sample says both must decode; error bodies field by field). Exit code 0 iff every sample
passes or is listed (with a reason) in exceptions.txt and still differs.

``--rust-responses`` (used by the self-test) serves the Rust side different responses for
some samples: ``{"<sample id pattern>": {<fields replacing the sample response's>}}``.
"""

from __future__ import annotations

import argparse
import copy
import decimal
import fnmatch
import glob
import json
import logging
import os
import re
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import samples as samples_mod  # noqa: E402
import introspect as introspect_mod  # noqa: E402  (on sys.path through samples)

# Shared with crates/parity-driver/src/main.rs.
AK = "PARITYAK0000000000000"
SK = "paritysk0000000000000000000000000000000"
PROJECT_ID = "0123456789abcdef0123456789abcdef"
DOMAIN_ID = "fedcba9876543210fedcba9876543210"
CONTROL = "/__parity/next"

# Headers whose values are not compared, and why. Everything else that either side sends is
# compared by value (names case-insensitively).
IGNORED_HEADERS = {
    "x-sdk-date": "the signing time; each signature is verified on its own",
    "user-agent": "names the SDK (signed on both sides; only the value differs)",
    "authorization": "carries the signature over a different date; SignedHeaders is compared "
                     "and both signatures are re-verified",
    "accept-encoding": "requests (the official SDK's HTTP client) offers gzip/deflate; our "
                       "client does not decompress, so it offers nothing",
    "connection": "requests sends keep-alive explicitly; HTTP/1.1 keeps connections by default",
}


# --------------------------------------------------------------------------
# Recording server
# --------------------------------------------------------------------------

class State:
    def __init__(self, responses: dict, rust_responses: dict):
        self.lock = threading.Lock()
        self.current = None  # (side, sample id)
        self.records: dict[tuple, list] = {}
        self.unattributed: list = []
        self.responses = responses  # sample id -> {"kind", "status", "body", ...}
        self.rust_responses = rust_responses

    def response_for(self, cur):
        if cur is None:
            return None
        side, sid = cur
        resp = self.responses.get(sid)
        if side == "rust" and resp is not None:
            for pattern, fields in self.rust_responses.items():
                if fnmatch.fnmatchcase(sid, pattern):
                    return {**resp, **fields}
        return resp


FRAMING_HEADERS = ("content-length", "content-type", "connection", "transfer-encoding")


def framing_value(name: str, status: int, content_type, body: bytes):
    """The value the server sends for a framing header (None: not sent)."""
    if status == 204 or name == "transfer-encoding":
        return "keep-alive" if name == "connection" else None
    if name == "content-length":
        return str(len(body))
    if name == "content-type":
        return content_type
    return "keep-alive"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "parity-recorder"
    sys_version = ""
    # Headers and body are written separately; without TCP_NODELAY every response waits for
    # the client's delayed ACK (about 40 ms).
    disable_nagle_algorithm = True
    # A request whose body never ends (or a client that never sends one) fails after this
    # many seconds instead of holding the run.
    timeout = 20

    def log_message(self, *args):  # quiet
        pass

    def send_response(self, code, message=None):
        # Only the status line: http.server would add its own Date and Server headers, and a
        # sample that declares Date as an output field (DWR) would then be sent twice.
        self.send_response_only(code, message)

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            out = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return out
                out += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def _reply(self, status: int, content_type: str | None, body: bytes, request_id: str,
               headers=None):
        self.send_response(status)
        self.send_header("X-Request-Id", request_id)
        # Sample response headers (the operation's header output fields); the sample's own
        # request id was put in its X-Request-Id entry by samples.py. Headers that frame the
        # message (DWR declares Content-Length and Connection as output fields) are not served
        # from the sample: the sample records what is really sent, which both SDKs read.
        for k, v in (headers or {}).items():
            low = k.lower()
            if low == "x-request-id":
                continue
            if low in FRAMING_HEADERS:
                headers[k] = framing_value(low, status, content_type, body)
                if low == "connection":
                    self.send_header(k, headers[k])
                continue
            self.send_header(k, v)
        if status != 204:
            if content_type:
                self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 204 and self.command != "HEAD":
            self.wfile.write(body)

    def _handle(self):
        state: State = self.server.state
        body = self._body()
        target = self.path
        if target.split("?", 1)[0] == CONTROL:
            q = parse_qs(urlsplit(target).query)
            with state.lock:
                state.current = (q["side"][0], q["op"][0])
            self._reply(200, "text/plain", b"ok", "control")
            return
        path, _, query = target.partition("?")
        # Header values as the bytes received (latin-1 is how http.server decoded them).
        rec = {
            "method": self.command,
            "path": path,
            "query": query,
            "has_query_mark": "?" in target,
            "headers": [(k, v.encode("latin-1", "replace").decode("utf-8", "backslashreplace"))
                        for k, v in self.headers.items()],
            "body": body,
        }
        with state.lock:
            cur = state.current
            if cur is None:
                state.unattributed.append(rec)
            else:
                state.records.setdefault(cur, []).append(rec)
        resp = state.response_for(cur)
        if resp is None:
            self._reply(500, "application/json", b'{"error_code":"PARITY.0001","error_msg":"unattributed"}', "none")
            return
        rid = resp.get("request_id", "parity-request-id")
        kind = resp["kind"]
        if kind == "none":
            self._reply(204, None, b"", rid, resp.get("headers"))
        elif kind == "json":
            self._reply(200, "application/json", json.dumps(resp["body"]).encode(), rid, resp.get("headers"))
        elif kind == "text":
            self._reply(200, "text/plain; charset=utf-8", resp["body"].encode(), rid, resp.get("headers"))
        elif kind == "stream":
            self._reply(200, "application/octet-stream", resp["body"].encode(), rid, resp.get("headers"))
        else:  # error
            self._reply(resp["status"], resp.get("content_type"), resp["body"].encode(), rid)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _handle


# --------------------------------------------------------------------------
# Comparison
# --------------------------------------------------------------------------

def header(rec, name):
    for k, v in rec["headers"]:
        if k.lower() == name.lower():
            return v
    return None


def signed_headers(rec):
    auth = header(rec, "Authorization") or ""
    m = re.search(r"SignedHeaders=([^,]*)", auth)
    return m.group(1).split(";") if m else None


def verify_signature(rec) -> str | None:
    """Recomputes the signature of a received request with the official signer. None if it
    matches, else why not."""
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.sdk_request import SdkRequest
    from huaweicloudsdkcore.signer.signer import Signer

    auth = header(rec, "Authorization")
    names = signed_headers(rec)
    if not auth or names is None:
        return "no SDK-HMAC-SHA256 Authorization header"
    hdrs = {}
    for n in names:
        v = header(rec, n)
        if v is None:
            return f"signed header {n} not sent"
        hdrs[n] = v
    query = []
    if rec["query"]:
        for pair in rec["query"].split("&"):
            k, _, v = pair.partition("=")
            query.append((unquote(k), unquote(v)))
    req = SdkRequest(method=rec["method"], schema="http", host=header(rec, "Host"),
                     resource_path=rec["path"], query_params=query, header_params=hdrs,
                     body=rec["body"] or None)
    Signer(BasicCredentials(AK, SK)).sign(req)
    want = req.header_params["Authorization"]
    return None if want == auth else f"signature mismatch: sent {auth!r}, official signer {want!r}"


def strict_diff(a, b, at=""):
    """First difference of two JSON values, types included (``1``, ``1.0`` and ``true`` all
    differ), as ``(pointer, a, b)``; None if equal."""
    if type(a) is not type(b):
        return (at or "/", a, b)
    if isinstance(a, dict):
        for k in list(a) + [k for k in b if k not in a]:
            p = f"{at}/{k.replace('~', '~0').replace('/', '~1')}"
            if k not in a or k not in b:
                return (p, a.get(k, "<absent>"), b.get(k, "<absent>"))
            d = strict_diff(a[k], b[k], p)
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return (at or "/", f"{len(a)} items", f"{len(b)} items")
        for i, (x, y) in enumerate(zip(a, b)):
            d = strict_diff(x, y, f"{at}/{i}")
            if d:
                return d
        return None
    return None if a == b else (at or "/", a, b)


def show(v, limit=200):
    text = json.dumps(v, ensure_ascii=False) if not isinstance(v, bytes) else repr(v)
    return text if len(text) <= limit else text[:limit] + "…"


def body_diff(py: bytes, rs: bytes) -> str | None:
    """Bodies must be the same bytes (our JSON layout is the official SDK's); when they are
    not, say where the values differ."""
    if py == rs:
        return None
    try:
        a, b = json.loads(py), json.loads(rs)
    except ValueError:
        return f"body bytes {show(py)} vs {show(rs)}"
    d = strict_diff(a, b)
    if d:
        return f"body {d[0]}: {show(d[1])} vs {show(d[2])}"
    return f"body bytes differ, same JSON value: {show(py)} vs {show(rs)}"


MULTIPART_RE = re.compile(r"^multipart/form-data; *boundary=(\S+)$")


def multipart_boundary(rec) -> str | None:
    m = MULTIPART_RE.match(header(rec, "content-type") or "")
    return m.group(1).strip('"') if m else None


def multipart_parts(body: bytes, boundary: str) -> list | None:
    """A multipart/form-data body as its parts (header lines, data), without the boundary,
    which each side picks at random; None when the body is not well formed."""
    delimiter = b"--" + boundary.encode("latin-1")
    chunks = body.split(delimiter)
    if len(chunks) < 2 or chunks[0] not in (b"", b"\r\n") or not chunks[-1].startswith(b"--"):
        return None
    parts = []
    for chunk in chunks[1:-1]:
        if not chunk.startswith(b"\r\n") or not chunk.endswith(b"\r\n"):
            return None
        head, sep, data = chunk[2:-2].partition(b"\r\n\r\n")
        if not sep:
            return None
        parts.append((head.split(b"\r\n"), data))
    return parts


def header_diffs(py, rs) -> list[str]:
    out = []
    names = []
    # Multipart bodies: the boundary (in Content-Type) and so Content-Length differ by design;
    # the parts are compared instead (compare()).
    multipart = multipart_boundary(py) is not None and multipart_boundary(rs) is not None
    for k, _ in py["headers"] + rs["headers"]:
        if k.lower() not in names and k.lower() not in IGNORED_HEADERS:
            if multipart and k.lower() in ("content-type", "content-length"):
                continue
            names.append(k.lower())
    for n in names:
        a, b = header(py, n), header(rs, n)
        if a != b:
            out.append(f"header {n}: {show(a)} vs {show(b)}")
    return out


def multipart_diff(py, rs) -> str | None:
    pp = multipart_parts(py["body"], multipart_boundary(py))
    rp = multipart_parts(rs["body"], multipart_boundary(rs))
    if pp is None or rp is None:
        return f"multipart body not well formed: {show(py['body'])} vs {show(rs['body'])}"
    if pp != rp:
        return f"multipart parts {show(pp)} vs {show(rp)}"
    return None


def compare(py, rs) -> list[str]:
    diffs = []
    if py["method"] != rs["method"]:
        diffs.append(f"method {py['method']} vs {rs['method']}")
    if py["path"] != rs["path"]:
        diffs.append(f"path {py['path']!r} vs {rs['path']!r}")
    if (py["query"], py["has_query_mark"]) != (rs["query"], rs["has_query_mark"]):
        diffs.append(f"query {py['query']!r} vs {rs['query']!r}")
    sp, sr = signed_headers(py), signed_headers(rs)
    if sp != sr:
        diffs.append(f"signed headers {';'.join(sp or [])} vs {';'.join(sr or [])}")
    diffs += header_diffs(py, rs)
    if multipart_boundary(py) is not None and multipart_boundary(rs) is not None:
        d = multipart_diff(py, rs)
    else:
        d = body_diff(py["body"], rs["body"])
    if d:
        diffs.append(d)
    # An operation whose caller supplies `Authorization` (IAM's id-token calls) is signed by
    # neither SDK: the header must then be the same on both sides.
    ap, ar = header(py, "Authorization"), header(rs, "Authorization")
    if ap is None and ar is None:
        return diffs  # an anonymous service: signed by neither SDK
    if ap is not None and not ap.startswith("SDK-HMAC-SHA256"):
        if ap != ar:
            diffs.append("caller-supplied Authorization differs")
        return diffs
    for side, rec in (("python", py), ("rust", rs)):
        err = verify_signature(rec)
        if err:
            diffs.append(f"{side} {err}")
    return diffs


def self_test(py, rs) -> list[str]:
    """Proves the request comparison is not vacuous: every single mutation of an identical
    pair of requests must be reported."""

    def hdr(rec, name, value):
        rec["headers"] = [(k, value if k.lower() == name.lower() else v) for k, v in rec["headers"]]

    def drop_signed(rec):
        auth = header(rec, "Authorization")
        hdr(rec, "Authorization", re.sub(r"SignedHeaders=[^;,]*;", "SignedHeaders=", auth))

    def retype(rec):  # an integer as a float, or true as 1: equal for Python's ==
        body = re.sub(rb"(: )(\d+)([,}\]])", rb"\1\2.0\3", rec["body"], count=1)
        rec["body"] = body if body != rec["body"] else rec["body"].replace(b"true", b"1", 1)

    mutations = {
        "method": lambda r: r.update(method="PATCH" if r["method"] != "PATCH" else "PUT"),
        "path": lambda r: r.update(path=r["path"].replace("-", "%2D", 1)),
        "query": lambda r: r.update(query=r["query"] + "&x=1"),
        "signed header set": drop_signed,
        "content type": lambda r: hdr(r, "Content-Type", "text/plain"),
        "body": lambda r: r.update(body=r["body"].replace(b'"s-', b'"t-', 1)),
        "body scalar type": retype,
        "signature": lambda r: hdr(r, "Authorization", header(r, "Authorization")[:-1] +
                                   ("0" if header(r, "Authorization")[-1] != "0" else "1")),
        "signed header value": lambda r: hdr(r, "X-Project-Id", "0" * 32),
        "unsigned header": lambda r: r["headers"].append(("X-Extra", "1")),
    }
    missed = []
    for what, mutate in mutations.items():
        mutated = copy.deepcopy(rs)
        mutate(mutated)
        if mutated == rs or not compare(py, mutated):
            missed.append(what)
    return missed


def normalize(v):
    """Python's decoded values as JSON types (the SDK parses floats as Decimal)."""
    if isinstance(v, decimal.Decimal):
        return float(v)
    if isinstance(v, dict):
        return {k: normalize(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [normalize(x) for x in v]
    return v


ERROR_FIELDS = ("status", "request_id", "error_code", "error_msg", "encoded_authorization_message")


# Model names the official deserialiser mistakes for BSON types (`huaweicloudsdkcore.http.
# bson_types.BSON_TYPES_MAPPING`): a model of that name is returned as the raw JSON value.
BSON_TYPE_NAMES = frozenset({"Code", "ObjectId", "Regex", "MinKey", "MaxKey"})


def only_keys_of(expected, got):
    """`got` without the object members `expected` lacks, at every depth."""
    if isinstance(expected, dict) and isinstance(got, dict):
        return {k: only_keys_of(expected[k], v) for k, v in got.items() if k in expected}
    if isinstance(expected, list) and isinstance(got, list) and len(expected) == len(got):
        return [only_keys_of(e, g) for e, g in zip(expected, got)]
    return got


def undo_official_decoder_defects(expected, got, type_info, models, notes: set):
    """`got` (the official SDK's decoded value) with two defects of its deserialiser undone,
    each noted in `notes`; everything else is left for the strict comparison:
    - a model attribute whose JSON name is `body` and that the document lacks is filled with
      the whole enclosing document (`ApiClient._extract_kwargs`);
    - a model named like a BSON type (`Code`, ...) is kept as the raw JSON value, unknown
      members included.
    Ours decodes both as the spec says (absent stays absent; unknown members are dropped)."""
    kind = (type_info or {}).get("kind")
    if kind == "list" and isinstance(expected, list) and isinstance(got, list) and len(expected) == len(got):
        return [undo_official_decoder_defects(e, g, type_info["items"], models, notes)
                for e, g in zip(expected, got)]
    if kind == "map" and isinstance(expected, dict) and isinstance(got, dict):
        return {k: undo_official_decoder_defects(expected[k], v, type_info["values"], models, notes)
                if k in expected else v for k, v in got.items()}
    if kind != "model" or not isinstance(expected, dict) or not isinstance(got, dict):
        return got
    if type_info["name"] in BSON_TYPE_NAMES:
        trimmed = only_keys_of(expected, got)
        if trimmed != got:
            notes.add(f"the official SDK keeps a model named {type_info['name']} (a BSON type name) undecoded")
        return trimmed
    out = dict(got)
    for field in (models.get(type_info["name"]) or {}).get("fields", []):
        wire = field["wire_name"]
        if wire not in out:
            continue
        if wire == "body" and wire not in expected:
            del out[wire]
            notes.add("the official SDK fills an absent `body` member with its enclosing document")
        elif wire in expected:
            out[wire] = undo_official_decoder_defects(expected[wire], out[wire], field["type_info"],
                                                      models, notes)
    return out


def response_type_info(sample, models):
    """The official SDK's type of `python_decode`'s value for `sample`."""
    name = sample.op.get("response_type")
    info = models.get(name) or {}
    if info.get("body_attribute"):
        return next((f["type_info"] for f in info.get("fields", [])
                     if f["python_name"] == info["body_attribute"]), None)
    return {"kind": "model", "name": name} if name else None


def response_diffs(sample, py_out, rs_out, models=None, notes=None, exception_handler=None) -> list[str]:
    """Both SDKs decoded what the sample response says they must: success values type-strict
    (each against the expected value, so also against each other), error fields one by one.
    With the official SDK's `models` (introspection), its known decoder defects are undone
    and named in `notes` (`undo_official_decoder_defects`). `exception_handler` names the
    official client's own error handler (CCE's), whose failures are noted too."""
    resp = sample.response
    diffs = []
    if rs_out is None:
        return ["no result from the Rust driver"]
    if rs_out.get("kind") == "sample":
        return [f"rust could not express the sample: {rs_out['error']}"]
    if resp["kind"] == "error":
        pe, re_ = py_out.get("service_error"), rs_out.get("service_error")
        if (pe is None and exception_handler and notes is not None and re_ is not None
                and re_.get("status") == resp["status"]
                and re_.get("request_id") == resp["request_id"]
                and str(py_out.get("error", "")).startswith(("JSONDecodeError", "AttributeError"))):
            # The official handler of its own fails on an error body that is not a JSON
            # object; ours reports the service error with its status and body.
            notes.add(f"the official {exception_handler} fails on an error body that is not a JSON object")
            return diffs
        if pe is None:
            diffs.append(f"python did not raise a service error ({py_out.get('error', 'no error')})")
        if re_ is None:
            diffs.append(f"rust did not return a service error ({rs_out.get('error', 'no error')})")
        if pe is None or re_ is None:
            return diffs
        want = {"status": resp["status"], "request_id": resp["request_id"]}
        for f in ERROR_FIELDS:
            a, b = pe.get(f), re_.get(f)
            if f == "error_code" and isinstance(a, int):
                a = str(a)  # Python keeps a numeric `code` as int; ours is always text
            if f in ("error_code", "error_msg") and a is None and exception_handler:
                a = ""  # CCE's handler leaves what it does not find None; ours empty, as Go
            if a != b or type(a) is not type(b):
                diffs.append(f"error {f}: python {show(a)} vs rust {show(b)}")
            elif f in want and a != want[f]:
                diffs.append(f"error {f}: both {show(a)}, served {show(want[f])}")
        return diffs
    expected = resp["expected"]
    for side, out in (("python", py_out), ("rust", rs_out)):
        if not out.get("ok"):
            diffs.append(f"{side} failed: {out.get('error')}")
            continue
        if side == "python" and out["response"] is None and expected in ("", [], {}):
            # The official deserialiser skips falsy data: a response whose whole document is
            # one attribute (a bare string, array or free-form object) decodes as None when
            # that document is empty. Python only; the Rust side must return the empty value.
            continue
        got = out["response"]
        if (side == "python" and isinstance(expected, dict) and isinstance(got, dict)
                and "status_code" in got and got["status_code"] == out.get("status")):
            # The official SdkResponse keeps the HTTP status in `status_code`, over a body
            # field of that name (present or not); ours keeps the body's. Compared without it.
            got = {k: v for k, v in got.items() if k != "status_code"}
            if "status_code" in expected:
                got["status_code"] = expected["status_code"]
        if side == "python" and models is not None and notes is not None:
            got = undo_official_decoder_defects(expected, got, response_type_info(sample, models),
                                                models, notes)
        d = strict_diff(expected, got)
        if d:
            diffs.append(f"{side} decoded {d[0]}: sample {show(d[1])} vs {show(d[2])}")
        if out.get("status") != resp["status"]:
            diffs.append(f"{side} status {out.get('status')} vs served {resp['status']}")
    if rs_out.get("ok") and resp["kind"] == "json":
        got, want = rs_out.get("unknown_enum_values"), resp["unknown_enum_values"]
        if got != want:
            diffs.append(f"rust decoded {got} enum value(s) as Unknown, the sample has {want} "
                         "the spec does not list")
    if rs_out.get("ok") and rs_out.get("request_id") != resp["request_id"]:
        diffs.append(f"rust request_id {rs_out.get('request_id')!r} vs served {resp['request_id']!r}")
    # Output fields filled from response headers, as each SDK filled them.
    served = resp.get("headers")
    if served:
        for side, out in (("python", py_out), ("rust", rs_out)):
            fields = out.get("header_fields")
            if side == "python" and isinstance(fields, dict) and fields.get("status_code") == out.get("status"):
                # As for the body: the official SdkResponse's `status_code` is the HTTP status,
                # over a header field of that name.
                fields = {**fields, "status_code": served.get("status_code")}
            if out.get("ok") and fields != served:
                diffs.append(f"{side} header fields {show(fields)} vs served {show(served)}")
    return diffs


# --------------------------------------------------------------------------
# Passes
# --------------------------------------------------------------------------

def python_decode(s, resp, models):
    """The official SDK's decoded response as JSON values."""
    from huaweicloudsdkcore.utils.http_utils import sanitize_for_serialization

    kind = s.response["kind"]
    if kind == "stream":
        chunks = []
        resp.consume_download_stream(lambda r: chunks.extend(r.iter_content(8192)))
        return b"".join(chunks).decode("utf-8", "replace")
    if kind == "none":
        return None
    info = models.get(s.op["response_type"]) or {}
    if info.get("body_attribute"):
        return normalize(sanitize_for_serialization(getattr(resp, info["body_attribute"])))
    headers = set(info.get("response_header_fields") or [])
    return normalize({resp.attribute_map[a]: sanitize_for_serialization(getattr(resp, a))
                      for a in resp.openapi_types
                      if a not in headers and getattr(resp, a) is not None})


def official_credentials(service: dict):
    """The credentials the official client accepts: `GlobalCredentials` (domain id) for a
    global service (introspection `credentials: global`), the package's own class for an
    unscoped (`SMSApiCredentials(ak, sk)`) or anonymous one (`IdentityCenterSCIMCredentials()`),
    else `BasicCredentials`."""
    from huaweicloudsdkcore.auth.credentials import BasicCredentials, GlobalCredentials

    kind = service.get("credentials")
    if kind == "global":
        return GlobalCredentials(AK, SK, DOMAIN_ID)
    if kind in ("unscoped", "anonymous"):
        cls = own_credential_class(service["module"], service["credential_class"])
        return cls(AK, SK) if kind == "unscoped" else cls()
    return BasicCredentials(AK, SK, PROJECT_ID)


def own_credential_class(module_name: str, class_name: str):
    """A credential class of the package's own, from its `*_credentials` module."""
    import importlib
    import pkgutil

    package = importlib.import_module(module_name)
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.endswith("_credentials"):
            module = importlib.import_module(f"{module_name}.{info.name}")
            if hasattr(module, class_name):
                return getattr(module, class_name)
    raise SystemExit(f"{module_name}: no credentials module defines {class_name}")


def python_http_config():
    """The official client's defaults, with waits bounded: every answer comes from 127.0.0.1
    at once, so a sample that waits longer is stuck (and fails) rather than holding the run."""
    from huaweicloudsdkcore.http.http_config import HttpConfig

    config = HttpConfig.get_default_config()
    config.timeout = (5, 20)
    return config


def python_pass(state: State, url: str, samples, introspection) -> dict:
    from huaweicloudsdkcore.exceptions.exceptions import ServiceResponseException
    import importlib

    clients = {}
    for key, (module_name, client_name, _) in samples_mod.SERVICES.items():
        # The SDK logs every error response it raises (to stderr, without a handler).
        logging.getLogger(f"HuaweiCloud-SDK-{client_name}").addHandler(logging.NullHandler())
        cls = getattr(importlib.import_module(module_name), client_name)
        clients[key] = (introspect_mod.new_builder(cls)
                        .with_credentials(official_credentials(introspection["services"].get(key, {})))
                        .with_endpoints([url])
                        .with_http_config(python_http_config())
                        .build())
    outcomes = {}
    for s in samples:
        with state.lock:
            state.current = ("python", s.id)
        models = introspection["services"][s.service]["models"]
        try:
            resp = getattr(clients[s.service], s.python_name)(s.request)
            outcomes[s.id] = {"ok": True, "status": getattr(resp, "status_code", None),
                              "response": python_decode(s, resp, models)}
            if s.response.get("headers"):
                outcomes[s.id]["header_fields"] = {
                    wire: getattr(resp, attr, None) for attr, wire in resp.attribute_map.items()
                    if wire in s.response["headers"]}
        except ServiceResponseException as e:
            outcomes[s.id] = {"ok": False, "error": f"{type(e).__name__}: {e}", "service_error": {
                "status": e.status_code, "request_id": e.request_id, "error_code": e.error_code,
                "error_msg": e.error_msg, "encoded_authorization_message": e.encoded_auth_msg}}
        except Exception as e:  # noqa: BLE001 - recorded; the request is what counts
            outcomes[s.id] = {"ok": False, "error": f"{type(e).__name__}: {e}"}
    with state.lock:
        state.current = None
    return outcomes


def known_divergence(py, rs, diffs, service) -> str | None:
    """Why a difference is by design, for the classes of difference that are: the official
    SDK with `GlobalCredentials` has no project id and sends `{project_id}` as it is (the
    gateway cannot route that); ours fills it from the credentials. Only when that is the
    one difference."""
    if service.get("credentials") != "global" or len(diffs) != 1 or not diffs[0].startswith("path "):
        return None
    placeholder = "%7Bproject_id%7D"
    if placeholder in py["path"] and py["path"].replace(placeholder, PROJECT_ID) == rs["path"]:
        return "official GlobalCredentials leave {project_id} unfilled; ours fills it"
    return None


def load_exceptions(path):
    out = {}
    if not os.path.exists(path):
        return out
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            op, sep, reason = line.partition(": ")
            if not sep or not reason.strip():
                raise SystemExit(f"{path}:{n}: expected `<service>.<python_name>[@<variant>]: <reason>` "
                                 "(shell patterns allowed)")
            out[op.strip()] = reason.strip()
    return out


RESPONSE_ONLY = " (response)"


def response_only(pattern: str) -> bool:
    """`<pattern> (response)`: the entry excuses response differences only; the request must
    still be identical."""
    return pattern.endswith(RESPONSE_ONLY)


def exception_matches(pattern: str, sample_id: str) -> bool:
    """An entry names a sample (`svc.op@variant`), an operation (`svc.op`: all its samples) or a
    shell-style pattern over sample ids (`*@error-throttled`), optionally followed by
    ` (response)`."""
    if response_only(pattern):
        pattern = pattern[: -len(RESPONSE_ONLY)]
    if "@" not in pattern:
        pattern += "@*"
    return fnmatch.fnmatchcase(sample_id, pattern)


def free_form_fields(root, services):
    """Fields of generated models whose type is (or contains) serde_json::Value."""
    found = []
    for key in services:
        name, _, version = key.partition(".")
        base = os.path.join(root, "crates", name, "src", *([version] if version else []))
        # models.rs, plus models/<chunk>.rs when the file was split.
        paths = [os.path.join(base, "models.rs")] + sorted(glob.glob(os.path.join(base, "models", "*.rs")))
        for path in paths:
            if not os.path.exists(path):
                continue
            model = None
            with open(path, encoding="utf-8") as f:
                for line in f:
                    m = re.match(r"\s*pub struct (\w+)", line)
                    if m:
                        model = m.group(1)
                    m = re.match(r"\s*pub (r#)?(\w+): (Option<)?(.*serde_json::Value.*?)>?,\s*$", line)
                    if m and model and not model.endswith("Builder"):
                        found.append(f"{key}.{model}.{m.group(2)}")
    return found


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--driver", required=True)
    ap.add_argument("--root", default=os.path.abspath(os.path.join(HERE, "..", "..")))
    ap.add_argument("--introspection")
    ap.add_argument("--ir")
    ap.add_argument("--services", help="comma-separated subset (self-test)")
    ap.add_argument("--rust-responses", help="JSON file: responses served to the Rust side only")
    args = ap.parse_args()
    root = args.root
    # Never a proxy: everything goes to 127.0.0.1.
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        os.environ.pop(var, None)
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
    for var in list(os.environ):
        if var.startswith("HUAWEICLOUD_SDK_"):
            del os.environ[var]

    started = time.monotonic()
    out_dir = os.path.join(root, "target", "parity")
    os.makedirs(out_dir, exist_ok=True)
    intro_path = args.introspection or os.path.join(root, "target", "import", "introspect.json")
    with open(intro_path, encoding="utf-8") as f:
        introspection = json.load(f)
    if set(introspection["services"]) != set(samples_mod.SERVICES):
        # A scratch trial (`import --service`, the catalogue): the document's services, which
        # may be one committed service alone.
        samples_mod.use_services_of(introspection)
    services = args.services.split(",") if args.services else list(samples_mod.SERVICES)
    samples, coverage = samples_mod.build(root, intro_path, args.ir or os.path.join(out_dir, "ir.json"), services)
    samples_path = os.path.join(out_dir, "samples.json")
    with open(samples_path, "w", encoding="utf-8") as f:
        json.dump({"requests": [s.request_json for s in samples],
                   "responses": {s.id: s.response for s in samples}}, f, indent=1, ensure_ascii=False)
    rust_responses = {}
    if args.rust_responses:
        with open(args.rust_responses, encoding="utf-8") as f:
            rust_responses = json.load(f)

    state = State({s.id: s.response for s in samples}, rust_responses)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.state = state
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"

    t0 = time.monotonic()
    py_outcomes = python_pass(state, url, samples, introspection)
    t1 = time.monotonic()
    results_path = os.path.join(out_dir, "rust-results.json")
    if os.path.exists(results_path):
        os.remove(results_path)
    proc = subprocess.run([args.driver, samples_path, url, results_path],
                          capture_output=True, text=True, timeout=1800)
    t2 = time.monotonic()
    server.shutdown()
    if proc.returncode != 0 and not os.path.exists(results_path):
        print(proc.stdout + proc.stderr)
        print("0 passed, 1 failed")
        return 1
    with open(results_path, encoding="utf-8") as f:
        rust = json.load(f)
    rust_results = rust["results"]

    exceptions = load_exceptions(os.path.join(HERE, "exceptions.txt"))
    passed = failed = 0
    problems = []

    table = {k: {"ops_python": set(), "ops_rust": set(), "samples": 0, "request_identical": 0,
                 "response_ok": 0, "excepted": 0, "failed": 0} for k in services}
    per_sample = {}
    differing_ops = set()
    for s in samples:
        row = table[s.service]
        row["samples"] += 1
        py = state.records.get(("python", s.id), [])
        rs = state.records.get(("rust", s.id), [])
        if py:
            row["ops_python"].add(s.op_id)
        if rs:
            row["ops_rust"].add(s.op_id)
        py_out = py_outcomes.get(s.id, {})
        rs_out = rust_results.get(s.id)
        diffs = []
        if len(py) != 1:
            diffs.append(f"python sent {len(py)} requests ({py_out.get('error', 'no error')})")
        if len(rs) != 1:
            why = (rs_out or {}).get("error", "no error")
            diffs.append(f"rust sent {len(rs)} requests ({why})")
        if len(py) == 1 and len(rs) == 1:
            diffs += compare(py[0], rs[0])
        request_ok = not diffs
        row["request_identical"] += request_ok
        decoder_notes = set()
        service_models = introspection["services"].get(s.service, {}).get("models") or {}
        handler = introspection["services"].get(s.service, {}).get("exception_handler")
        resp_diffs = response_diffs(s, py_out, rs_out, service_models, decoder_notes, handler) if py else []
        row["response_ok"] += not resp_diffs
        diffs += [f"response: {d}" for d in resp_diffs]
        ok = not diffs
        if not ok:
            differing_ops.add(s.op_id)
        listed = next((why for pat, why in exceptions.items()
                       if exception_matches(pat, s.id) and (request_ok or not response_only(pat))), None)
        if listed is None and diffs and len(py) == 1 and len(rs) == 1:
            listed = known_divergence(py[0], rs[0], diffs, introspection["services"].get(s.service, {}))
        if listed is None and not diffs and decoder_notes:
            listed = "; ".join(sorted(decoder_notes))
        if listed:
            row["excepted"] += 1
            passed += 1
        elif ok:
            passed += 1
        else:
            failed += 1
            row["failed"] += 1
            problems.append(f"{s.id}: " + "; ".join(diffs))
        per_sample[s.id] = {"request_identical": request_ok, "response_ok": not resp_diffs,
                            "excepted": listed, "differences": diffs,
                            "python_error": py_out.get("error")}
    # Every entry must still be needed: it matches at least one sample that differs.
    for pat in sorted(exceptions):
        matched = [sid for sid in per_sample if exception_matches(pat, sid)]
        if not matched:
            if not args.services:
                problems.append(f"exceptions.txt: {pat} matches no sample")
                failed += 1
        elif all(not per_sample[sid]["differences"] for sid in matched):
            problems.append(f"exceptions.txt: {pat}: every matching sample is identical now; remove it")
            failed += 1

    # Self-test of the request comparison on one identical sample with a path parameter and a
    # number or `true` in the body.
    report_self_test = None
    probe = next((s.id for s in samples if per_sample[s.id]["request_identical"]
                  and s.request_json["path"] and s.variant == "full"
                  and "SDK-HMAC-SHA256" in (header(state.records[("rust", s.id)][0], "Authorization") or "")
                  and re.search(rb": (\d|true)", state.records[("rust", s.id)][0]["body"])), None)
    if probe is None:
        problems.append("self-test: no identical sample with a path parameter and a number or true in the body")
        failed += 1
    else:
        missed = self_test(state.records[("python", probe)][0], state.records[("rust", probe)][0])
        report_self_test = {"sample": probe, "missed": missed}
        if missed:
            problems.append(f"self-test on {probe}: comparison missed {', '.join(missed)}")
            failed += 1

    for key in services:
        expected = samples_mod.SERVICES[key][2]
        row = table[key]
        for side in ("python", "rust"):
            n = len(row[f"ops_{side}"])
            row[f"ops_{side}"] = n
            if n != expected:
                problems.append(f"{key}: {side} attempted {n} operations, expected {expected}")
                failed += 1
    if state.unattributed:
        problems.append(f"{len(state.unattributed)} request(s) arrived before any sample was announced")
        failed += 1

    # Everything that arrived, for debugging a difference.
    with open(os.path.join(out_dir, "records.json"), "w", encoding="utf-8") as f:
        json.dump({f"{side}:{sid}": [dict(r, body=r["body"].decode("utf-8", "replace")) for r in recs]
                   for (side, sid), recs in sorted(state.records.items())}, f, indent=1, ensure_ascii=False)
        f.write("\n")

    per_op = {}
    for s in samples:
        per_op[s.op_id] = per_op.get(s.op_id, 0) + 1
    counts = sorted(per_op.values())
    cov = coverage.summary()
    free = free_form_fields(root, services)
    report = {"services": table, "samples": len(samples),
              "samples_per_operation": {"min": counts[0], "median": counts[len(counts) // 2],
                                        "max": counts[-1], "mean": round(len(samples) / len(counts), 2)},
              "coverage": cov, "free_form_fields": len(free), "free_form_field_list": free,
              "samples_detail": per_sample, "problems": problems, "self_test": report_self_test,
              "exceptions": exceptions, "ignored_headers": IGNORED_HEADERS,
              "seconds": round(time.monotonic() - started, 1),
              "seconds_python_pass": round(t1 - t0, 1), "seconds_rust_pass": round(t2 - t1, 1)}
    with open(os.path.join(out_dir, "report.json"), "w", encoding="utf-8") as f:
        json.dump(report, f, indent=1, ensure_ascii=False, sort_keys=True)
        f.write("\n")

    print(f"{'service':<18}{'ops (py/rs)':>12}{'samples':>9}{'identical':>11}{'response ok':>13}"
          f"{'excepted':>10}{'failed':>8}")
    for key, row in table.items():
        print(f"{key:<18}{str(row['ops_python']) + '/' + str(row['ops_rust']):>12}{row['samples']:>9}"
              f"{row['request_identical']:>11}{row['response_ok']:>13}{row['excepted']:>10}{row['failed']:>8}")
    spo = report["samples_per_operation"]
    print(f"samples per operation: min {spo['min']}, median {spo['median']}, max {spo['max']}, "
          f"mean {spo['mean']} ({len(samples)} samples)")
    for what in ("request_fields", "request_enum_values", "response_fields", "response_enum_values"):
        c = cov[what]
        print(f"coverage {what.replace('_', ' ')}: {c['covered']}/{c['total']}")
    kinds = cov["value_kinds"]
    print("coverage value kinds: " + ", ".join(f"{loc} {c['covered']}/{c['total']}" for loc, c in kinds.items()))
    print(f"free-form JSON fields (serde_json::Value) in generated models: {len(free)}")
    for p in problems:
        print(f"FAIL {p}")
    print(f"report: {os.path.relpath(os.path.join(out_dir, 'report.json'), root)} ({report['seconds']} s; python pass "
          f"{report['seconds_python_pass']} s, rust pass {report['seconds_rust_pass']} s)")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
