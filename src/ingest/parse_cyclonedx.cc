// A4 (jf --format cyclonedx, CycloneDX 1.6) and B4 (UI SBOM export, CycloneDX 1.4). A
// vulnerability becomes one finding per `affects[].ref`, the ref resolved to a component through
// its purl. An SBOM whose vulnerabilities name no affected component holds no findings.
#include <fmt/format.h>

#include <charconv>
#include <map>

#include "ingest/parsers.h"

namespace bulwark::ingest::internal {
namespace {

// "%40" -> "@". A '%' not followed by two hex digits is kept as written.
std::string PercentDecode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned byte = 0;
    if (text[i] == '%' && i + 2 < text.size()) {
      const char* first = text.data() + i + 1;
      auto [end, ec] = std::from_chars(first, first + 2, byte, 16);
      if (ec == std::errc() && end == first + 2) {
        out += static_cast<char>(byte);
        i += 2;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

// pkg:<type>/<namespace>/<name>@<version>?qualifiers#subpath -> Xray-style component.
domain::Component FromPurl(std::string_view purl) {
  if (!purl.starts_with("pkg:")) return domain::ParseComponentId(purl);
  std::string_view rest = purl.substr(4);
  rest = rest.substr(0, rest.find_first_of("?#"));
  auto slash = rest.find('/');
  if (slash == std::string_view::npos) return domain::ParseComponentId(purl);
  std::string type(rest.substr(0, slash));
  rest = rest.substr(slash + 1);
  std::string version;
  if (auto at = rest.rfind('@'); at != std::string_view::npos) {
    version = PercentDecode(rest.substr(at + 1));
    rest = rest.substr(0, at);
  }
  std::string name = PercentDecode(rest);
  if (type == "maven") {
    if (auto s = name.rfind('/'); s != std::string::npos) name[s] = ':';
  }
  domain::Component c = domain::MakeComponent(type, name, version);
  c.id = purl;
  return c;
}

void ReadVulnerability(od::object object, const std::map<std::string, std::string>& purls,
                       Emitter& out, bool& any_affects) {
  domain::Finding base;
  std::vector<std::string> refs;
  for (auto field_result : object) {
    od::field& field = InPlace(field_result);
    std::string_view key = KeyOf(field);
    od::value& value = field.value();
    if (key == "id") {
      std::string id = String(value);
      if (id.starts_with("XRAY-")) {
        base.issue_id = id;
      } else {
        base.cves.push_back(domain::Cve{.id = id, .v2 = {}, .v3 = {}, .v4 = {}, .cwes = {}});
      }
    } else if (key == "description") {
      base.description = String(value);
    } else if (key == "detail") {
      base.summary = String(value);
    } else if (key == "cwes") {
      for (auto c : value.get_array())
        base.cwes.push_back(fmt::format("CWE-{}", int64_t(c.get_int64())));
    } else if (key == "ratings") {
      for (auto r : value.get_array()) {
        for (auto rf_result : r.get_object()) {
          od::field& rf = InPlace(rf_result);
          if (KeyOf(rf) != "severity") continue;
          base.severity = std::max(base.severity, domain::ParseSeverity(String(rf.value())));
        }
      }
    } else if (key == "affects") {
      for (auto a : value.get_array()) {
        for (auto af_result : a.get_object()) {
          od::field& af = InPlace(af_result);
          if (KeyOf(af) == "ref") refs.push_back(String(af.value()));
        }
      }
    } else if (key == "analysis") {
      for (auto af_result : value.get_object()) {
        od::field& af = InPlace(af_result);
        if (KeyOf(af) != "state") continue;
        std::string state = String(af.value());
        if (state == "exploitable") base.applicability = "applicable";
        if (state == "not_affected") base.applicability = "not_applicable";
      }
    }
  }
  ++out.report().rows;
  if (refs.empty()) {
    ++out.report().skipped;
    return;
  }
  any_affects = true;
  for (const std::string& ref : refs) {
    domain::Finding f = base;
    auto purl = purls.find(ref);
    f.component = FromPurl(purl == purls.end() ? ref : purl->second);
    f.locations.emplace_back();
    out.Emit(std::move(f));
  }
}

}  // namespace

void ParseCycloneDx(od::document& doc, Format format, Emitter& out) {
  std::map<std::string, std::string> purls;  // bom-ref -> purl
  std::string_view vulnerabilities;
  std::string spec_version;
  bool jfrog = false;
  for (auto field_result : doc.get_object()) {
    od::field& field = InPlace(field_result);
    std::string_view key = KeyOf(field);
    if (key == "specVersion") {
      spec_version = String(field.value());
    } else if (key == "metadata") {
      std::string_view raw = RawObject(field.value());
      jfrog = jfrog || raw.find("JFrog") != std::string_view::npos;
      if (raw.find("\"JFrog Inc.\"") != std::string_view::npos) format = Format::kUiCycloneDx;
    } else if (key == "components") {
      for (auto c : field.value().get_array()) {
        std::string ref, purl;
        for (auto cf_result : c.get_object()) {
          od::field& cf = InPlace(cf_result);
          std::string_view k = KeyOf(cf);
          if (k == "bom-ref") ref = String(cf.value());
          if (k == "purl") purl = String(cf.value());
          if (k == "properties")
            jfrog = jfrog || RawArray(cf.value()).find("jfrog:") != std::string_view::npos;
        }
        if (!ref.empty()) purls[ref] = purl.empty() ? ref : purl;
      }
    } else if (key == "vulnerabilities") {
      vulnerabilities = RawArray(field.value());
    }
  }
  out.report().format = format;
  if (!jfrog)
    Refuse(core::ErrorCode::kInvalidArgument,
           "CycloneDX from another tool: no JFrog Xray tool or jfrog: property; only JFrog "
           "CycloneDX is imported");
  bool any_affects = false;
  if (!vulnerabilities.empty()) {
    simdjson::padded_string json(vulnerabilities);
    od::parser parser;
    od::document vulns = parser.iterate(json);
    for (auto v : vulns.get_array()) ReadVulnerability(v.get_object(), purls, out, any_affects);
  }
  if (!any_affects)
    Refuse(core::ErrorCode::kInvalidArgument,
           "This SBOM (CycloneDX without vulnerabilities linked to components) contains no "
           "findings. Upload the Security_Export.json of the same export, or a JFrog CLI "
           "--format json / simple-json output.");
}

}  // namespace bulwark::ingest::internal
