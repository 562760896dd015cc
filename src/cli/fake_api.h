// Test support: an in-process fake of the Bulwark /api/v1 endpoints the pipeline commands use,
// served through the HttpTransport port, so a whole `scan` runs in a unit test without sockets.
// Scans move one state per GET along `script`; every request is recorded for assertions.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "env/http_transport.h"

namespace bulwark::cli::testing {

using nlohmann::json;

struct Recorded {
  std::string method, path, query, body, authorization;
};

class FakeApi : public env::HttpTransport {
 public:
  static constexpr const char* kHost = "http://bulwark.test";

  FakeApi() {
    projects = json::array(
        {{{"id", 7}, {"name", "app"}, {"description", "the app"}, {"default_branch", "main"}},
         {{"id", 8}, {"name", "app-two"}, {"default_branch", "main"}}});
  }

  json projects;
  json scanners = json::array();        // of project 7
  json previous_scans = json::array();  // returned by GET /projects/7/scans besides new ones
  std::vector<std::string> script = {"waiting", "running", "analyzing", "finished"};
  json final_summary = {{"critical", 0}, {"high", 0}, {"medium", 0}, {"low", 0}, {"info", 0}};
  double final_risk = 0;
  std::string fail_error;         // set: the scan ends "failed" with this error
  json findings = json::array();  // of project 7
  json diff = {{"new", json::array()}, {"fixed", json::array()}, {"unchanged", json::array()}};
  bool has_diff_route = true;
  json release = {{"branch", "main"}, {"status", "undefined"}, {"violations", json::array()}};
  int import_status = 202;  // 422/413: rejected with import_error
  json import_error;
  std::vector<Recorded> requests;
  std::map<std::string, json> scans;  // by id

  env::HttpResult Send(const env::HttpRequest& req) override {
    std::string url = req.url;
    const std::string prefix = std::string(kHost) + "/api/v1";
    if (!url.starts_with(prefix)) {
      return std::unexpected(env::TransportError{env::TransportErrorKind::kConnectionRefused,
                                                 "connection refused: " + url});
    }
    url = url.substr(prefix.size());
    Recorded r{req.method, url.substr(0, url.find('?')), "", req.body, ""};
    if (auto q = url.find('?'); q != std::string::npos) r.query = url.substr(q + 1);
    for (const auto& [k, v] : req.headers) {
      if (k == "Authorization") r.authorization = v;
    }
    requests.push_back(r);
    if (r.authorization != "Bearer tok") return Reply(401, Error("unauthenticated", "bad token"));
    return Route(r);
  }

  std::string Param(const std::string& query, const std::string& name) const {
    std::string key = name + "=";
    std::size_t at = 0;
    while (at < query.size()) {
      std::size_t end = query.find('&', at);
      std::string part = query.substr(at, end == std::string::npos ? end : end - at);
      if (part.starts_with(key)) return part.substr(key.size());
      if (end == std::string::npos) break;
      at = end + 1;
    }
    return "";
  }

  int CountRequests(const std::string& method, const std::string& path_prefix) const {
    int n = 0;
    for (const Recorded& r : requests) n += r.method == method && r.path.starts_with(path_prefix);
    return n;
  }

 private:
  static json Error(const std::string& code, const std::string& message) {
    return {{"code", code}, {"message", message}};
  }
  static env::HttpResult Reply(int status, const json& body) {
    env::HttpResponse res;
    res.status = status;
    res.body = body.dump();
    return res;
  }

  json NewScan(const std::string& tool, const std::string& branch, const std::string& method) {
    std::string id = std::to_string(100 + scans.size());
    json scan = {{"id", std::stoi(id)},
                 {"project_id", 7},
                 {"project_name", "app"},
                 {"tool", tool},
                 {"method", method},
                 {"branch", branch},
                 {"meta_data", ""},
                 {"state", script.front()},
                 {"progress", 0},
                 {"summary", {{"critical", 0}, {"high", 0}, {"medium", 0}, {"low", 0}}},
                 {"risk_score", 0},
                 {"created_at", "2026-11-25T12:00:0" + std::to_string(scans.size()) + "Z"},
                 {"links", {{"html", "/scans/" + id}, {"api", "/api/v1/scans/" + id}}},
                 {"step", 0}};
    scans[id] = scan;
    return scan;
  }

  static std::string Field(const std::string& body, const std::string& name) {
    std::string marker = "name=\"" + name + "\"\r\n\r\n";
    auto at = body.find(marker);
    if (at == std::string::npos) return "";
    at += marker.size();
    return body.substr(at, body.find("\r\n", at) - at);
  }

