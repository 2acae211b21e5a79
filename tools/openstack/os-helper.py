#!/usr/bin/python3
"""REST helpers of tools/openstack-node.sh (standard library only, run with /usr/bin/python3).

    os-helper.py wait URL TIMEOUT      until URL answers with any HTTP status below 500
    os-helper.py identity              projects, users, roles, catalog (idempotent); prints NAME_PROJECT_ID=... lines
    os-helper.py resources             flavors m1.tiny/m1.small and the image fake-image (idempotent); prints IMAGE_ID=...
    os-helper.py check-neutron         the data-plane-status extension is listed at /v2.0/extensions
    os-helper.py token                 exits 0 when the admin credentials get a token

Everything else comes from the environment the script sets: KS_URL (…/v3), NOVA_URL (…/v2.1), PLACEMENT_URL,
GLANCE_URL, NEUTRON_URL, REGION, ADMIN_PASSWORD, DEMO_PASSWORD, OTHER_PASSWORD, SERVICE_PASSWORD, DOCTOR_PASSWORD.
Every request sends `Connection: close` (uwsgi's --http-socket drops reused connections).
"""
import json
import os
import sys
import time
import urllib.error
import urllib.request

ENV = os.environ


class HttpError(Exception):
    def __init__(self, method, url, status, body):
        super().__init__(f"{method} {url}: HTTP {status}: {body[:600]!r}")
        self.status = status


def call(method, url, body=None, token=None, raw=None, headers=None, timeout=60):
    data = None
    hdrs = {"Accept": "application/json", "Connection": "close"}
    if body is not None:
        data = json.dumps(body).encode()
        hdrs["Content-Type"] = "application/json"
    if raw is not None:
        data = raw
        hdrs["Content-Type"] = "application/octet-stream"
    if token:
        hdrs["X-Auth-Token"] = token
    hdrs.update(headers or {})
    req = urllib.request.Request(url, data=data, method=method, headers=hdrs)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            text = resp.read()
            return resp.status, resp.headers, (json.loads(text) if text.strip() else None)
    except urllib.error.HTTPError as e:
        raise HttpError(method, url, e.code, e.read().decode(errors="replace")) from None


def token(user, password, project):
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": user, "domain": {"id": "default"}, "password": password}}},
        "scope": {"project": {"name": project, "domain": {"id": "default"}}}}}
    _, headers, _ = call("POST", ENV["KS_URL"] + "/auth/tokens", body)
    return headers["X-Subject-Token"]


def admin_token():
    return token("admin", ENV["ADMIN_PASSWORD"], "admin")


def cmd_wait(url, timeout):
    deadline = time.monotonic() + float(timeout)
    while True:
        try:
            call("GET", url, timeout=5)
            return 0
        except HttpError as e:
            if e.status < 500:
                return 0
        except (OSError, ValueError):
            pass
        if time.monotonic() > deadline:
            print(f"{url} did not answer within {timeout}s", file=sys.stderr)
            return 1
        time.sleep(0.2)


