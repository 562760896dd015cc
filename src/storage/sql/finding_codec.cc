#include "storage/sql/finding_codec.h"

#include <fmt/format.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <iterator>
#include <nlohmann/json.hpp>

#include "core/json_text.h"
#include "storage/sql/row_codec.h"

namespace bulwark::storage::sql {
namespace {

using nlohmann::json;

domain::Cvss ReadCvss(const json& j) {
  domain::Cvss c;
  if (!j.is_array() || j.size() != 2) return c;
  if (j[0].is_number()) c.score = j[0].get<double>();
  if (j[1].is_string()) c.vector = j[1].get<std::string>();
  return c;
}

// The CVE and location columns are JSON written directly (no document is built: a finding is
// written on every import), as nlohmann::json::dump would write them: keys in sorted order, no
// spaces. ReadFindingContent reads them back with nlohmann::json.
void AppendString(std::string& out, std::string_view s) { core::AppendJsonString(out, s); }

void AppendStrings(std::string& out, const std::vector<std::string>& items) {
  core::AppendJsonStrings(out, items);
}

// null, or [score, "vector"] with null for a missing (or non-finite) score.
void AppendCvss(std::string& out, const domain::Cvss& c) {
  if (!c.score && c.vector.empty()) {
    out += "null";
    return;
  }
  out += '[';
  if (c.score && std::isfinite(*c.score)) {
    const size_t start = out.size();
    fmt::format_to(std::back_inserter(out), "{}", *c.score);
    if (out.find_first_of(".e", start) == std::string::npos) out += ".0";
  } else {
    out += "null";
  }
  out += ',';
  AppendString(out, c.vector);
  out += ']';
}

std::string CvesText(const std::vector<domain::Cve>& cves) {
  if (cves.empty()) return "";
  std::string out = "[";
  for (size_t i = 0; i < cves.size(); ++i) {
    const domain::Cve& c = cves[i];
    out += i ? ",{\"cwes\":" : "{\"cwes\":";
    AppendStrings(out, c.cwes);
    out += ",\"id\":";
    AppendString(out, c.id);
    out += ",\"v2\":";
    AppendCvss(out, c.v2);
    out += ",\"v3\":";
    AppendCvss(out, c.v3);
    out += ",\"v4\":";
    AppendCvss(out, c.v4);
    out += '}';
  }
  return out + "]";
}

std::string LocationsText(const std::vector<domain::Location>& locations) {
  if (locations.empty()) return "";
  std::string out = "[";
  for (size_t i = 0; i < locations.size(); ++i) {
    const domain::Location& l = locations[i];
    out += i ? ",{\"artifact\":" : "{\"artifact\":";
    AppendString(out, l.artifact);
    out += ",\"impact_paths\":[";
    for (size_t p = 0; p < l.impact_paths.size(); ++p) {
      if (p) out += ',';
      AppendStrings(out, l.impact_paths[p]);
    }
    out += "],\"path\":";
    AppendString(out, l.path);
    out += '}';
  }
  return out + "]";
}

std::string CveIds(const std::vector<domain::Cve>& cves) {
  std::string out;
  for (const auto& c : cves) {
    if (c.id.empty()) continue;
    if (!out.empty()) out += ' ';
    out += c.id;
  }
  return out;
}

// A 64-bit digest fed eight bytes at a time (the FxHash step: rotate, xor, multiply by an odd
// constant). Every step is a bijection of the state, so two inputs that differ in one word never
// collide. Strings are length-prefixed and lists count-prefixed, so no two contents share an
// encoding. Words are read little-endian whatever the machine.
class Digest {
 public:
  void Word(std::uint64_t w) { h_ = (std::rotl(h_, 5) ^ w) * 0x517cc1b727220a95ull; }
  void Text(std::string_view s) {
    Word(s.size());
    const char* p = s.data();
    size_t n = s.size();
    for (; n >= 8; p += 8, n -= 8) Word(Load(p, 8));
    if (n > 0) Word(Load(p, n));
  }
  void Texts(const std::vector<std::string>& items) {
    Word(items.size());
    for (const auto& item : items) Text(item);
  }
  void Score(const domain::Cvss& c) {
    Word(c.score ? 1 : 0);
    if (c.score) Word(std::bit_cast<std::uint64_t>(*c.score));
    Text(c.vector);
  }
  std::uint64_t value() const { return h_; }

