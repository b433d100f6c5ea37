#!/usr/bin/env python3
"""Checks a running `dialtone serve` against docs/openapi.yaml: every route, its answers and their bodies.

usage: openapi_check.py SPEC BASE_URL TOKEN [SOURCES_DIR]

Needs PyYAML and jsonschema (Debian: python3-yaml, python3-jsonschema). The server must have a non-empty
web.token, some devices and at least one stored syslog message (web.sh sets that up). For each request
below it checks the status is one the spec lists for the path, the content type is the one it declares,
and the body validates against its schema ($refs resolved in the spec). Then that every path of the spec
was asked at least once with success, and, given SOURCES_DIR, that every route the Swift sources register
is in the spec. Prints `ok ...` per request; exits 1 with the path and the validation error on failure.
"""
import http.client, json, re, sys, urllib.parse
from pathlib import Path

import jsonschema, yaml

SPEC, BASE, TOKEN = Path(sys.argv[1]), urllib.parse.urlsplit(sys.argv[2]), sys.argv[3]
SOURCES = Path(sys.argv[4]) if len(sys.argv) > 4 else None
spec = yaml.safe_load(SPEC.read_text())
failures, answered = [], set()


def validator(schema):
    """A 2020-12 validator for one schema of the spec. Its `#/components/...` references point into the
    spec's root: the components ride along in the validated schema's root, where they resolve alike with
    every jsonschema version (no resolver API, which changed in 4.18)."""
    return jsonschema.Draft202012Validator({**schema, "components": spec["components"]})


def resolve(node):
    """An object of the spec itself, or the one its `$ref` (`#/components/...`) points to."""
    for part in node["$ref"].lstrip("#/").split("/") if "$ref" in node else []:
        node = (spec if part == "components" else node)[part]
    return node


def fetch(target, auth=True, stream_lines=0, extra=None, method="get"):
    """GET (or `method`) without following redirects. For a stream, reads until `stream_lines` data lines or a
    timeout."""
    conn = http.client.HTTPConnection(BASE.hostname, BASE.port, timeout=2 if stream_lines else 15)
    conn.request(method.upper(), target, headers={**({"Authorization": f"Bearer {TOKEN}"} if auth else {}), **(extra or {})})
    response = conn.getresponse()
    if stream_lines and response.status == 200:
        lines = []
        try:
            while len(lines) < stream_lines:
                line = response.readline().decode()  # decodes the chunked encoding
                if not line:
                    break
                if line.startswith("data: "):
                    lines.append(line[6:].rstrip("\n"))
        except TimeoutError:
            pass
        conn.close()
        return response.status, response.headers, lines
    body = response.read().decode()
    conn.close()
    return response.status, response.headers, body


def check(path, target, status, auth=True, extra=None, method="get"):
    """Asks `target` (a concrete URL of spec path `path`) and checks the answer against the spec."""
    try:
        stream = target == "/api/events" and status == 200
        got, headers, body = fetch(target, auth, stream_lines=500 if stream else 0, extra=extra, method=method)
        if got != status:
            raise AssertionError(f"status {got}, expected {status}: {str(body)[:300]}")
        if path not in spec["paths"]:
            raise AssertionError(f"{path} is not in the spec")
        declared = spec["paths"][path][method]["responses"].get(str(got))
        if declared is None:
            raise AssertionError(f"status {got} is not in the spec for {path}")
        declared = resolve(declared)
        for name, header in declared.get("headers", {}).items():
            if headers.get(name) is None:
                raise AssertionError(f"no {name} header")
            validator(resolve(header)["schema"]).validate(headers[name])
        content_type = headers.get("Content-Type", "")
        media = content_type.split(";")[0].strip()
        content = declared.get("content", {})
        if content and media not in content:
            raise AssertionError(f"content type {content_type!r}, the spec says {sorted(content)}")
        if media == "text/event-stream":
            if not body:
                raise AssertionError("no data line in the stream")
            data_schema = validator(content[media]["x-data-schema"])
            for line in body:
                data_schema.validate(json.loads(line))
        elif content:
            entry = content[media]
            validator(entry["schema"]).validate(json.loads(body) if media == "application/json" else body)
            for line in body.splitlines() if "x-line-pattern" in entry else []:
                if line and not re.match(entry["x-line-pattern"], line):
                    raise AssertionError(f"line does not match x-line-pattern: {line!r}")
        if 200 <= got < 300:
            answered.add(path)
        lines = f", {len(body)} data lines" if media == "text/event-stream" else ""
        print(f"ok   {method.upper()} {target} ({'token' if auth else 'no token'}): {got} {media}{lines}")
    except (AssertionError, jsonschema.ValidationError, json.JSONDecodeError, OSError, http.client.HTTPException) as e:
        where = f" at {'/'.join(map(str, e.absolute_path))}" if isinstance(e, jsonschema.ValidationError) else ""
        failures.append(f"{method.upper()} {target}")
        print(f"FAIL {method.upper()} {target} (spec path {path}, expected {status}){where}: {getattr(e, 'message', e)}")