def cmd_identity():
    ks = ENV["KS_URL"]
    tok = admin_token()

    def find(collection, **query):
        qs = "&".join(f"{k}={v}" for k, v in query.items())
        _, _, body = call("GET", f"{ks}/{collection}?{qs}", token=tok)
        return body[collection]

    def ensure(collection, single, match, create):
        found = find(collection, **match)
        if found:
            return found[0]["id"]
        _, _, body = call("POST", f"{ks}/{collection}", {single: create}, token=tok)
        return body[single]["id"]

    roles = {name: ensure("roles", "role", {"name": name}, {"name": name})
             for name in ("admin", "member", "reader", "service")}
    projects = {"admin": find("projects", name="admin")[0]["id"]}
    for name, description in (("service", "OpenStack services"), ("demo", "Demo tenant"),
                              ("other", "A second tenant")):
        projects[name] = ensure("projects", "project", {"name": name},
                                {"name": name, "domain_id": "default", "description": description})
    users = {"admin": find("users", name="admin")[0]["id"]}
    wanted = {  # user: (password, project, roles)
        "demo": (ENV["DEMO_PASSWORD"], "demo", ["member"]),
        "other": (ENV["OTHER_PASSWORD"], "other", ["member"]),
        "doctor": (ENV["DOCTOR_PASSWORD"], "service", ["admin"]),
    }
    for svc in ("nova", "placement", "glance", "neutron"):
        wanted[svc] = (ENV["SERVICE_PASSWORD"], "service", ["admin", "service"])
    assignments = [("admin", "admin", "admin"), ("admin", "demo", "admin")]
    for user, (password, project, user_roles) in wanted.items():
        users[user] = ensure("users", "user", {"name": user},
                             {"name": user, "domain_id": "default", "password": password,
                              "default_project_id": projects[project], "enabled": True})
        assignments += [(user, project, role) for role in user_roles]
    for user, project, role in assignments:
        call("PUT", f"{ks}/projects/{projects[project]}/users/{users[user]}/roles/{roles[role]}", token=tok)

    catalog = {  # type: (name, url)
        "compute": ("nova", ENV["NOVA_URL"]),
        "placement": ("placement", ENV["PLACEMENT_URL"]),
        "image": ("glance", ENV["GLANCE_URL"]),
        "network": ("neutron", ENV["NEUTRON_URL"]),
    }
    for stype, (name, url) in catalog.items():
        sid = ensure("services", "service", {"type": stype}, {"type": stype, "name": name, "enabled": True})
        have = {e["interface"] for e in find("endpoints", service_id=sid)}
        for interface in ("public", "internal", "admin"):
            if interface not in have:
                call("POST", f"{ks}/endpoints", {"endpoint": {
                    "service_id": sid, "interface": interface, "url": url,
                    "region_id": ENV["REGION"], "enabled": True}}, token=tok)
    print(f"DEMO_PROJECT_ID={projects['demo']}")
    print(f"OTHER_PROJECT_ID={projects['other']}")
    print(f"SERVICE_PROJECT_ID={projects['service']}")
    return 0


def cmd_resources():
    tok = admin_token()
    nova = ENV["NOVA_URL"]
    for fid, name, vcpus, ram, disk in (("1", "m1.tiny", 1, 512, 1), ("2", "m1.small", 2, 2048, 20)):
        try:
            call("GET", f"{nova}/flavors/{fid}", token=tok)
        except HttpError as e:
            if e.status != 404:
                raise
            call("POST", f"{nova}/flavors", {"flavor": {
                "id": fid, "name": name, "vcpus": vcpus, "ram": ram, "disk": disk,
                "os-flavor-access:is_public": True}}, token=tok)
    glance = ENV["GLANCE_URL"]
    _, _, body = call("GET", f"{glance}/v2/images?name=fake-image", token=tok)
    images = body["images"]
    if images:
        image = images[0]
    else:
        _, _, image = call("POST", f"{glance}/v2/images", {
            "name": "fake-image", "disk_format": "raw", "container_format": "bare",
            "visibility": "public", "min_disk": 0, "min_ram": 0}, token=tok)
    if image["status"] == "queued":
        call("PUT", f"{glance}/v2/images/{image['id']}/file", token=tok, raw=b"\0" * 9216)
    deadline = time.monotonic() + 60
    while image["status"] != "active":
        if time.monotonic() > deadline or image["status"] in ("killed", "deleted"):
            raise SystemExit(f"image {image['id']} is {image['status']}")
        time.sleep(0.2)
        _, _, image = call("GET", f"{glance}/v2/images/{image['id']}", token=tok)
    print(f"IMAGE_ID={image['id']}")
    return 0


def cmd_check_neutron():
    tok = admin_token()
    neutron = ENV["NEUTRON_URL"]
    _, _, body = call("GET", f"{neutron}/v2.0/extensions", token=tok)
    aliases = {e["alias"] for e in body["extensions"]}
    if "data-plane-status" not in aliases:
        raise SystemExit(f"data-plane-status missing from /v2.0/extensions: {sorted(aliases)}")
    return 0


def main(argv):
    if len(argv) == 3 and argv[0] == "wait":
        return cmd_wait(argv[1], argv[2])
    if argv == ["identity"]:
        return cmd_identity()
    if argv == ["resources"]:
        return cmd_resources()
    if argv == ["check-neutron"]:
        return cmd_check_neutron()
    if argv == ["token"]:
        admin_token()
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except HttpError as e:
        print(e, file=sys.stderr)
        sys.exit(1)