  env::HttpResult Route(const Recorded& r) {
    if (r.method == "GET" && r.path == "/projects") {
      json out = json::array();
      for (const json& p : projects) {
        if (p["name"].get<std::string>().find(Param(r.query, "name")) != std::string::npos)
          out.push_back(p);
      }
      return Reply(200, {{"projects", out}, {"total", out.size()}, {"next_cursor", ""}});
    }
    if (r.method == "GET" && r.path == "/projects/7/scanners") {
      return Reply(200, {{"scanners", scanners}, {"total", scanners.size()}});
    }
    if (r.method == "POST" && r.path == "/projects/7/scans") {
      json body = json::parse(r.body);
      std::string tool = body.value("tool", "jfrogxraysca");
      std::string branch = body.value("branch", "main");
      if (body.contains("scanner_id")) {
        for (const json& s : scanners) {
          if (s["id"] == body["scanner_id"]) branch = s.value("branch", branch);
        }
      }
      return Reply(202, NewScan(tool, branch, "kdt"));
    }
    if (r.method == "POST" && r.path == "/projects/7/imports") {
      if (import_status != 202) return Reply(import_status, import_error);
      return Reply(202, NewScan(Field(r.body, "tool"), Field(r.body, "branch"), "import"));
    }
    if (r.method == "GET" && r.path.starts_with("/scans/") && r.path.ends_with("/diff")) {
      if (!has_diff_route) return Reply(404, Error("not_found", "no route"));
      return Reply(200, diff);
    }
    if (r.method == "GET" && r.path.starts_with("/scans/")) {
      auto it = scans.find(r.path.substr(7));
      if (it == scans.end()) return Reply(404, Error("not_found", "no scan " + r.path.substr(7)));
      Advance(it->second);
      return Reply(200, it->second);
    }
    if (r.method == "GET" && r.path == "/projects/7/scans") {
      json out = previous_scans;
      for (const auto& [id, s] : scans) out.push_back(s);
      return Reply(200, {{"scans", out}, {"total", out.size()}, {"next_cursor", ""}});
    }
    if (r.method == "GET" && r.path == "/projects/7/release") {
      return Reply(200, release);
    }
    if (r.method == "GET" && r.path == "/projects/7/findings") {
      return FindingsPage(r);
    }
    return Reply(404, Error("not_found", "no route " + r.method + " " + r.path));
  }

  void Advance(json& scan) {
    int step = scan["step"].get<int>() + 1;
    if (step >= static_cast<int>(script.size())) step = static_cast<int>(script.size()) - 1;
    scan["step"] = step;
    scan["state"] = script[static_cast<std::size_t>(step)];
    scan["progress"] = 100 * step / static_cast<int>(script.size() - 1);
    if (scan["state"] == "finished") {
      if (!fail_error.empty()) {
        scan["state"] = "failed";
        scan["error"] = fail_error;
        scan["hint"] = "check the file";
      } else {
        scan["summary"] = final_summary;
        scan["risk_score"] = final_risk;
        scan["finished_at"] = "2026-11-25T12:30:00Z";
      }
    }
  }

  env::HttpResult FindingsPage(const Recorded& r) {
    std::string severity = Param(r.query, "severity");
    std::string state = Param(r.query, "state");
    json matching = json::array();
    for (const json& f : findings) {
      if ((severity.empty() || f["severity"] == severity) && (state.empty() || f["state"] == state))
        matching.push_back(f);
    }
    std::size_t offset = Param(r.query, "cursor").empty()
                             ? 0
                             : static_cast<std::size_t>(std::stoul(Param(r.query, "cursor")));
    std::size_t limit = static_cast<std::size_t>(std::stoul(Param(r.query, "limit")));
    json page = json::array();
    for (std::size_t i = offset; i < matching.size() && i < offset + limit; ++i)
      page.push_back(matching[i]);
    std::string next = offset + limit < matching.size() ? std::to_string(offset + limit) : "";
    return Reply(200, {{"findings", page}, {"total", matching.size()}, {"next_cursor", next}});
  }
};

// A finding as the server sends it.
inline json MakeFinding(int id, const std::string& severity, const std::string& issue,
                        const std::string& cve, const std::string& name, const std::string& version,
                        std::vector<std::string> fixed = {}, const std::string& state = "open") {
  return {
      {"id", id},
      {"severity", severity},
      {"kind", "vulnerability"},
      {"issue_id", issue},
      {"cves", cve.empty() ? json::array() : json::array({{{"id", cve}, {"cvss_v3_score", 7.5}}})},
      {"component", name},
      {"component_type", "npm"},
      {"component_version", version},
      {"fixed_versions", fixed},
      {"summary", "a flaw in " + name},
      {"state", state},
      {"tool", "jfrogxraysca"}};
}

}  // namespace bulwark::cli::testing