 private:
  static std::uint64_t Load(const char* p, size_t n) {
    unsigned char bytes[8] = {};
    std::memcpy(bytes, p, n);
    std::uint64_t w = 0;
    for (int i = 7; i >= 0; --i) w = (w << 8) | bytes[i];
    return w;
  }
  std::uint64_t h_ = 0x243f6a8885a308d3ull;
};

}  // namespace

std::string ContentDigest(const domain::Finding& f) {
  Digest d;
  d.Word(static_cast<std::uint64_t>(f.kind) | static_cast<std::uint64_t>(f.violation_type) << 8 |
         static_cast<std::uint64_t>(f.severity) << 16);
  d.Text(f.issue_id);
  d.Text(f.component.type);
  d.Text(f.component.name);
  d.Text(f.component.version);
  d.Text(f.component.id);
  d.Word(f.cves.size());
  for (const auto& c : f.cves) {
    d.Text(c.id);
    d.Score(c.v2);
    d.Score(c.v3);
    d.Score(c.v4);
    d.Texts(c.cwes);
  }
  d.Texts(f.cwes);
  d.Texts(f.fixed_versions);
  d.Word(f.locations.size());
  for (const auto& l : f.locations) {
    d.Text(l.artifact);
    d.Text(l.path);
    d.Word(l.impact_paths.size());
    for (const auto& path : l.impact_paths) d.Texts(path);
  }
  d.Text(f.applicability);
  d.Texts(f.references);
  d.Text(f.summary);
  d.Text(f.description);
  d.Text(f.published);
  d.Text(f.license);
  d.Text(f.watch);
  d.Texts(f.policies);
  return fmt::format("2:{:016x}", d.value());
}

std::vector<Value> FindingContent(const domain::Finding& f) {
  return {std::string(domain::FindingKindName(f.kind)),
          std::string(domain::ViolationTypeName(f.violation_type)),
          Int(static_cast<int>(f.severity)),
          f.issue_id,
          f.component.type,
          f.component.name,
          f.component.version,
          f.component.id,
          CveIds(f.cves),
          CvesText(f.cves),
          Lines(f.cwes),
          Lines(f.fixed_versions),
          LocationsText(f.locations),
          f.applicability,
          Lines(f.references),
          f.summary,
          f.description,
          f.published,
          f.license,
          f.watch,
          Lines(f.policies)};
}

std::string ContentHash(const std::vector<Value>& content) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a 64
  for (const Value& v : content) {
    const std::string& s = v ? *v : std::string();
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    h = (h ^ (v ? 0x1fu : 0x1eu)) * 1099511628211ull;
  }
  return fmt::format("{:016x}", h);
}

void ReadFindingContent(const Row& r, size_t i, domain::Finding& f) {
  const std::string kind = ToText(r[i]);
  f.kind = kind == "license"     ? domain::FindingKind::kLicense
           : kind == "violation" ? domain::FindingKind::kViolation
                                 : domain::FindingKind::kVulnerability;
  const std::string vt = ToText(r[i + 1]);
  f.violation_type = vt == "security"           ? domain::ViolationType::kSecurity
                     : vt == "license"          ? domain::ViolationType::kLicense
                     : vt == "operational_risk" ? domain::ViolationType::kOperationalRisk
                                                : domain::ViolationType::kNone;
  f.severity = static_cast<domain::Severity>(ToInt(r[i + 2]));
  f.issue_id = ToText(r[i + 3]);
  f.component.type = ToText(r[i + 4]);
  f.component.name = ToText(r[i + 5]);
  f.component.version = ToText(r[i + 6]);
  f.component.id = ToText(r[i + 7]);
  const std::string cves = ToText(r[i + 9]);
  if (!cves.empty()) {
    for (const auto& c : json::parse(cves, nullptr, false)) {
      if (!c.is_object()) continue;
      domain::Cve cve;
      cve.id = c.value("id", "");
      cve.v2 = ReadCvss(c.value("v2", json()));
      cve.v3 = ReadCvss(c.value("v3", json()));
      cve.v4 = ReadCvss(c.value("v4", json()));
      cve.cwes = c.value("cwes", std::vector<std::string>{});
      f.cves.push_back(std::move(cve));
    }
  }
  f.cwes = ToLines(r[i + 10]);
  f.fixed_versions = ToLines(r[i + 11]);
  const std::string locations = ToText(r[i + 12]);
  if (!locations.empty()) {
    for (const auto& l : json::parse(locations, nullptr, false)) {
      if (!l.is_object()) continue;
      domain::Location loc;
      loc.artifact = l.value("artifact", "");
      loc.path = l.value("path", "");
      loc.impact_paths = l.value("impact_paths", std::vector<std::vector<std::string>>{});
      f.locations.push_back(std::move(loc));
    }
  }
  f.applicability = ToText(r[i + 13]);
  f.references = ToLines(r[i + 14]);
  f.summary = ToText(r[i + 15]);
  f.description = ToText(r[i + 16]);
  f.published = ToText(r[i + 17]);
  f.license = ToText(r[i + 18]);
  f.watch = ToText(r[i + 19]);
  f.policies = ToLines(r[i + 20]);
}

}  // namespace bulwark::storage::sql
