// A1 (jf --format json: array of graph-scan responses), B7 (one raw graph-scan response) and B9
// (v2 build scan): vulnerabilities/violations/licenses whose `components` map keys are the
// vulnerable packages; one finding per (issue, component).
#include <fmt/format.h>

#include "ingest/parsers.h"

namespace bulwark::ingest::internal {
namespace {

struct Hit {
  domain::Component component;
  std::vector<std::string> fixed_versions;
  std::vector<std::vector<std::string>> impact_paths;
};

struct Ctx {
  std::string_view format;
  std::string_view base;  // JSON path of the issue being read: base, or base[index]
  std::size_t index = kNoIndex;
  static constexpr std::size_t kNoIndex = static_cast<std::size_t>(-1);

  // Built only for a message: formatting it for every row would cost more than reading the row.
  std::string path() const {
    return index == kNoIndex ? std::string(base) : IndexPath(base, index);
  }
};

std::vector<std::vector<std::string>> ReadImpactPaths(od::value value, const Ctx& ctx) {
  std::vector<std::vector<std::string>> paths;
  if (value.is_null()) return paths;
  if (value.type() != od::json_type::array)
    RefuseAt(ctx.format, ctx.path() + ".components", "impact_paths must be an array of arrays");
  for (auto path_element : value.get_array()) {
    od::value& path_value = InPlace(path_element);
    if (path_value.type() != od::json_type::array)
      RefuseAt(ctx.format, ctx.path() + ".components",
               "impact_paths holds strings: looks like an xray-report or xray-summary-artifact "
               "row inside a CLI json file");
    std::vector<std::string> nodes;
    for (auto node : path_value.get_array()) {
      std::string id;
      for (auto field_result : node.get_object()) {
        od::field& field = InPlace(field_result);
        if (KeyOf(field) == "component_id") id = String(field.value());
      }
      nodes.push_back(std::move(id));
    }
    paths.push_back(std::move(nodes));
  }
  return paths;
}

std::vector<Hit> ReadComponents(od::value value, const Ctx& ctx) {
  std::vector<Hit> hits;
  if (value.is_null()) return hits;
  if (value.type() != od::json_type::object)
    RefuseAt(ctx.format, ctx.path() + ".components",
             "components is not an object keyed by component id: looks like an "
             "xray-summary-artifact issue inside a CLI json file");
  for (auto field_result : value.get_object()) {
    od::field& field = InPlace(field_result);
    Hit hit;
    domain::ParseComponentId(std::string_view(field.unescaped_key()), hit.component);
    for (auto inner_result : field.value().get_object()) {
      od::field& inner = InPlace(inner_result);
      std::string_view key = KeyOf(inner);
      if (key == "fixed_versions") {
        hit.fixed_versions = Strings(inner.value());
      } else if (key == "impact_paths") {
        hit.impact_paths = ReadImpactPaths(inner.value(), ctx);
      }
    }
    hits.push_back(std::move(hit));
  }
  return hits;
}

domain::ViolationType ViolationTypeOf(std::string_view type) {
  std::string t = NormalizeApplicability(type);
  if (t == "license") return domain::ViolationType::kLicense;
  if (t == "operational_risk") return domain::ViolationType::kOperationalRisk;
  return domain::ViolationType::kSecurity;
}

// One entry of vulnerabilities/violations/licenses -> findings appended to `out`.
void ReadIssue(od::object object, domain::FindingKind kind, const Ctx& ctx,
               std::vector<domain::Finding>& out) {
  domain::Finding base;
  base.kind = kind;
  std::vector<Hit> hits;
  std::string_view current;
  try {
    for (auto field_result : object) {
      od::field& field = InPlace(field_result);
      current = KeyOf(field);
      od::value& value = field.value();
      if (current == "issue_id") {
        base.issue_id = String(value);
      } else if (current == "summary") {
        base.summary = String(value);
      } else if (current == "severity") {
        base.severity = domain::ParseSeverity(StringView(value));
      } else if (current == "cves") {
        base.cves = ParseCves(value);
      } else if (current == "components") {
        hits = ReadComponents(value, ctx);
      } else if (current == "references") {
        base.references = Strings(value);
      } else if (current == "type") {
        base.violation_type = ViolationTypeOf(StringView(value));
      } else if (current == "watch_name") {
        base.watch = String(value);
      } else if (current == "license_key") {
        base.license = String(value);
      } else if (current == "policies") {
        for (auto p : value.get_array()) {
          for (auto pf_result : p.get_object()) {
            od::field& pf = InPlace(pf_result);
            if (KeyOf(pf) == "policy") base.policies.push_back(String(pf.value()));
          }
        }
      } else if (current == "extended_information") {
        for (auto ef_result : value.get_object()) {
          od::field& ef = InPlace(ef_result);
          if (KeyOf(ef) == "full_description") base.description = String(ef.value());
        }
      } else if (current == "impactedPackageName" || current == "issueId") {
        RefuseAt(ctx.format, ctx.path(),
                 "camelCase simple-json keys inside a CLI json file (mixed formats)");
      }
    }
  } catch (const simdjson::simdjson_error& e) {
    if (e.error() != simdjson::INCORRECT_TYPE) throw;
    RefuseAt(ctx.format, fmt::format("{}.{}", ctx.path(), current),
             "value has the wrong JSON type");
  }
  if (kind == domain::FindingKind::kViolation &&
      base.violation_type == domain::ViolationType::kNone)
    base.violation_type = domain::ViolationType::kSecurity;
  CollectCwes(base);
  for (Hit& hit : hits) {
    // The last hit takes the issue's fields; the others copy them.
    domain::Finding f = &hit == &hits.back() ? std::move(base) : base;
    f.component = std::move(hit.component);
    f.fixed_versions = std::move(hit.fixed_versions);
    f.locations.push_back(domain::Location{{}, {}, std::move(hit.impact_paths)});
    out.push_back(std::move(f));
  }
}

template <typename Flush>
void ReadIssues(od::value value, domain::FindingKind kind, Ctx& ctx, std::string_view key,
                std::vector<domain::Finding>& out, Flush& flush) {
  if (value.is_null()) return;
  if (value.type() != od::json_type::array)
    RefuseAt(ctx.format, ctx.path() + "." + std::string(key), "must be an array");
  std::string base = ctx.path() + "." + std::string(key);
  std::size_t i = 0;
  for (auto element : value.get_array()) {
    Ctx inner{ctx.format, base, i++};
    od::value& v = InPlace(element);
    if (v.type() != od::json_type::object) RefuseAt(ctx.format, inner.path(), "must be an object");
    ReadIssue(v.get_object(), kind, inner, out);
    flush();
  }
}

// The scanned root of a response: component_id, or build://name:number for build scans. Looked
// up before the issues (keys come in any order) so findings can stream out without buffering.
// `keys`, when not null, receives the keys of the response.
std::string ScanRoot(od::object& object, std::vector<std::string_view>* keys) {
  std::string component_id, build_name, build_number;
  if (keys != nullptr) keys->clear();
  for (auto field_result : object) {
    od::field& field = InPlace(field_result);
    std::string_view key = KeyOf(field);
    if (keys != nullptr) keys->push_back(key);
    if (key == "component_id") component_id = String(field.value());
    if (key == "build_name") build_name = String(field.value());
    if (key == "build_number") build_number = String(field.value());
  }
  object.reset();
  if (!build_name.empty()) return fmt::format("build://{}:{}", build_name, build_number);
  return component_id;
}

// One ScanResponse (or build-scan response) object. An element of a CLI json array has its keys
// checked against the kind of element 0 (`keys` is a buffer reused between elements) before
// anything is read from it.
void ReadScanResponse(od::object object, Ctx ctx, Emitter& out,
                      std::vector<std::string_view>* keys = nullptr) {
  const std::string artifact = ScanRoot(object, keys);
  if (keys != nullptr) CheckArrayElement(ctx.index, *keys, Format::kCliJson);
  std::vector<domain::Finding> findings;
  auto flush = [&] {
    for (domain::Finding& f : findings) {
      f.locations[0].artifact = artifact;
      if (f.kind == domain::FindingKind::kLicense && f.license.empty()) f.license = f.issue_id;
      out.Emit(std::move(f));
    }
    findings.clear();
  };
  for (auto field_result : object) {
    od::field& field = InPlace(field_result);
    std::string_view key = KeyOf(field);
    od::value& value = field.value();
    if (key == "vulnerabilities") {
      ReadIssues(value, domain::FindingKind::kVulnerability, ctx, key, findings, flush);
    } else if (key == "violations") {
      ReadIssues(value, domain::FindingKind::kViolation, ctx, key, findings, flush);
    } else if (key == "licenses") {
      ReadIssues(value, domain::FindingKind::kLicense, ctx, key, findings, flush);
    } else if (key == "source_comp_id" || key == "vulnerable_component" || key == "user_issue_id") {
      RefuseAt(ctx.format, ctx.path(),
               fmt::format("`{}` belongs to another Xray format (mixed formats)", key));
    }
  }
  ++out.report().rows;
}

}  // namespace

void ParseCliJson(od::document& doc, Format format, Emitter& out) {
  std::string_view name = FormatName(format);
  if (format != Format::kCliJson) {
    ReadScanResponse(doc.get_object(), Ctx{name, "$"}, out);
    return;
  }
  if (doc.is_null()) return;  // the CLI prints null when nothing was scanned
  std::size_t i = 0;
  std::vector<std::string_view> keys;
  for (auto element : doc.get_array()) {
    Ctx ctx{name, "$", i++};
    od::value& v = InPlace(element);
    if (v.type() != od::json_type::object)
      Refuse(core::ErrorCode::kDataLoss, ctx.path() + ": array elements must be objects");
    ReadScanResponse(v.get_object(), std::move(ctx), out, &keys);
  }
}

}  // namespace bulwark::ingest::internal
