#include "domain/finding.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <utility>

namespace bulwark::domain {
namespace {

// ASCII only, as std::tolower in the "C" locale, without its call per character.
char LowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

void Lower(std::string_view text, std::string& out) {
  out.assign(text);
  for (char& c : out) c = LowerAscii(c);
}

std::string Lower(std::string_view text) {
  std::string out;
  Lower(text, out);
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return LowerAscii(x) == LowerAscii(y);
         });
}

// Splits `rest` at the last ':'; no colon -> whole text is the name.
void SplitLastColon(std::string_view rest, Component& c) {
  const auto colon = rest.rfind(':');
  if (colon == std::string_view::npos) {
    c.name = rest;
    return;
  }
  c.name = rest.substr(0, colon);
  c.version = rest.substr(colon + 1);
}

// Splits after the n-th colon: name = before it, version = everything after it.
void SplitAfterNthColon(std::string_view rest, int n, Component& c) {
  std::size_t pos = std::string_view::npos;
  std::size_t from = 0;
  for (int i = 0; i < n; ++i) {
    pos = rest.find(':', from);
    if (pos == std::string_view::npos) {
      SplitLastColon(rest, c);
      return;
    }
    from = pos + 1;
  }
  c.name = rest.substr(0, pos);
  c.version = rest.substr(pos + 1);
}

// `img`, `img:tag`, `registry:5000/img:tag`, `img@sha256:<hex>`, `img:sha256:<hex>`.
void SplitDocker(std::string_view rest, Component& c) {
  if (auto at = rest.find('@'); at != std::string_view::npos) {
    c.name = rest.substr(0, at);
    c.version = rest.substr(at + 1);
    return;
  }
  if (auto digest = rest.find(":sha256:"); digest != std::string_view::npos) {
    c.name = rest.substr(0, digest);
    c.version = rest.substr(digest + 1);
    return;
  }
  const auto colon = rest.rfind(':');
  const auto slash = rest.rfind('/');
  if (colon == std::string_view::npos || (slash != std::string_view::npos && colon < slash)) {
    c.name = rest;  // no tag, or the colon is a registry port
    return;
  }
  c.name = rest.substr(0, colon);
  c.version = rest.substr(colon + 1);
}

// rpm://<os>:<pkg>:<epoch>:<version>: name = 2nd field, version = epoch:version.
void SplitRpm(std::string_view rest, Component& c) {
  const auto first = rest.find(':');
  if (first == std::string_view::npos) {
    c.name = rest;
    return;
  }
  std::string_view tail = rest.substr(first + 1);
  const auto second = tail.find(':');
  if (second == std::string_view::npos) {
    c.name = tail;
    return;
  }
  c.name = tail.substr(0, second);
  c.version = tail.substr(second + 1);
}

constexpr std::array<std::pair<std::string_view, std::string_view>, 16> kPackageTypeSchemes{{
    {"maven", "gav"},
    {"golang", "go"},
    {"debian", "deb"},
    {"oci", "docker"},
    {"gem", "rubygems"},
    {"ruby", "rubygems"},
    {"pip", "pypi"},
    {"python", "pypi"},
    {"apk", "alpine"},
    {"mvn", "gav"},
    {"yarn", "npm"},
    {"nodejs", "npm"},
    {"dotnet", "nuget"},
    {"centos", "rpm"},
    {"redhat", "rpm"},
    {"file", "generic"},
}};

}  // namespace

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::kCritical:
      return "critical";
    case Severity::kHigh:
      return "high";
    case Severity::kMedium:
      return "medium";
    case Severity::kLow:
      return "low";
    case Severity::kInfo:
      break;
  }
  return "info";
}

Severity ParseSeverity(std::string_view text) {
  if (EqualsIgnoreCase(text, "critical")) return Severity::kCritical;
  if (EqualsIgnoreCase(text, "high")) return Severity::kHigh;
  if (EqualsIgnoreCase(text, "medium")) return Severity::kMedium;
  if (EqualsIgnoreCase(text, "low")) return Severity::kLow;
  return Severity::kInfo;
}

std::string_view FindingKindName(FindingKind k) {
  switch (k) {
    case FindingKind::kLicense:
      return "license";
    case FindingKind::kViolation:
      return "violation";
    case FindingKind::kVulnerability:
      break;
  }
  return "vulnerability";
}

