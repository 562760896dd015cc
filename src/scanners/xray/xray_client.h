// XrayClient: the JFrog Xray SCA scanner adapter. Talks to a JFrog Platform (Xray + Artifactory
// REST APIs, specs/xray-api.md) through HttpTransport only: connection test, repository list
// for the scanner form, and API-based scans through the Xray Reports API
// (preflight -> create report -> poll -> page content -> delete report, in every outcome).
//
// Thread safety: TestConnection and ListRepositories may be called concurrently; RunApiScan uses
// its own worker threads for paging and may run concurrently with other calls.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "scanners/scanner_adapter.h"
#include "scanners/xray/backoff.h"

namespace bulwark::scanners::xray {

inline constexpr std::string_view kToolName = "jfrogxraysca";

inline constexpr std::string_view kHintUnreachable =
    "check network connectivity and firewall rules";
inline constexpr std::string_view kHintTls =
    "enable Insecure if the instance uses a self-signed certificate";
inline constexpr std::string_view kHintUnauthorized = "token invalid or expired; regenerate it";
inline constexpr std::string_view kHintForbidden =
    "the token needs Xray: Read and Xray: Manage Reports";
inline constexpr std::string_view kHintEmptyReport =
    "no vulnerabilities reported \u2014 check that the repository is indexed and that the "
    "artifacts are scanned";

struct XrayOptions {
  RetryPolicy retry;
  JitterSource jitter;  // DefaultJitter() when empty
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds request_timeout{60'000};
  std::chrono::milliseconds test_timeout{10'000};  // each call of the connection test
  // Content pages fetched at once (>= 1). 8 keeps a 100-page report at 20 ms per request more
  // than 3x faster than one page at a time (bench/xray_scan) at 8 open requests to the platform.
  int page_concurrency = 8;
  int page_size = 1000;  // rows per content page (>= 1)
  std::chrono::milliseconds poll_initial{500};
  std::chrono::milliseconds poll_max{5'000};
  std::chrono::milliseconds report_timeout{std::chrono::minutes(30)};  // generation + paging
  std::chrono::milliseconds repository_cache_ttl{60'000};
  int malformed_page_attempts = 3;  // a page that is not a JSON object is fetched again
  std::string bin_mgr_id = "default";
};

// One HTTP call to the platform, path relative to the platform root ("/xray/api/v1/...").
struct XrayCall {
  std::string method;
  std::string path = {};  // with query
  std::string body = {};
  bool retry = true;  // retry 429/5xx and transport failures per RetryPolicy
  // Retry time-outs and dropped connections too (safe for idempotent calls only).
  bool retry_after_send = true;
  std::chrono::milliseconds timeout{0};  // 0 = options.request_timeout
  const std::atomic<bool>* cancel = nullptr;
};

class XrayClient final : public ScannerAdapter {
 public:
  XrayClient(IntegrationSettings settings, ScannerDeps deps, XrayOptions options = {});

  std::string_view Tool() const override { return kToolName; }
  ConnectionTestResult TestConnection() override;
  core::Result<std::vector<Repository>> ListRepositories(std::string_view query) override;
  core::Result<ScanOutcome> RunApiScan(const ScanTarget& target, const PageSink& sink,
                                       const ScanControl& control) override;

  // The platform root calls are made against, or the URL error.
  const core::Result<std::string>& base_url() const { return base_url_; }

  // Sends with retries; returns the final response of any status, or an error naming the call
  // ("xray: POST /xray/api/v1/reports/vulnerabilities/17?page_num=3 returned 503 after 5
  // attempts") when retries ran out, the call was canceled, or the transport failed for good.
  core::Result<env::HttpResponse> Send(const XrayCall& call);

 private:
  env::HttpRequest MakeRequest(const XrayCall& call) const;
  bool SleepUnlessCanceled(std::chrono::milliseconds d, const std::atomic<bool>* cancel);
  core::Result<std::vector<Repository>> FetchRepositories();

  // Report lifecycle steps (report_scan.cc).
  core::Status Preflight(const std::string& repo, const std::atomic<bool>* cancel);
  core::Result<std::string> CreateReport(const ScanTarget& target, const std::atomic<bool>* cancel);
  core::Result<std::optional<std::int64_t>> WaitForReport(const std::string& id,
                                                          const ScanControl& control,
                                                          env::TimePoint deadline);
  core::Status FetchAllPages(const std::string& id, std::optional<std::int64_t> total_rows,
                             const PageSink& sink, const ScanControl& control,
                             env::TimePoint deadline, ScanOutcome& outcome);
  core::Status FetchPageRange(const std::string& id, int first, int last, const PageSink& sink,
                              const ScanControl& control, env::TimePoint deadline,
                              ScanOutcome& outcome);
  core::Result<std::string> FetchPage(const std::string& id, int page,
                                      const std::atomic<bool>* cancel);
  bool DeleteReport(const std::string& id);

  IntegrationSettings settings_;
  ScannerDeps deps_;
  XrayOptions options_;
  core::Result<std::string> base_url_;

  std::mutex cache_mu_;
  std::optional<env::TimePoint> cache_time_;  // guarded by cache_mu_
  std::vector<Repository> cache_;             // guarded by cache_mu_
};

// Maps a final non-2xx response to an error with a code telling the caller what to do, the
// server's message, and the hint for 401/403. Returns the response unchanged when 2xx.
core::Result<env::HttpResponse> Expect2xx(core::Result<env::HttpResponse> response,
                                          std::string_view what);

// The display text of a JFrog error body: {"error":"..."} (Xray) or {"errors":[{"message"}]}
// (Artifactory); the raw body (truncated) otherwise.
std::string ServerMessage(std::string_view body);

// Cheap structural check of a content page: a JSON object mentioning "rows". The body itself
// is parsed by the ingest reader, not here.
bool LooksLikeContentPage(std::string_view body);

// The top-level "total_rows" of a content page found by a cheap scan; nullopt if absent.
std::optional<std::int64_t> ScanTotalRows(std::string_view body);

std::unique_ptr<ScannerAdapter> MakeXrayAdapter(const IntegrationSettings& settings,
                                                ScannerDeps deps, XrayOptions options = {});

}  // namespace bulwark::scanners::xray
