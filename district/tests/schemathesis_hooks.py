"""Schemathesis hooks of the hub's API contract test (`district/tests/api_contract.rs`).

Every request is signed as the hub requires (`district/openapi.yaml`, "Request signature"): the
device's ed25519 signature over

    PAYPOINT-V1\\n{METHOD}\\n{path with query}\\n{timestamp}\\n{nonce}\\n{hex SHA-256 of the body}

It is added by a `requests` auth object, which sees the request as it is sent (the path as
percent-encoded on the wire, the body as serialised), so what is signed is exactly what the hub
reads. Schemathesis knows it as the run's authentication: its `ignored_auth` check sends the same
request unsigned and with a wrong signature and expects a refusal.

The test writes the file named by PAYPOINT_CONTRACT_DEVICE (JSON):
  device, secret_key (hex)  the enrolled device and its key
  pay_point, period         its pay point and the published roll's period
  enrol                     the body that enrolled it (sent again, it answers 200)
  batch                     a batch the hub already accepted (sent again, the same receipt)
Generated path parameters and bodies are swapped for these real ones now and then, so the run
reaches the 200 answers too and checks them against their schemas, not only the refusals.

Every answer is appended to the file named by PAYPOINT_CONTRACT_LOG, one JSON object a line
(method, path template, status, content type), for the test to check what the run reached.
"""

import hashlib
import json
import os
import random
import secrets
import threading
import time

import requests
import schemathesis
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

with open(os.environ["PAYPOINT_CONTRACT_DEVICE"], encoding="utf-8") as f:
    DEVICE = json.load(f)
KEY = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(DEVICE["secret_key"]))
LOG = os.environ["PAYPOINT_CONTRACT_LOG"]
LOG_LOCK = threading.Lock()
# How often a generated value is swapped for the real one: often enough that every operation
# reaches its 200, rarely enough that the generated ones stay most of the run.
REAL_SHARE = 0.3
CHOICE = random.Random()


def signing_string(method, path_and_query, timestamp, nonce, body):
    digest = hashlib.sha256(body).hexdigest()
    return f"PAYPOINT-V1\n{method.upper()}\n{path_and_query}\n{timestamp}\n{nonce}\n{digest}"


class PaypointSignature(requests.auth.AuthBase):
    """Signs the prepared request with the device's key: a fresh timestamp and nonce each time."""

    def __call__(self, r):
        body = r.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        timestamp = str(int(time.time()))
        nonce = secrets.token_hex(16)
        text = signing_string(r.method, r.path_url, timestamp, nonce, body)
        r.headers["X-Paypoint-Device"] = DEVICE["device"]
        r.headers["X-Paypoint-Timestamp"] = timestamp
        r.headers["X-Paypoint-Nonce"] = nonce
        r.headers["X-Paypoint-Signature"] = KEY.sign(text.encode("utf-8")).hex()
        return r


schemathesis.auth.set_from_requests(PaypointSignature())


@schemathesis.hook
def before_call(context, case, kwargs):
    """Now and then, the device's own pay point, the published period, the enrolment that
    worked and a batch the hub accepted, in place of generated ones."""
    if CHOICE.random() >= REAL_SHARE:
        return
    path = case.operation.path
    if path.startswith("/v1/pay-points/"):
        case.path_parameters["code"] = DEVICE["pay_point"]
        if "period" in case.path_parameters:
            case.path_parameters["period"] = DEVICE["period"]
    if path == "/v1/enrol":
        case.body = json.loads(json.dumps(DEVICE["enrol"]))
    elif path.endswith("/batches"):
        case.body = json.loads(json.dumps(DEVICE["batch"]))


@schemathesis.hook
def after_call(context, case, response):
    headers = {k.lower(): v for k, v in response.headers.items()}
    content_type = headers.get("content-type", "")
    if isinstance(content_type, list):
        content_type = content_type[0] if content_type else ""
    line = json.dumps(
        {
            "method": case.method.upper(),
            "path": case.operation.path,
            "status": response.status_code,
            "content_type": content_type,
        }
    )
    with LOG_LOCK, open(LOG, "a", encoding="utf-8") as f:
        f.write(line + "\n")
