// API-based scan through the Xray Reports API: preflight -> create -> poll -> page -> delete.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "scanners/xray/xray_client.h"

namespace bulwark::scanners::xray {
namespace {

using core::ErrorCode;

// Report names allow letters, digits, '-', '_' and '.'; anything else becomes '-'.
std::string ReportName(const ScanTarget& target) {
  std::string name = fmt::format("bulwark-{}-scan-{}", target.project_name, target.scan_id);
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') c = '-';
  }
  return name.substr(0, 200);
}

std::optional<std::int64_t> IntField(const nlohmann::json& json, const char* key) {
  auto it = json.find(key);
  if (it == json.end() || !it->is_number()) return std::nullopt;
  return it->get<std::int64_t>();
}

}  // namespace

core::Status XrayClient::Preflight(const std::string& repo, const std::atomic<bool>* cancel) {
  const std::string path = "/artifactory/api/repositories/" + repo;
  auto response = Send({.method = "GET", .path = path, .cancel = cancel});
  if (response && (response->status == 404 || response->status == 400)) {
    return core::Fail(ErrorCode::kNotFound,
                      fmt::format("xray: repository '{}' does not exist in Artifactory; check the "
                                  "Repository Key of the scanner",
                                  repo));
  }
  auto config = Expect2xx(std::move(response), "xray: GET " + path);
  if (!config) return std::unexpected(config.error());
  auto json = nlohmann::json::parse(config->body, nullptr, false);
  if (!json.is_object()) {
    return core::Fail(ErrorCode::kDataLoss, "xray: GET " + path + " did not return a JSON object");
  }
  std::string rclass = json.value("rclass", "");
  if (rclass == "virtual" || rclass == "VIRTUAL") {
    return core::Fail(ErrorCode::kInvalidArgument,
                      fmt::format("xray: repository '{}' is virtual and holds no artifacts; choose "
                                  "a local, remote or federated repository",
                                  repo));
  }
  std::optional<bool> indexed;
  if (json.contains("xrayIndex") && json["xrayIndex"].is_boolean()) indexed = json["xrayIndex"];
  const std::string bin_path = fmt::format("/xray/api/v1/binMgr/{}/repos", options_.bin_mgr_id);
  auto bin = Send({.method = "GET", .path = bin_path, .cancel = cancel});
  if (bin && bin->status == 200) {
    auto bin_json = nlohmann::json::parse(bin->body, nullptr, false);
    if (bin_json.is_object() && bin_json.contains("indexed_repos")) {
      indexed = false;
      for (const auto& entry : bin_json["indexed_repos"]) {
        if (entry.is_object() && entry.value("name", "") == repo) indexed = true;
      }
    }
  }
  if (indexed == false) {
    return core::Fail(ErrorCode::kInvalidArgument,
                      fmt::format("xray: repository '{}' is not indexed by Xray, so its report "
                                  "would be empty; add it to Xray's indexed resources and let Xray "
                                  "scan its artifacts",
                                  repo));
  }
  return core::Ok();
}

core::Result<std::string> XrayClient::CreateReport(const ScanTarget& target,
                                                   const std::atomic<bool>* cancel) {
  nlohmann::json repository = {{"name", target.repository_key}};
  if (!target.include_path_patterns.empty()) {
    repository["include_path_patterns"] = target.include_path_patterns;
  }
  if (!target.exclude_path_patterns.empty()) {
    repository["exclude_path_patterns"] = target.exclude_path_patterns;
  }
  nlohmann::json body = {{"name", ReportName(target)},
                         {"resources", {{"repositories", nlohmann::json::array({repository})}}},
                         {"filters", nlohmann::json::object()}};
  const std::string path = "/xray/api/v1/reports/vulnerabilities";
  // Not idempotent: a time-out or dropped connection may have created a report already.
  auto response = Expect2xx(Send({.method = "POST",
                                  .path = path,
                                  .body = body.dump(),
                                  .retry_after_send = false,
                                  .cancel = cancel}),
                            "xray: POST " + path);
  if (!response) return std::unexpected(response.error());
  auto json = nlohmann::json::parse(response->body, nullptr, false);
  if (json.is_object() && json.contains("report_id")) {
    const auto& id = json["report_id"];
    if (id.is_number_integer()) return std::to_string(id.get<std::int64_t>());
    if (id.is_string()) return id.get<std::string>();
  }
  return core::Fail(ErrorCode::kDataLoss, fmt::format("xray: POST {} returned no report_id ({})",
                                                      path, ServerMessage(response->body)));
}

