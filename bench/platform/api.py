#!/usr/bin/env python3
"""A small client of Bulwark's /api/v1 for the platform and load benchmarks (standard library only).

The server's base URL and an API token come from the environment (BULWARK_URL, BULWARK_TOKEN) so
the token never appears on a command line.

usage:
  api.py project NAME                  creates a project, prints its id
  api.py import PROJECT BRANCH FILE    imports FILE into PROJECT/BRANCH and waits for the scan to
                                       finish; prints "seconds new fixed"
  api.py fill PROJECTS BRANCHES FILE   imports FILE into BRANCHES branches of PROJECTS new projects
                                       (the 1,000,000-finding database); prints the first project id
  api.py load SECONDS WRITERS FILE PROJECT
                                       WRITERS threads import FILE into their own branches of
                                       PROJECT back to back for SECONDS; prints
                                       "submitted finished failed lost"
"""
import http.client
import json
import os
import sys
import threading
import time
import urllib.parse


class Api:
    def __init__(self):
        url = urllib.parse.urlparse(os.environ["BULWARK_URL"])
        self.host, self.port = url.hostname, url.port
        self.headers = {"Authorization": "Bearer " + os.environ["BULWARK_TOKEN"]}
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)

    def call(self, method, path, body=None, content_type="application/json"):
        headers = dict(self.headers)
        if body is not None:
            headers["Content-Type"] = content_type
        for attempt in range(2):  # the server closes idle keep-alive connections after 2 s
            try:
                self.conn.request(method, path, body=body, headers=headers)
                resp = self.conn.getresponse()
                data = resp.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
                if attempt:
                    raise
        if resp.status >= 300:
            raise RuntimeError(f"{method} {path}: HTTP {resp.status}: {data[:300]!r}")
        return json.loads(data) if data else None

    def project(self, name):
        return self.call("POST", "/api/v1/projects", json.dumps({"name": name}))["id"]


def multipart(path, branch):
    boundary = "bulwark-bench-boundary-7f3a"
    with open(path, "rb") as f:
        content = f.read()
    parts = []
    for name, value in (("tool", "jfrogxraysca"), ("branch", branch)):
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     f"{value}\r\n".encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                 f'filename="{os.path.basename(path)}"\r\nContent-Type: application/json\r\n\r\n'
                 .encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Lost(Exception):
    """A scan that reached no final state in time."""


def import_file(api, project, branch, body_and_type, poll=0.005, timeout=300):
    """Uploads and waits for the scan's final state; returns (seconds, scan)."""
    body, ctype = body_and_type
    start = time.perf_counter()
    scan = api.call("POST", f"/api/v1/projects/{project}/imports", body, ctype)
    while scan["state"] not in ("finished", "failed", "canceled"):
        if time.perf_counter() - start > timeout:
            raise Lost(f"scan {scan['id']} still {scan['state']} after {timeout} s")
        time.sleep(poll)
        scan = api.call("GET", f"/api/v1/scans/{scan['id']}")
    seconds = time.perf_counter() - start
    if scan["state"] != "finished":
        raise RuntimeError(f"scan {scan['id']} ended {scan['state']}: {scan.get('error')}")
    return seconds, scan


def cmd_import(project, branch, path):
    api = Api()
    seconds, scan = import_file(api, project, branch, multipart(path, branch))
    print(f"{seconds:.4f} {scan.get('new_findings', 0)} {scan.get('fixed_findings', 0)}")


def cmd_fill(projects, branches, path):
    api = Api()
    first = None
    tag = int(time.time())
    start = time.perf_counter()
    for p in range(int(projects)):
        pid = api.project(f"bench-fill-{tag}-{p}")
        first = first or pid
        for b in range(int(branches)):
            branch = f"release-{b}"
            seconds, _ = import_file(api, pid, branch, multipart(path, branch), poll=0.02)
            print(f"  project {pid} branch {branch}: {seconds:.2f} s", file=sys.stderr)
    print(f"  filled in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    print(first)


def cmd_load(seconds, writers, path, project):
    deadline = time.monotonic() + float(seconds)
    counts = {"submitted": 0, "finished": 0, "failed": 0, "lost": 0}
    lock = threading.Lock()

    def writer(n):
        api = Api()
        round_ = 0
        while time.monotonic() < deadline:
            branch = f"load-{n}-{round_ % 3}"  # re-imports and new branches alike
            round_ += 1
            body = multipart(path, branch)
            with lock:
                counts["submitted"] += 1
            try:
                import_file(api, project, branch, body, poll=0.05)
                key = "finished"
            except Lost as e:
                print(f"  import lost: {e}", file=sys.stderr)
                key = "lost"
            except Exception as e:  # noqa: BLE001 - every failure is counted and shown
                print(f"  import failed: {e}", file=sys.stderr)
                key = "failed"
            with lock:
                counts[key] += 1

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(int(writers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"{counts['submitted']} {counts['finished']} {counts['failed']} {counts['lost']}")


def main():
    commands = {"project": (lambda name: print(Api().project(name)), 1), "import": (cmd_import, 3),
                "fill": (cmd_fill, 3), "load": (cmd_load, 4)}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    fn, argc = commands[sys.argv[1]]
    if len(sys.argv) != argc + 2:
        sys.exit(__doc__)
    fn(*sys.argv[2:])


if __name__ == "__main__":
    main()
