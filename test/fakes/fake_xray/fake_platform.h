// FakePlatform: the state and routes of a fake JFrog Platform (Xray + Artifactory) speaking the
// endpoints of specs/xray-api.md section 7, with fault switches. Configured at start or through
// POST /__fake/config; inspected through GET /__fake/state. Thread-safe: one instance serves
// the HTTP and HTTPS listeners at once.
#pragma once

#include <httplib.h>

#include <chrono>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace bulwark::fakes {

// JSON bodies carry a charset: cpp-httplib then leaves them uncompressed, so the fake (not the
// client) never becomes the bottleneck of a benchmark.
inline constexpr const char* kJson = "application/json; charset=utf-8";

struct FakeToken {
  bool manage_reports = true;
  bool admin = false;               // may read binMgr (indexed repository list)
  int expires_after_requests = -1;  // authenticated requests accepted before 401; -1 = never
  int used = 0;
};

struct FakeRepository {
  std::string key;
  std::string type = "local";  // local, remote, virtual, federated
  std::string package_type = "npm";
  bool indexed = true;
};

// One injected fault; matches requests whose method (empty = any), path and query contain the
// given strings. `count` is how many more times it fires (-1 = always).
struct FakeFault {
  std::string kind;  // status | drop | malformed | latency
  std::string method;
  std::string path;
  std::string query;
  int status = 503;
  std::string retry_after;
  int ms = 0;
  int count = -1;
};

struct FakeReport {
  int id = 0;
  std::string name;
  std::string repository;
  std::chrono::steady_clock::time_point created;
  std::size_t rows = 0;
};

class FakePlatform {
 public:
  FakePlatform();
  // Applies a configuration object (see README.md); only the keys present change.
  // Returns an error text, empty on success.
  std::string Configure(const nlohmann::json& config);
  void Install(httplib::Server& server);

 private:
  using Req = httplib::Request;
  using Res = httplib::Response;
  httplib::Server::HandlerResponse PreRoute(const Req& req, Res& res);
  bool Authorize(const Req& req, Res& res, bool xray);
  void Reply(const Req& req, Res& res, int status, std::string body, const char* type = kJson);
  nlohmann::json ReportJson(const FakeReport& report) const;  // mu_ held
  void CreateReport(const Req& req, Res& res);
  void ReportContent(const Req& req, Res& res);
  void ExportReport(const Req& req, Res& res);
  void State(Res& res);
  void Repositories(const Req& req, Res& res);

  std::mutex mu_;
  std::map<std::string, FakeToken> tokens_;   // guarded by mu_
  std::vector<FakeRepository> repositories_;  // guarded by mu_
  std::vector<std::string> rows_;             // guarded by mu_; serialised dataset rows
  std::vector<FakeFault> faults_;             // guarded by mu_
  std::map<int, FakeReport> reports_;         // guarded by mu_
  std::vector<int> deleted_;                  // guarded by mu_
  int next_report_id_ = 1;                    // guarded by mu_
  int created_ = 0;                           // guarded by mu_
  long requests_ = 0;                         // guarded by mu_
  long content_requests_ = 0;                 // guarded by mu_
  int latency_ms_ = 0;                        // guarded by mu_
  int report_duration_ms_ = 300;              // guarded by mu_
  std::string report_failure_;                // guarded by mu_; non-empty: reports fail
  bool suspended_ = false;                    // guarded by mu_
  bool xray_installed_ = true;                // guarded by mu_
  std::string xray_version_ = "3.107.8";      // guarded by mu_
};

// Deterministic synthetic vulnerability rows (the shape of a real report row).
std::vector<std::string> GenerateRows(std::size_t count, unsigned seed);

}  // namespace bulwark::fakes
