#!/usr/bin/env python3
"""The official Python SDK's side of `cargo xtask bench` (huaweicloudsdkcore 3.1.219, pinned
by xtask/import/requirements.txt; run with the venv in target/import-venv).

    python xtask/bench/python_bench.py [--smoke]

Prints one JSON document (times in ns per operation, best of several timeit repeats):

- sign: `Signer(credentials).sign(request)` on the DCS reset request of the official vector
  (4 headers + Host = 5 signed headers, fixed X-Sdk-Date, the vector's body). `sign` mutates
  its request (adds Host and Authorization, encodes the body), so every iteration signs a
  fresh SdkRequest; `sign_request_setup_ns` is the cost of making that request alone and
  `sign_ns` has it subtracted. The signature is checked against the official vector first.
- prepare: the client-side preparation of one `DcsClient.reset_acl_account_pass_word` call,
  from the model objects to the signed SdkRequest, without I/O: building
  `AclAccountResetPasswordBody` + `ResetAclAccountPassWordRequest`, then exactly what
  `client.reset_acl_account_pass_word` -> `_call_api` -> `do_http_request` runs before
  `_do_http_request_sync` (the HTTP send): `_reset_acl_account_pass_word_http_info(request)`
  and `build_future_request(...).result()` (header/path/query parsing, body serialisation,
  X-Project-Id, X-Sdk-Date from the clock, signing on the client's executor thread).
- call_canned: the whole `client.reset_acl_account_pass_word(request)` with the requests
  session's `request` replaced by a function returning a canned 200 response (so it includes
  requests' `Session.request` bypass and the SDK's response deserialisation, no socket).
"""

from __future__ import annotations

import importlib.metadata
import json
import platform
import sys
import timeit

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer
from huaweicloudsdkdcs.v2 import (
    AclAccountResetPasswordBody,
    DcsClient,
    ResetAclAccountPassWordRequest,
)

AK = "HPUAPEERTEST0000AKID"
SK = "peerTestSecretKey0000000000000000000000SK"
PROJECT_ID = "0123456789abcdef0123456789abcdef"
HOST = "dcs.cn-north-4.myhuaweicloud.com"
ENDPOINT = "https://" + HOST
INSTANCE_ID = "3c1f1c6e-5b2a-4d7e-9f00-0123456789ab"
ACCOUNT_ID = "acct-0001"
PATH = "/v2/%s/instances/%s/accounts/%s/password/reset" % (PROJECT_ID, INSTANCE_ID, ACCOUNT_ID)
SDK_DATE = "20261122T101010Z"
UA = ("huaweicloud-usdk-python/3.0; os/Linux#6.1.0-peer#x86_64 python/3.11.7 impl/CPython; "
      "app/00000000-0000-4000-8000-000000000000")
BODY = '{"old_password": "Old@Pass#2025", "new_password": "New@Pass#2026"}'
OFFICIAL_SIGNATURE = "3f94436a5ece49b10564e5a2cec4b3c94a250e8387afef31df18016e294c7e00"
RESPONSE_BODY = (b'{"code": "1", "message": "Reset DCSInstance password success.", '
                 b'"lock_time": "0", "lock_time_left": "0", "retry_times_left": "5"}')


def best_ns(fn, number: int, repeat: int) -> float:
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e9


def main() -> None:
    smoke = "--smoke" in sys.argv[1:]
    repeat = 3 if smoke else 7
    scale = 0.05 if smoke else 1.0

    # ---- sign ----
    creds = BasicCredentials(AK, SK, PROJECT_ID)
    signer = Signer(creds)
    headers = {
        "Content-Type": "application/json;charset=utf-8",
        "X-Sdk-Date": SDK_DATE,
        "User-Agent": UA,
        "X-Project-Id": PROJECT_ID,
    }

    def fresh_request() -> SdkRequest:
        return SdkRequest(method="PUT", schema="https", host=HOST, resource_path=PATH,
                          query_params=[], header_params=dict(headers), body=BODY)

    probe = signer.sign(fresh_request())
    auth = probe.header_params["Authorization"]
    if not auth.endswith("Signature=" + OFFICIAL_SIGNATURE):
        raise SystemExit("python signer does not reproduce the official vector: " + auth)

    n_sign = max(200, int(20000 * scale))
    setup_ns = best_ns(fresh_request, n_sign, repeat)
    sign_total_ns = best_ns(lambda: signer.sign(fresh_request()), n_sign, repeat)

    # ---- prepare ----
    client = (DcsClient.new_builder()
              .with_credentials(BasicCredentials(AK, SK, PROJECT_ID))
              .with_endpoints([ENDPOINT])
              .build())

    def model() -> ResetAclAccountPassWordRequest:
        return ResetAclAccountPassWordRequest(
            instance_id=INSTANCE_ID, account_id=ACCOUNT_ID,
            body=AclAccountResetPasswordBody(old_password="Old@Pass#2025",
                                             new_password="New@Pass#2026"))

    def prepare() -> SdkRequest:
        info = client._reset_acl_account_pass_word_http_info(model())
        return client.build_future_request(
            info["method"], info["resource_path"], info["path_params"], info["query_params"],
            info["header_params"], info["body"], info["post_params"], info["cname"],
            info["response_type"], info["collection_formats"], None).result()

    req = prepare()
    if "Authorization" not in req.header_params or req.body != BODY.encode():
        raise SystemExit("python prepare did not produce the signed request: %r" % (req.header_params,))

    n_prep = max(100, int(5000 * scale))
    prepare_ns = best_ns(prepare, n_prep, repeat)

    # ---- whole call with a canned response (no socket) ----
    import requests

    def canned(method, url, headers=None, data=None, **_kwargs):
        r = requests.Response()
        r.request = requests.Request(method.upper(), url).prepare()
        r.status_code = 200
        r._content = RESPONSE_BODY
        r.headers["Content-Type"] = "application/json"
        r.headers["X-Request-Id"] = "bench-request-0001"
        r.encoding = "utf-8"
        r.url = ENDPOINT + PATH
        return r

    session = client.get_http_client()._session
    session.request = canned
    session.put = lambda url, **kw: canned("PUT", url, **kw)
    out = client.reset_acl_account_pass_word(model())
    if out.retry_times_left != "5":
        raise SystemExit("canned call did not decode: %r" % (out,))
    n_call = max(100, int(3000 * scale))
    call_ns = best_ns(lambda: client.reset_acl_account_pass_word(model()), n_call, repeat)

    print(json.dumps({
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "huaweicloudsdkcore": importlib.metadata.version("huaweicloudsdkcore"),
        "repeat": repeat,
        "sign_iterations": n_sign,
        "sign_request_setup_ns": setup_ns,
        "sign_with_setup_ns": sign_total_ns,
        "sign_ns": sign_total_ns - setup_ns,
        "prepare_iterations": n_prep,
        "prepare_ns": prepare_ns,
        "call_canned_iterations": n_call,
        "call_canned_ns": call_ns,
    }))


if __name__ == "__main__":
    main()