API = ["/api/leases", "/api/pools", "/api/devices", "/api/transfers", "/api/activity", "/api/syslog", "/api/events",
       "/metrics"]
for path in API:
    check(path, path, 200)
    check(path, path, 401, auth=False)
check("/healthz", "/healthz", 200, auth=False)
for path in ("/", "/dashboard.css", "/dashboard.js"):
    check(path, path, 200)
    check(path, path, 304, extra={"If-None-Match": fetch(path)[1].get("ETag", "")})
    if path != "/":
        check(path, path, 401, auth=False)
check("/", "/", 401, auth=False)
check("/", "/?token=wrong", 401, auth=False)
check("/", "/?token=" + urllib.parse.quote_plus(TOKEN), 303, auth=False)
status, _, body = fetch("/api/devices")
mac = json.loads(body)[0]["mac"] if status == 200 and body.startswith("[{") else "00:1e:7a:00:00:a1"
check("/api/devices/{mac}", "/api/devices/" + mac, 200)
check("/api/devices/{mac}", "/api/devices/" + mac.replace(":", "-").upper(), 200)
check("/api/devices/{mac}", "/api/devices/not-a-mac", 400)
check("/api/devices/{mac}", "/api/devices/02:00:00:00:00:01", 404)
check("/api/devices/{mac}", "/api/devices/" + mac, 401, auth=False)
check("/api/syslog", "/api/syslog?limit=1", 200)
for bad in ("0", "5001", "lots"):
    check("/api/syslog", "/api/syslog?limit=" + bad, 400)
FORGET = "/api/devices/{mac}/forget"
check(FORGET, f"/api/devices/{mac}/forget", 200, method="post")
check(FORGET, "/api/devices/not-a-mac/forget", 400, method="post")
check(FORGET, f"/api/devices/{mac}/forget", 401, auth=False, method="post")

unasked = sorted(set(spec["paths"]) - answered)
if unasked:
    failures.append("coverage")
    print(f"FAIL paths of the spec never answered with success: {unasked}")
if SOURCES:
    # Every route registered in the sources (`router.get("/api/x/:id")`) must be in the spec.
    routes = {re.sub(r":(\w+)", r"{\1}", r) for f in SOURCES.glob("*.swift") for r in re.findall(r'router\.(?:get|post)\("([^"]+)"', f.read_text())}
    undocumented, stale = sorted(routes - set(spec["paths"])), sorted(set(spec["paths"]) - routes)
    if undocumented or stale:
        failures.append("routes")
        print(f"FAIL routes in the sources but not the spec: {undocumented}; in the spec but not the sources: {stale}")
    else:
        print(f"ok   the spec describes the {len(routes)} routes the sources register")
print(f"openapi_check: {len(failures)} failed" + (f": {failures}" if failures else ""))
sys.exit(1 if failures else 0)