std::string_view ViolationTypeName(ViolationType t) {
  switch (t) {
    case ViolationType::kSecurity:
      return "security";
    case ViolationType::kLicense:
      return "license";
    case ViolationType::kOperationalRisk:
      return "operational_risk";
    case ViolationType::kNone:
      break;
  }
  return "";
}

Component ParseComponentId(std::string_view id) {
  Component c;
  ParseComponentId(id, c);
  return c;
}

void ParseComponentId(std::string_view id, Component& c) {
  c.id.assign(id);
  c.name.clear();
  c.version.clear();
  const auto sep = id.find("://");
  if (sep == std::string_view::npos) {
    c.type.clear();
    c.name.assign(id);
    return;
  }
  Lower(id.substr(0, sep), c.type);
  const std::string_view rest = id.substr(sep + 3);
  if (c.type == "generic") {
    const auto slash = rest.rfind('/');
    c.name = slash == std::string_view::npos ? rest : rest.substr(slash + 1);
  } else if (c.type == "deb") {
    SplitAfterNthColon(rest, 3, c);
  } else if (c.type == "rpm") {
    SplitRpm(rest, c);
  } else if (c.type == "docker" || c.type == "oci") {
    c.type = "docker";
    SplitDocker(rest, c);
  } else {
    SplitLastColon(rest, c);  // gav, alpine, npm (scoped), go, pypi, nuget, composer, ...
  }
}

std::string SchemeForPackageType(std::string_view package_type) {
  std::string lower = Lower(package_type);
  for (const auto& [type, scheme] : kPackageTypeSchemes) {
    if (lower == type) return std::string(scheme);
  }
  return lower;
}

Component MakeComponent(std::string_view package_type, std::string_view name,
                        std::string_view version) {
  Component c;
  c.type = SchemeForPackageType(package_type);
  c.name = name;
  c.version = version;
  if (!c.type.empty()) {
    c.id = c.type + "://" + c.name;
    if (!c.version.empty()) c.id += ":" + c.version;
  }
  return c;
}

std::string Component::Key() const {
  if (type.empty()) {
    if (name.empty()) return id;
    return version.empty() ? name : name + ":" + version;
  }
  std::string_view v = version;
  if (type == "go" && v.size() > 1 && v[0] == 'v' && std::isdigit(static_cast<unsigned char>(v[1])))
    v.remove_prefix(1);
  std::string key;
  key.reserve(type.size() + name.size() + v.size() + 4);
  key.append(type).append("://").append(name);
  if (!v.empty()) key.append(":").append(v);
  return key;
}

std::string Finding::VulnerabilityKey() const {
  if (!issue_id.empty()) return issue_id;
  std::vector<std::string_view> ids;
  for (const Cve& cve : cves) {
    if (!cve.id.empty()) ids.push_back(cve.id);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::string key;
  for (std::string_view id : ids) {
    if (!key.empty()) key += ',';
    key += id;
  }
  if (key.empty()) key = license;
  return key;
}

std::string Finding::Fingerprint() const {
  // FNV-1a, 64 bit, over the identity fields separated by a byte that cannot occur in them.
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  auto mix = [&hash](std::string_view part) {
    for (unsigned char c : part) {
      hash ^= c;
      hash *= 0x100000001b3ULL;
    }
    hash ^= 0x1f;
    hash *= 0x100000001b3ULL;
  };
  mix(FindingKindName(kind));
  mix(ViolationTypeName(violation_type));
  mix(VulnerabilityKey());
  mix(ComponentKey());
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(hash));
  return std::string(hex, 16);
}

void Finding::Clear() {
  kind = FindingKind::kVulnerability;
  violation_type = ViolationType::kNone;
  severity = Severity::kInfo;
  issue_id.clear();
  cves.clear();
  cwes.clear();
  component.type.clear();
  component.name.clear();
  component.version.clear();
  component.id.clear();
  fixed_versions.clear();
  locations.clear();
  applicability.clear();
  references.clear();
  summary.clear();
  description.clear();
  published.clear();
  license.clear();
  watch.clear();
  policies.clear();
}

}  // namespace bulwark::domain
