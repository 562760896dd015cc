// The endpoints of the fake JFrog Platform (specs/xray-api.md section 7).
#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>

#include "test/fakes/fake_xray/fake_platform.h"

namespace bulwark::fakes {
namespace {

using nlohmann::json;

std::string XrayError(std::string_view message) { return json{{"error", message}}.dump(); }

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// A ZIP archive holding one file, as the Reports export answers (xray-api.md section 3.4).
std::string ZipOneFile(const std::string& name, const std::string& content) {
  std::string out;
  archive* zip = archive_write_new();
  archive_write_set_format_zip(zip);
  archive_write_set_bytes_in_last_block(zip, 1);
  auto append = [](archive*, void* client, const void* buffer, size_t size) -> la_ssize_t {
    static_cast<std::string*>(client)->append(static_cast<const char*>(buffer), size);
    return static_cast<la_ssize_t>(size);
  };
  archive_write_open(zip, &out, nullptr, append, nullptr);
  archive_entry* entry = archive_entry_new();
  archive_entry_set_pathname(entry, name.c_str());
  archive_entry_set_size(entry, static_cast<la_int64_t>(content.size()));
  archive_entry_set_filetype(entry, AE_IFREG);
  archive_entry_set_perm(entry, 0644);
  archive_write_header(zip, entry);
  archive_write_data(zip, content.data(), content.size());
  archive_entry_free(entry);
  archive_write_close(zip);
  archive_write_free(zip);
  return out;
}

}  // namespace

json FakePlatform::ReportJson(const FakeReport& report) const {
  using std::chrono::milliseconds;
  auto elapsed =
      std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - report.created)
          .count();
  long duration = std::max(1, report_duration_ms_);
  int progress = static_cast<int>(std::min<long>(100, elapsed * 100 / duration));
  std::string status = elapsed < duration / 5 ? "pending"
                       : elapsed < duration   ? "running"
                                              : "completed";
  const int artifacts = 40;
  json out = {{"id", report.id},
              {"name", report.name},
              {"report_type", "vulnerability"},
              {"status", status},
              {"total_artifacts", artifacts},
              {"num_of_processed_artifacts", artifacts * progress / 100},
              {"progress", progress},
              {"start_time", "2026-01-01T12:00:00Z"},
              {"author", "fake"}};
  if (status == "completed") {
    if (!report_failure_.empty()) {
      out["status"] = "failed";
      out["error"] = report_failure_;
    } else {
      out["number_of_rows"] = report.rows;
      out["end_time"] = "2026-01-01T12:00:01Z";
    }
  }
  return out;
}

void FakePlatform::CreateReport(const Req& req, Res& res) {
  auto body = json::parse(req.body, nullptr, false);
  if (!body.is_object() || !body.contains("name") || !body["name"].is_string() ||
      body["name"].get<std::string>().empty() || !body.contains("resources") ||
      !body["resources"].is_object() || body["resources"].size() != 1 ||
      !body["resources"].contains("repositories") ||
      !body["resources"]["repositories"].is_array() || body["resources"]["repositories"].empty()) {
    return Reply(req, res, 400, XrayError("Validation failure"));
  }
  std::lock_guard lock(mu_);
  FakeReport report{next_report_id_, body["name"], "", std::chrono::steady_clock::now(), 0};
  for (const auto& r : body["resources"]["repositories"]) {
    std::string name = r.is_object() ? r.value("name", "") : "";
    auto it = std::ranges::find(repositories_, name, &FakeRepository::key);
    if (it == repositories_.end()) {
      res.status = 400;
      return res.set_content(XrayError("Validation failure"), kJson);
    }
    report.repository = name;
    if (it->indexed && it->type != "virtual") report.rows = rows_.size();
  }
  ++next_report_id_;
  ++created_;
  reports_[report.id] = report;
  res.set_content(json{{"report_id", report.id}, {"status", "pending"}}.dump(), kJson);
}

void FakePlatform::ReportContent(const Req& req, Res& res) {
  int id = std::stoi(req.matches[1]);
  int page = req.has_param("page_num") ? std::atoi(req.get_param_value("page_num").c_str()) : 0;
  int size =
      req.has_param("num_of_rows") ? std::atoi(req.get_param_value("num_of_rows").c_str()) : 0;
  std::string body;
  {
    std::lock_guard lock(mu_);
    ++content_requests_;
    auto it = reports_.find(id);
    if (it == reports_.end()) {
      res.status = 404;
      return res.set_content(XrayError("Report not found"), kJson);
    }
    if (page < 1 || size < 1) {
      res.status = 400;
      return res.set_content(XrayError("page_num and num_of_rows must be at least 1"), kJson);
    }
    const FakeReport& report = it->second;
    std::size_t begin = std::min(report.rows, static_cast<std::size_t>(page - 1) * size);
    std::size_t end = std::min(report.rows, begin + size);
    body = fmt::format("{{\"total_rows\":{},\"rows\":[", report.rows);
    std::size_t bytes = 0;
    for (std::size_t i = begin; i < end; ++i) bytes += rows_[i].size() + 1;
    body.reserve(body.size() + bytes + 2);
    for (std::size_t i = begin; i < end; ++i) {
      if (i > begin) body += ',';
      body += rows_[i];
    }
    body += "]}";
  }
  Reply(req, res, 200, std::move(body));
}

