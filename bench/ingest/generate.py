#!/usr/bin/env python3
"""Writes large, deterministic Xray files for the ingest benchmark.

usage: generate.py FORMAT TARGET_MB OUT [--rows N]
With --rows, writes exactly N rows (TARGET_MB is then ignored; pass 0).
FORMAT: xray-report | xray-cli-json | xray-cli-simple-json | xray-ui-security-export
Rows are varied (ids, versions, schemes, CVE counts) from a fixed seed so every run writes the
same bytes.
"""
import json
import random
import sys

SCHEMES = [
    ("npm://{n}:{v}", "npm"), ("gav://org.example.{n}:{n}-core:{v}", "maven"),
    ("deb://debian:bookworm:{n}:1:{v}-1+deb12u1", "debian"), ("pypi://{n}:{v}", "pypi"),
    ("go://github.com/example/{n}:v{v}", "golang"), ("rpm://7:{n}:0:{v}-1.el7", "rpm"),
]
SEVERITIES = ["Critical", "High", "Medium", "Low", "Unknown"]


def cve(rng, i):
    return {
        "cve": f"CVE-20{rng.randint(10, 26)}-{rng.randint(1000, 99999)}",
        "cvss_v2_score": round(rng.uniform(1, 10), 1),
        "cvss_v2_vector": "CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P",
        "cvss_v3_score": round(rng.uniform(1, 10), 1),
        "cvss_v3_vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    }


def package(rng, i):
    template, kind = SCHEMES[i % len(SCHEMES)]
    name = f"pkg{rng.randint(0, 5000)}"
    version = f"{rng.randint(0, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 99)}"
    return template.format(n=name, v=version), kind, name, version


def report_row(rng, i):
    comp, _, _, _ = package(rng, i)
    artifact = f"docker://team{i % 50}/service{i % 700}:{i % 13}.0"
    return {
        "cves": [cve(rng, i) for _ in range(rng.randint(0, 3))],
        "cvss2_max_score": 7.5, "cvss3_max_score": 9.8,
        "summary": f"Vulnerability {i} in a widely used package allows remote attackers to do harm",
        "severity": SEVERITIES[i % 5], "severity_source": "CVSS V3 from NVD",
        "vulnerable_component": comp, "component_physical_path": f"app/lib/{i}.jar",
        "impacted_artifact": artifact,
        "impact_path": [artifact, f"generic://sha256:{i:064x}/sha256__{i:064x}.tar.gz", comp],
        "path": f"docker-local/service{i % 700}/{i % 13}.0/",
        "fixed_versions": [f"{rng.randint(1, 9)}.{rng.randint(0, 9)}.{rng.randint(0, 9)}"],
        "published": "2021-09-12T14:10:55Z", "artifact_scan_time": "2021-09-13T08:00:00.123Z",
        "issue_id": f"XRAY-{100000 + i}", "package_type": "npm", "provider": "JFrog",
        "description": "A long description. " * rng.randint(2, 8),
        "references": [f"https://example.org/advisory/{i}"], "project_keys": [],
        "applicability": None, "applicability_result": "not_scanned",
    }


def cli_vuln(rng, i):
    comp, _, _, _ = package(rng, i)
    return {
        "issue_id": f"XRAY-{100000 + i}", "summary": f"Vulnerability {i}",
        "severity": SEVERITIES[i % 5],
        "cves": [{k: str(v) for k, v in cve(rng, i).items()} for _ in range(rng.randint(0, 2))],
        "components": {comp: {"fixed_versions": ["[1.2.3]"],
                              "impact_paths": [[{"component_id": "root"}, {"component_id": comp}]]}},
        "references": [f"https://example.org/{i}"],
    }


def simple_row(rng, i):
    _, kind, name, version = package(rng, i)
    return {
        "severity": SEVERITIES[i % 5], "impactedPackageName": name, "impactedPackageVersion": version,
        "impactedPackageType": kind, "components": [{"name": name, "version": version}],
        "summary": f"Vulnerability {i}", "applicable": "Not Covered", "fixedVersions": ["[1.2.3]"],
        "cves": [{"id": f"CVE-2021-{i}", "cvssV2": "", "cvssV3": "7.5",
                  "cvssV3Vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
        "issueId": f"XRAY-{100000 + i}", "references": None,
        "impactPaths": [[{"name": "app", "version": "1.0"}, {"name": name, "version": version}]],
        "jfrogResearchInformation": None,
    }


def ui_row(rng, i):
    comp, _, _, _ = package(rng, i)
    source_id = comp.rsplit(":", 1)[0]
    return {
        "id": f"XRAY-{100000 + i}", "severity": SEVERITIES[i % 5], "summary": f"Vulnerability {i}",
        "issue_type": "security", "provider": "JFrog", "component": source_id.split("://")[1],
        "source_id": source_id, "source_comp_id": comp,
        "component_versions": {"id": source_id, "vulnerable_versions": ["< 1.2.3"],
                               "fixed_versions": ["≥ 1.2.3"],
                               "more_details": {"cves": [{"cve": f"CVE-2021-{i}", "cwe": ["CWE-79"],
                                                          "cvss_v3": "9.8/CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
                                                "description": "desc", "provider": "JFrog"}},
        "edited": "2023-09-01T10:00:00Z", "component_physical_paths": [f"app/lib/{i}.jar"],
    }


def write(fmt, target_bytes, out, rows=None):
    rng = random.Random(20260101)
    makers = {"xray-report": report_row, "xray-cli-json": cli_vuln,
              "xray-cli-simple-json": simple_row, "xray-ui-security-export": ui_row}
    make = makers[fmt]
    head, tail = {
        "xray-report": ('{"total_rows": 0, "rows": [\n', "\n]}\n"),
        "xray-cli-json": ('[{"scan_id": "bench", "component_id": "root", "package_type": "Generic", '
                          '"status": "completed", "vulnerabilities": [\n', "\n]}]\n"),
        "xray-cli-simple-json": ('{"vulnerabilities": [\n', '\n], "securityViolations": null, '
                                 '"licensesViolations": null, "licenses": null, '
                                 '"operationalRiskViolations": null}\n'),
        "xray-ui-security-export": ('{"total_count": 0, "data": [\n', "\n]}\n"),
    }[fmt]
    written = 0
    with open(out, "w", encoding="utf-8") as f:
        f.write(head)
        i = 0
        while (i < rows) if rows is not None else (written < target_bytes):
            text = json.dumps(make(rng, i), ensure_ascii=False)
            f.write((",\n" if i else "") + text)
            written += len(text) + 2
            i += 1
        f.write(tail)
    return i


if __name__ == "__main__":
    if len(sys.argv) not in (4, 6) or (len(sys.argv) == 6 and sys.argv[4] != "--rows"):
        sys.exit("usage: generate.py FORMAT TARGET_MB OUT [--rows N]")
    count = int(sys.argv[5]) if len(sys.argv) == 6 else None
    print(write(sys.argv[1], int(float(sys.argv[2]) * 1024 * 1024), sys.argv[3], count))