core::Result<std::optional<std::int64_t>> XrayClient::WaitForReport(const std::string& id,
                                                                    const ScanControl& control,
                                                                    env::TimePoint deadline) {
  const std::string path = "/xray/api/v1/reports/" + id;
  auto interval = options_.poll_initial;
  int not_found = 0;
  std::string last_status = "pending";
  while (true) {
    auto response = Send({.method = "GET", .path = path, .cancel = control.cancel});
    if (response && response->status == 404 && ++not_found <= 3) {
      // Just created: some Xray versions answer 404 for a moment.
    } else {
      auto ok = Expect2xx(std::move(response), "xray: GET " + path);
      if (!ok) return std::unexpected(ok.error());
      auto json = nlohmann::json::parse(ok->body, nullptr, false);
      if (!json.is_object()) {
        return core::Fail(ErrorCode::kDataLoss, "xray: GET " + path + " did not return an object");
      }
      last_status = json.value("status", "");
      int progress = static_cast<int>(IntField(json, "progress").value_or(0));
      if (last_status == "completed") {
        if (control.progress) control.progress(100, "generating");
        return IntField(json, "number_of_rows");
      }
      if (last_status == "failed" || last_status == "aborted") {
        return core::Fail(ErrorCode::kUnavailable,
                          fmt::format("xray: report {} {}: {}", id, last_status,
                                      json.value("error", std::string("no reason given"))));
      }
      if (control.progress) control.progress(std::clamp(progress, 0, 99), "generating");
    }
    if (deps_.clock.Now() + interval > deadline) {
      return core::Fail(
          ErrorCode::kDeadlineExceeded,
          fmt::format(
              "xray: report {} was still {} when the scan time limit of {} s "
              "ran out",
              id, last_status,
              std::chrono::duration_cast<std::chrono::seconds>(options_.report_timeout).count()));
    }
    if (!SleepUnlessCanceled(interval, control.cancel)) {
      return core::Fail(ErrorCode::kCanceled, fmt::format("xray: scan canceled (report {})", id));
    }
    interval = std::min(interval * 3 / 2, options_.poll_max);
  }
}

core::Result<std::string> XrayClient::FetchPage(const std::string& id, int page,
                                                const std::atomic<bool>* cancel) {
  const std::string path = fmt::format(
      "/xray/api/v1/reports/vulnerabilities/{}?direction=asc&page_num={}&num_of_rows={}&order_by="
      "severity",
      id, page, options_.page_size);
  for (int attempt = 1;; ++attempt) {
    auto response =
        Expect2xx(Send({.method = "POST", .path = path, .cancel = cancel}), "xray: POST " + path);
    if (!response) return std::unexpected(response.error());
    if (LooksLikeContentPage(response->body)) return std::move(response->body);
    if (attempt >= options_.malformed_page_attempts) {
      return core::Fail(ErrorCode::kDataLoss,
                        fmt::format("xray: POST {} returned a malformed page ({} bytes, not a JSON "
                                    "object with rows) after {} attempts",
                                    path, response->body.size(), attempt));
    }
  }
}

core::Status XrayClient::FetchAllPages(const std::string& id,
                                       std::optional<std::int64_t> total_rows, const PageSink& sink,
                                       const ScanControl& control, env::TimePoint deadline,
                                       ScanOutcome& outcome) {
  int first = 1;
  if (!total_rows) {  // older Xray: learn the row count from the first page
    auto page = FetchPage(id, 1, control.cancel);
    if (!page) return std::unexpected(page.error());
    total_rows = ScanTotalRows(*page).value_or(0);
    outcome.total_rows = *total_rows;
    outcome.pages = 1;
    if (auto status = sink(1, std::move(*page)); !status) return status;
    first = 2;
  }
  outcome.total_rows = *total_rows;
  if (*total_rows == 0) outcome.hint = std::string(kHintEmptyReport);
  int last = static_cast<int>(
      std::max<std::int64_t>(1, (*total_rows + options_.page_size - 1) / options_.page_size));
  if (first > last) return core::Ok();
  return FetchPageRange(id, first, last, sink, control, deadline, outcome);
}

}  // namespace bulwark::scanners::xray
