// Domain values for what scanners report: findings, their components and vulnerabilities.
// Plain values, no I/O, no JSON. Identity rules live here so every producer (file import, API
// scan) and every consumer (storage, lifecycle, API) agrees on what "the same finding" means.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bulwark::domain {

enum class Severity : std::uint8_t { kInfo = 0, kLow = 1, kMedium = 2, kHigh = 3, kCritical = 4 };

// "critical", "high", "medium", "low", "info".
std::string_view SeverityName(Severity s);
// Case-insensitive. Unknown, Information, Normal, Pending, None, "" and anything else map to kInfo.
Severity ParseSeverity(std::string_view text);

enum class FindingKind : std::uint8_t { kVulnerability, kLicense, kViolation };
std::string_view FindingKindName(FindingKind k);  // "vulnerability", "license", "violation"

enum class ViolationType : std::uint8_t { kNone, kSecurity, kLicense, kOperationalRisk };
std::string_view ViolationTypeName(
    ViolationType t);  // "", "security", "license", "operational_risk"

// A package as Xray identifies it: `npm://lodash:4.17.15` -> {type "npm", name "lodash",
// version "4.17.15"}. `id` keeps the raw identifier as the source gave it.
struct Component {
  std::string type;  // lower-case scheme: npm, gav, pypi, deb, rpm, docker, go, generic, ...
  std::string name;
  std::string version;
  std::string id;  // raw id, possibly empty when the source gave name and version only

  // Canonical key used in finding identity: "<type>://<name>:<version>". Go versions lose a
  // leading "v" (the CLI writes `v1.2.4`, reports `1.2.4`). A component without a known type keys
  // as "<name>[:<version>]" (its raw id when it has no name).
  std::string Key() const;
  bool operator==(const Component&) const = default;
};

// Parses an Xray component id per scheme (specs/xray-formats.md section 4): Maven `gav://g:a:v`,
// Debian `deb://vendor:dist:pkg:epoch:version` (version = everything after the 3rd colon), RPM
// `rpm://os:pkg:epoch:version`, Alpine `alpine://branch:pkg:version`, Docker `docker://img:tag`
// or digests, `generic://sha256:<hex>/file` (name = file, no version), scoped npm, Go modules and
// every other scheme (`name:version` split at the last colon). An id without `://` (`root`,
// `lodash`, `A:1.0.0`) gives an empty type, the raw id as name and no version. Never fails.
Component ParseComponentId(std::string_view id);
// As ParseComponentId, into `out` (keeping the capacity of its strings).
void ParseComponentId(std::string_view id, Component& out);

// The id scheme Xray uses for a package type name as the formats spell it (`maven` -> `gav`,
// `golang` -> `go`, `debian` -> `deb`, `Docker`/`oci` -> `docker`, ...); lower-cased otherwise.
std::string SchemeForPackageType(std::string_view package_type);

// A component given as type + version-less name + version (simple-json, UI exports): the type is
// mapped with SchemeForPackageType, `id` rebuilt as `<scheme>://<name>:<version>`.
Component MakeComponent(std::string_view package_type, std::string_view name,
                        std::string_view version);

struct Cvss {
  std::optional<double> score;
  std::string vector;  // verbatim, may be empty
  bool operator==(const Cvss&) const = default;
};

struct Cve {
  std::string id;  // "CVE-2021-23337"; may be empty (a scored non-CVE issue)
  Cvss v2, v3, v4;
  std::vector<std::string> cwes;  // "CWE-787"
  bool operator==(const Cve&) const = default;
};

// Where a finding was seen: the impacted artifact (root) and the dependency paths leading to the
// vulnerable component. Impact paths are compared as a set (order-insensitive).
struct Location {
  std::string artifact;  // impacted artifact or scan target, e.g. "docker://app:1.2" (may be empty)
  std::string path;      // repository or physical path, may be empty
  std::vector<std::vector<std::string>> impact_paths;  // each path root first, component last
  bool operator==(const Location&) const = default;
};

// A member added here must also be reset by Clear().
struct Finding {
  FindingKind kind = FindingKind::kVulnerability;
  ViolationType violation_type = ViolationType::kNone;
  Severity severity = Severity::kInfo;
  std::string issue_id;  // Xray issue id ("XRAY-123"), may be empty
  std::vector<Cve> cves;
  std::vector<std::string> cwes;  // union of the CVEs' CWEs and any row-level CWEs
  Component component;
  std::vector<std::string> fixed_versions;  // verbatim (UTF-8)
  std::vector<Location> locations;
  std::string applicability;  // "applicable", "not_applicable", "undetermined", ... or ""
  std::vector<std::string> references;
  std::string summary;
  std::string description;
  std::string published;              // ISO-8601 UTC as given, or ""
  std::string license;                // licence key for licence findings / licence violations
  std::string watch;                  // violations: watch name
  std::vector<std::string> policies;  // violations: matched policies

  bool operator==(const Finding&) const = default;

  // Identity parts (architecture.md section 3). Never depends on description, summary, impact
  // path order or artifact build numbers.
  // The Xray issue id when present, else the sorted CVE ids joined with ",", else the licence.
  std::string VulnerabilityKey() const;
  std::string ComponentKey() const { return component.Key(); }
  // A stable 64-bit digest of kind, violation type, vulnerability key and component key; the
  // storage identity is (project, branch, tool, Fingerprint()).
  std::string Fingerprint() const;

  // Back to a default-constructed finding, keeping the capacity of its strings and vectors so a
  // parser can read the next row into the same object without allocating again.
  void Clear();
};

}  // namespace bulwark::domain
