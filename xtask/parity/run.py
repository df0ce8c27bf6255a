#!/usr/bin/env python3
"""Request parity of the generated Rust crates with the official Python SDK (see README.md).

    python xtask/parity/run.py --driver <parity-driver binary> [--root <workspace>]

Starts a recording HTTP server on 127.0.0.1 (random port). Pass 1 calls every operation
through the official Python client, pass 2 runs the Rust driver with the same samples. Before
each operation the caller announces it (``POST /__parity/next?side=..&op=..``, not recorded),
so requests are attributed by order, never by a header only one side sends. Per operation it
compares method, path and query string (exact bytes), the signed header set, Content-Type,
the body as JSON values, verifies both signatures with the official signer, and checks that
the Rust driver's re-encoded response equals the sample body. Exit code 0 iff every
operation passes or is listed (with a reason) in exceptions.txt and still differs.
"""

from __future__ import annotations

import argparse
import glob
import json
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

# Shared with crates/parity-driver/src/main.rs.
AK = "PARITYAK0000000000000"
SK = "paritysk0000000000000000000000000000000"
PROJECT_ID = "0123456789abcdef0123456789abcdef"
CONTROL = "/__parity/next"


# --------------------------------------------------------------------------
# Recording server
# --------------------------------------------------------------------------

class State:
    def __init__(self, responses: dict):
        self.lock = threading.Lock()
        self.current = None  # (side, op id)
        self.records: dict[tuple, list] = {}
        self.unattributed: list = []
        self.responses = responses  # op id -> {"kind", "status", "body"}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "parity-recorder"
    sys_version = ""
    # Headers and body are written separately; without TCP_NODELAY every response waits for
    # the client's delayed ACK (about 40 ms).
    disable_nagle_algorithm = True

    def log_message(self, *args):  # quiet
        pass

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

    def _reply(self, status: int, content_type: str | None, body: bytes, headers=None):
        self.send_response(status)
        self.send_header("X-Request-Id", "parity-request-id")
        for k, v in (headers or {}).items():
            if k.lower() != "x-request-id":
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
            self._reply(200, "text/plain", b"ok")
            return
        path, _, query = target.partition("?")
        rec = {
            "method": self.command,
            "path": path,
            "query": query,
            "has_query_mark": "?" in target,
            "headers": [(k, v) for k, v in self.headers.items()],
            "body": body,
        }
        with state.lock:
            cur = state.current
            if cur is None:
                state.unattributed.append(rec)
            else:
                state.records.setdefault(cur, []).append(rec)
        resp = state.responses.get(cur[1]) if cur else None
        if resp is None:
            self._reply(500, "application/json", b'{"error_code":"PARITY.0001","error_msg":"unattributed"}')
        elif resp["kind"] == "none":
            self._reply(204, None, b"", resp.get("headers"))
        elif resp["kind"] == "json":
            self._reply(200, "application/json", json.dumps(resp["body"]).encode(), resp.get("headers"))
        elif resp["kind"] == "text":
            self._reply(200, "text/plain", resp["body"].encode())
        else:
            self._reply(200, "application/octet-stream", resp["body"].encode())

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


def body_value(rec):
    if not rec["body"]:
        return ("empty", None)
    try:
        return ("json", json.loads(rec["body"]))
    except ValueError:
        return ("bytes", rec["body"].decode("latin-1"))


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
    cp, cr = header(py, "Content-Type"), header(rs, "Content-Type")
    if cp != cr:
        diffs.append(f"Content-Type {cp!r} vs {cr!r}")
    bp, br = body_value(py), body_value(rs)
    if bp != br:
        diffs.append(f"body {json.dumps(bp[1])[:300]} vs {json.dumps(br[1])[:300]}")
    # An operation whose caller supplies `Authorization` (IAM's id-token calls) is not signed
    # by either SDK: the header must then be the same on both sides.
    ap, ar = header(py, "Authorization"), header(rs, "Authorization")
    caller_auth = ap is not None and not ap.startswith("SDK-HMAC-SHA256")
    if caller_auth:
        if ap != ar:
            diffs.append("caller-supplied Authorization differs")
        return diffs
    for side, rec in (("python", py), ("rust", rs)):
        err = verify_signature(rec)
        if err:
            diffs.append(f"{side} {err}")
    return diffs


