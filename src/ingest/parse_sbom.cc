// A3 (SARIF 2.1.0 from the JFrog CLI) and A4/B4 (CycloneDX from the CLI or the UI SBOM export).
// Only SCA results are findings; secrets, IaC, SAST and applicability runs are counted as skipped.
#include <fmt/format.h>

#include <cctype>
#include <map>

#include "ingest/parsers.h"

namespace bulwark::ingest::internal {
namespace {

constexpr std::string_view kSarif = "xray-cli-sarif";

std::string AsciiLower(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (c < 0x80) out += static_cast<char>(std::tolower(c));
  }
  auto first = out.find_first_not_of(' ');
  return first == std::string::npos ? std::string() : out.substr(first);
}

domain::Severity SeverityFromScore(double score) {
  if (score >= 9.0) return domain::Severity::kCritical;
  if (score >= 7.0) return domain::Severity::kHigh;
  if (score >= 4.0) return domain::Severity::kMedium;
  if (score > 0.0) return domain::Severity::kLow;
  return domain::Severity::kInfo;
}

// ruleId "<CVE or XRAY id>_<package>_<version>" (package names never hold '_' in these ids
// except the "unknown_unknown" placeholder).
void SplitRuleId(std::string_view rule, domain::Finding& f) {
  auto first = rule.find('_');
  auto last = rule.rfind('_');
  std::string_view id = rule.substr(0, first);
  if (id.starts_with("XRAY-")) {
    f.issue_id = id;
  } else {
    f.cves.push_back(domain::Cve{.id = std::string(id), .v2 = {}, .v3 = {}, .v4 = {}, .cwes = {}});
  }
  if (first == std::string_view::npos || last == first) return;
  std::string_view name = rule.substr(first + 1, last - first - 1);
  std::string_view version = rule.substr(last + 1);
  if (name == "unknown") return;
  f.component.name = name;
  f.component.version = version;
  f.component.id = fmt::format("{}:{}", name, version);
}

struct Rule {
  std::optional<double> security_severity;
};

std::map<std::string, Rule> ReadRules(od::value rules) {
  std::map<std::string, Rule> out;
  for (auto r : rules.get_array()) {
    std::string id;
    Rule rule;
    for (auto field_result : r.get_object()) {
      od::field& field = InPlace(field_result);
      std::string_view key = KeyOf(field);
      if (key == "id") id = String(field.value());
      if (key == "properties") {
        for (auto p_result : field.value().get_object()) {
          od::field& p = InPlace(p_result);
          if (KeyOf(p) == "security-severity") rule.security_severity = Score(p.value());
        }
      }
    }
    out[id] = rule;
  }
  return out;
}

void ReadResult(od::object object, const std::map<std::string, Rule>& rules, bool violation,
                Emitter& out) {
  domain::Finding f;
  if (violation) {
    f.kind = domain::FindingKind::kViolation;
    f.violation_type = domain::ViolationType::kSecurity;
  }
  std::string level, rule_id, uri;
  for (auto field_result : object) {
    od::field& field = InPlace(field_result);
    std::string_view key = KeyOf(field);
    od::value& value = field.value();
    if (key == "ruleId") {
      rule_id = String(value);
    } else if (key == "level") {
      level = String(value);
    } else if (key == "message") {
      for (auto m_result : value.get_object()) {
        od::field& m = InPlace(m_result);
        if (KeyOf(m) == "text") f.summary = String(m.value());
      }
    } else if (key == "properties") {
      for (auto p_result : value.get_object()) {
        od::field& p = InPlace(p_result);
        std::string_view k = KeyOf(p);
        if (k == "applicability") f.applicability = NormalizeApplicability(String(p.value()));
        if (k == "fixedVersion") {
          std::string fixed = String(p.value());
          std::size_t start = 0;
          while (!fixed.empty() && fixed != "No fix available" && start <= fixed.size()) {
            auto comma = fixed.find(',', start);
            std::string part =
                fixed.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            auto b = part.find_first_not_of(' ');
            if (b != std::string::npos) f.fixed_versions.push_back(part.substr(b));
            if (comma == std::string::npos) break;
            start = comma + 1;
          }
        }
        if (k == "watch") {
          f.kind = domain::FindingKind::kViolation;
          f.violation_type = domain::ViolationType::kSecurity;
          f.watch = String(p.value());
        }
      }
    } else if (key == "locations") {
      std::string raw(RawArray(value));
      auto pos = raw.find("\"uri\"");
      if (pos != std::string::npos) {
        auto q1 = raw.find('"', raw.find(':', pos) + 1);
        auto q2 = raw.find('"', q1 + 1);
        if (q1 != std::string::npos && q2 != std::string::npos)
          uri = raw.substr(q1 + 1, q2 - q1 - 1);
      }
    }
  }
  if (rule_id.empty()) RefuseAt(kSarif, "$.runs[].results[]", "a result has no ruleId");
  SplitRuleId(rule_id, f);
  auto rule = rules.find(rule_id);
  if (rule != rules.end() && rule->second.security_severity &&
      *rule->second.security_severity > 0) {
    f.severity = SeverityFromScore(*rule->second.security_severity);
  } else {
    f.severity = level == "error"     ? domain::Severity::kHigh
                 : level == "warning" ? domain::Severity::kMedium
                 : level == "note"    ? domain::Severity::kLow
                                      : domain::Severity::kInfo;
  }
  f.locations.push_back(domain::Location{{}, uri, {}});
  ++out.report().rows;
  out.Emit(std::move(f));
}

}  // namespace

void ParseSarif(od::document& doc, Emitter& out) {
  std::vector<std::string> drivers;
  bool any_jfrog = false;
  for (auto field_result : doc.get_object()) {
    od::field& field = InPlace(field_result);
    if (KeyOf(field) != "runs") continue;
    for (auto run : field.value().get_array()) {
      std::string driver, information_uri;
      std::map<std::string, Rule> rules;
      std::string_view results_json;
      for (auto rf_result : run.get_object()) {
        od::field& rf = InPlace(rf_result);
        std::string_view key = KeyOf(rf);
        if (key == "tool") {
          for (auto tf_result : rf.value().get_object()) {
            od::field& tf = InPlace(tf_result);
            if (KeyOf(tf) != "driver") continue;
            for (auto df_result : tf.value().get_object()) {
              od::field& df = InPlace(df_result);
              std::string_view k = KeyOf(df);
              if (k == "name") driver = String(df.value());
              if (k == "informationUri") information_uri = String(df.value());
              if (k == "rules") rules = ReadRules(df.value());
            }
          }
        } else if (key == "results") {
          results_json = RawArray(rf.value());
        }
      }
      drivers.push_back(driver);
      std::string name = AsciiLower(driver);
      bool jfrog = name.starts_with("jfrog") || information_uri.find("jfrog") != std::string::npos;
      any_jfrog = any_jfrog || jfrog;
      bool sca = name == "jfrog xray scanner" || name == "jfrog policy enforcer";
      if (results_json.empty()) continue;
      simdjson::padded_string json(results_json);
      od::parser parser;
      od::document results = parser.iterate(json);
      for (auto r : results.get_array()) {
        if (!sca) {
          ++out.report().skipped;
          continue;
        }
        ReadResult(r.get_object(), rules, name == "jfrog policy enforcer", out);
      }
    }
  }
  if (!any_jfrog)
    Refuse(core::ErrorCode::kInvalidArgument,
           fmt::format("SARIF from another tool (driver: {}); only JFrog CLI SARIF is imported",
                       drivers.empty() ? std::string("none") : drivers.front()));
}

}  // namespace bulwark::ingest::internal