// GET /xray/api/v1/reports/export/{id}?file_name=<name>&format=json: a ZIP holding
// <name>.json with every row of the report, in the content endpoint's shape.
void FakePlatform::ExportReport(const Req& req, Res& res) {
  const std::string file_name = req.get_param_value("file_name");
  const std::string format = req.get_param_value("format");
  if (file_name.empty() || format.empty()) {
    return Reply(req, res, 400, XrayError("file_name and format are mandatory"));
  }
  if (format != "json") {
    return Reply(req, res, 400,
                 XrayError("format: the fake exports json only (not " + format + ")"));
  }
  std::string body;
  {
    std::lock_guard lock(mu_);
    auto it = reports_.find(std::stoi(req.matches[1]));
    if (it == reports_.end()) {
      res.status = 404;
      return res.set_content(XrayError("Report not found"), kJson);
    }
    body = fmt::format("{{\"total_rows\":{},\"rows\":[", it->second.rows);
    for (std::size_t i = 0; i < it->second.rows; ++i) {
      if (i > 0) body += ',';
      body += rows_[i];
    }
    body += "]}";
  }
  res.set_header("Content-Disposition", "attachment; filename=\"" + file_name + ".zip\"");
  Reply(req, res, 200, ZipOneFile(file_name + ".json", body), "application/zip");
}

void FakePlatform::Repositories(const Req& req, Res& res) {
  std::string type = req.has_param("type") ? Upper(req.get_param_value("type")) : "";
  json list = json::array();
  std::lock_guard lock(mu_);
  for (const auto& r : repositories_) {
    if (!type.empty() && Upper(r.type) != type) continue;
    list.push_back({{"key", r.key},
                    {"type", Upper(r.type)},
                    {"description", ""},
                    {"url", "http://127.0.0.1/artifactory/" + r.key},
                    {"packageType", r.package_type}});
  }
  res.set_content(list.dump(), kJson);
}

void FakePlatform::Install(httplib::Server& server) {
  server.set_pre_routing_handler([this](const Req& req, Res& res) { return PreRoute(req, res); });
  server.Post("/__fake/config", [this](const Req& req, Res& res) {
    auto error = Configure(json::parse(req.body, nullptr, false));
    res.status = error.empty() ? 200 : 400;
    res.set_content(error.empty() ? "{}" : XrayError(error), kJson);
  });
  server.Get("/__fake/state", [this](const Req&, Res& res) { State(res); });
  server.Get("/xray/api/v1/system/ping",
             [this](const Req& req, Res& res) { Reply(req, res, 200, R"({"status":"pong"})"); });
  server.Get("/xray/api/v1/system/version", [this](const Req& req, Res& res) {
    std::string version;
    {
      std::lock_guard lock(mu_);
      version = xray_version_;
    }
    Reply(req, res, 200, json{{"xray_version", version}, {"xray_revision", "abc1234"}}.dump());
  });
  server.Get("/artifactory/api/system/ping",
             [this](const Req& req, Res& res) { Reply(req, res, 200, "OK", "text/plain"); });
  server.Get("/artifactory/api/repositories",
             [this](const Req& req, Res& res) { Repositories(req, res); });
  server.Get(R"(/artifactory/api/repositories/([^/]+))", [this](const Req& req, Res& res) {
    std::lock_guard lock(mu_);
    auto it = std::ranges::find(repositories_, std::string(req.matches[1]), &FakeRepository::key);
    if (it == repositories_.end()) {
      res.status = 400;
      return res.set_content(
          json{{"errors", json::array({{{"status", 400}, {"message", "Bad Request"}}})}}.dump(),
          kJson);
    }
    res.set_content(json{{"key", it->key},
                         {"rclass", it->type},
                         {"packageType", it->package_type},
                         {"xrayIndex", it->indexed}}
                        .dump(),
                    kJson);
  });
  server.Get(R"(/xray/api/v1/binMgr/([^/]+)/repos)", [this](const Req&, Res& res) {
    std::lock_guard lock(mu_);
    json indexed = json::array(), other = json::array();
    for (const auto& r : repositories_) {
      if (r.type == "virtual") continue;
      (r.indexed ? indexed : other)
          .push_back({{"name", r.key}, {"type", r.type}, {"pkg_type", r.package_type}});
    }
    res.set_content(
        json{{"bin_mgr_id", "default"}, {"indexed_repos", indexed}, {"non_indexed_repos", other}}
            .dump(),
        kJson);
  });
  server.Post("/xray/api/v1/reports/vulnerabilities",
              [this](const Req& req, Res& res) { CreateReport(req, res); });
  server.Post(R"(/xray/api/v1/reports/vulnerabilities/(\d+))",
              [this](const Req& req, Res& res) { ReportContent(req, res); });
  server.Get(R"(/xray/api/v1/reports/export/(\d+))",
             [this](const Req& req, Res& res) { ExportReport(req, res); });
  server.Get(R"(/xray/api/v1/reports/(\d+))", [this](const Req& req, Res& res) {
    std::lock_guard lock(mu_);
    auto it = reports_.find(std::stoi(req.matches[1]));
    res.status = it == reports_.end() ? 404 : 200;
    res.set_content(
        it == reports_.end() ? XrayError("Report not found") : ReportJson(it->second).dump(),
        kJson);
  });
  server.Delete(R"(/xray/api/v1/reports/(\d+))", [this](const Req& req, Res& res) {
    std::lock_guard lock(mu_);
    int id = std::stoi(req.matches[1]);
    if (reports_.erase(id) == 0) {
      res.status = 404;
      return res.set_content(XrayError("failed to get report details"), kJson);
    }
    deleted_.push_back(id);
    res.set_content(R"({"info":"report deleted successfully"})", kJson);
  });
  server.Post("/xray/api/v1/reports", [this](const Req&, Res& res) {
    std::lock_guard lock(mu_);
    json reports = json::array();
    for (const auto& [id, report] : reports_) reports.push_back(ReportJson(report));
    res.set_content(json{{"total_reports", reports.size()}, {"reports", reports}}.dump(), kJson);
  });
}

}  // namespace bulwark::fakes