def self_test(py, rs) -> list[str]:
    """Proves the comparison is not vacuous: every single mutation of an identical pair of
    requests must be reported."""
    import copy

    def hdr(rec, name, value):
        rec["headers"] = [(k, value if k.lower() == name.lower() else v) for k, v in rec["headers"]]

    def drop_signed(rec):
        auth = header(rec, "Authorization")
        hdr(rec, "Authorization", re.sub(r"SignedHeaders=[^;,]*;", "SignedHeaders=", auth))

    mutations = {
        "method": lambda r: r.update(method="PATCH" if r["method"] != "PATCH" else "PUT"),
        "path": lambda r: r.update(path=r["path"].replace("-", "%2D", 1)),
        "query": lambda r: r.update(query=r["query"] + "&x=1"),
        "signed header set": drop_signed,
        "content type": lambda r: hdr(r, "Content-Type", "text/plain"),
        "body": lambda r: r.update(body=r["body"].replace(b'"s-', b'"t-', 1)),
        "signature": lambda r: hdr(r, "Authorization", header(r, "Authorization")[:-1] +
                                   ("0" if header(r, "Authorization")[-1] != "0" else "1")),
        "signed header value": lambda r: hdr(r, "X-Sdk-Date", "20000101T000000Z"),
    }
    missed = []
    for what, mutate in mutations.items():
        mutated = copy.deepcopy(rs)
        mutate(mutated)
        if not compare(py, mutated):
            missed.append(what)
    return missed


def expected_response(resp):
    body = resp["body"] if resp["kind"] != "none" else None
    if resp.get("headers"):
        # The X-Request-Id the server always sends wins over a sample value.
        headers = {k: ("parity-request-id" if k.lower() == "x-request-id" else v)
                   for k, v in resp["headers"].items()}
        return {"body": body, "headers": headers}
    return body


# --------------------------------------------------------------------------
# Passes
# --------------------------------------------------------------------------

# Response-header fields as the official client filled them, per operation.
header_outputs: dict = {}


def python_pass(state: State, url: str, samples) -> dict:
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    import importlib

    clients = {}
    for key, (module_name, client_name, _) in samples_mod.SERVICES.items():
        cls = getattr(importlib.import_module(module_name), client_name)
        clients[key] = (cls.new_builder()
                        .with_credentials(BasicCredentials(AK, SK, PROJECT_ID))
                        .with_endpoints([url])
                        .build())
    errors = {}
    for s in samples:
        with state.lock:
            state.current = ("python", s.id)
        try:
            resp = getattr(clients[s.service], s.python_name)(s.request)
            if s.response["kind"] == "stream":
                resp.consume_download_stream(lambda r: b"".join(r.iter_content(8192)))
            # What the official client made of the response headers (compared in main()).
            if s.response.get("headers"):
                got = {wire: getattr(resp, attr, None) for attr, wire in resp.attribute_map.items()
                       if wire in s.response["headers"]}
                header_outputs[s.id] = got
        except Exception as e:  # noqa: BLE001 - recorded, the request is what counts
            errors[s.id] = f"{type(e).__name__}: {e}"
    with state.lock:
        state.current = None
    return errors


def load_exceptions(path):
    out = {}
    if not os.path.exists(path):
        return out
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            op, sep, reason = line.partition(":")
            if not sep or not reason.strip():
                raise SystemExit(f"{path}:{n}: expected `<service>.<python_name>: <reason>`")
            out[op.strip()] = reason.strip()
    return out


def free_form_fields(root):
    """Fields of generated models whose type is (or contains) serde_json::Value."""
    found = []
    for key in samples_mod.SERVICES:
        name, _, version = key.partition(".")
        base = os.path.join(root, "crates", name, "src", version)
        # models.rs, plus models/<chunk>.rs when the file was split.
        paths = [os.path.join(base, "models.rs")] + sorted(glob.glob(os.path.join(base, "models", "*.rs")))
        for path in paths:
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
    samples = samples_mod.build(root, args.introspection or
                                os.path.join(root, "target", "import", "introspect.json"))
    samples_path = os.path.join(out_dir, "samples.json")
    with open(samples_path, "w", encoding="utf-8") as f:
        json.dump({"requests": [s.request_json for s in samples],
                   "responses": {s.id: s.response for s in samples}}, f, indent=1, ensure_ascii=False)

    state = State({s.id: s.response for s in samples})
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.state = state
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"

    t0 = time.monotonic()
    py_errors = python_pass(state, url, samples)
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
    known = {s.id for s in samples}
    passed = failed = 0
    problems = []
    for op in sorted(set(exceptions) - known):
        problems.append(f"exceptions.txt: unknown operation {op}")
        failed += 1

    table = {k: {"ops_python": 0, "ops_rust": 0, "request_identical": 0, "response_ok": 0,
                 "excepted": 0, "failed": 0} for k in samples_mod.SERVICES}
    per_op = {}
    for s in samples:
        row = table[s.service]
        py = state.records.get(("python", s.id), [])
        rs = state.records.get(("rust", s.id), [])
        row["ops_python"] += bool(py)
        row["ops_rust"] += bool(rs)
        diffs = []
        if len(py) != 1:
            diffs.append(f"python sent {len(py)} requests" + (f" ({py_errors[s.id]})" if s.id in py_errors else ""))
        if len(rs) != 1:
            r = rust_results.get(s.id, {})
            diffs.append(f"rust sent {len(rs)} requests" + (f" ({r.get('error')})" if r.get("error") else ""))
        if len(py) == 1 and len(rs) == 1:
            diffs += compare(py[0], rs[0])
        request_ok = not diffs
        row["request_identical"] += request_ok
        r = rust_results.get(s.id)
        resp_diff = None
        if r is None:
            resp_diff = "no result from the Rust driver"
        elif not r["ok"]:
            resp_diff = f"rust error: {r['error']}"
        elif r["response"] != expected_response(s.response):
            resp_diff = (f"re-encoded {json.dumps(r['response'])[:300]} vs sample "
                         f"{json.dumps(expected_response(s.response))[:300]}")
        if resp_diff is None and s.response.get("headers"):
            want = expected_response(s.response)["headers"]
            got = header_outputs.get(s.id)
            if got != want:
                resp_diff = f"official client's header fields {got} vs served {want}"
        row["response_ok"] += resp_diff is None
        if resp_diff:
            diffs.append(f"response: {resp_diff}")
        ok = not diffs
        if s.id in exceptions:
            row["excepted"] += 1
            if ok:
                problems.append(f"{s.id}: listed in exceptions.txt but now identical; remove it")
                failed += 1
                row["failed"] += 1
            else:
                passed += 1
        elif ok:
            passed += 1
        else:
            failed += 1
            row["failed"] += 1
            problems.append(f"{s.id}: " + "; ".join(diffs))
        per_op[s.id] = {"request_identical": request_ok, "response_ok": resp_diff is None,
                        "excepted": exceptions.get(s.id), "differences": diffs,
                        "python_error": py_errors.get(s.id)}

    # Self-test of the comparison on one identical operation with path, query and body.
    report_self_test = None
    # An identical signed request with path parameters and a body, with a query if one has.
    identical = [s for s in samples if per_op[s.id]["request_identical"] and s.request_json["path"]
                 and s.request_json.get("body")
                 and "SDK-HMAC-SHA256" in (header(state.records[("rust", s.id)][0], "Authorization") or "")]
    identical.sort(key=lambda s: not s.request_json["query"])
    probe = identical[0].id if identical else None
    if probe is None:
        problems.append("self-test: no identical operation with path parameters and a body")
        failed += 1
    else:
        missed = self_test(state.records[("python", probe)][0], state.records[("rust", probe)][0])
        report_self_test = {"operation": probe, "missed": missed}
        if missed:
            problems.append(f"self-test on {probe}: comparison missed {', '.join(missed)}")
            failed += 1

    for key, (_, _, expected) in samples_mod.SERVICES.items():
        row = table[key]
        for side in ("python", "rust"):
            if row[f"ops_{side}"] != expected:
                problems.append(f"{key}: {side} attempted {row[f'ops_{side}']} operations, expected {expected}")
                failed += 1
    if state.unattributed:
        problems.append(f"{len(state.unattributed)} request(s) arrived before any operation was announced")
        failed += 1

    # Everything that arrived, for debugging a difference.
    with open(os.path.join(out_dir, "records.json"), "w", encoding="utf-8") as f:
        json.dump({f"{side}:{op}": [dict(r, body=r["body"].decode("utf-8", "replace")) for r in recs]
                   for (side, op), recs in sorted(state.records.items())}, f, indent=1)
        f.write("\n")

    free = free_form_fields(root)
    report = {"services": table, "free_form_fields": len(free), "free_form_field_list": free,
              "python_errors": py_errors, "operations": per_op, "problems": problems, "self_test": report_self_test,
              "exceptions": exceptions, "seconds": round(time.monotonic() - started, 1),
              "seconds_python_pass": round(t1 - t0, 1), "seconds_rust_pass": round(t2 - t1, 1)}
    with open(os.path.join(out_dir, "report.json"), "w", encoding="utf-8") as f:
        json.dump(report, f, indent=1, ensure_ascii=False, sort_keys=True)
        f.write("\n")

    print(f"{'service':<18}{'ops (py/rs)':>12}{'identical':>11}{'response ok':>13}{'excepted':>10}{'failed':>8}")
    for key, row in table.items():
        print(f"{key:<18}{str(row['ops_python']) + '/' + str(row['ops_rust']):>12}{row['request_identical']:>11}"
              f"{row['response_ok']:>13}{row['excepted']:>10}{row['failed']:>8}")
    print(f"free-form JSON fields (serde_json::Value) in generated models: {len(free)}")
    if py_errors:
        print(f"official Python client raised on {len(py_errors)} operation(s) (after sending; see report.json)")
    for p in problems:
        print(f"FAIL {p}")
    print(f"report: {os.path.relpath(os.path.join(out_dir, 'report.json'), root)} ({report['seconds']} s; python pass "
          f"{report['seconds_python_pass']} s, rust pass {report['seconds_rust_pass']} s)")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
