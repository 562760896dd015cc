// ScannerAdapter: what Bulwark needs from a scanner integration that it can drive over the
// network (connection test, repository selector, API-based scan). One folder per scanner
// (scanners/xray/, ...); each is added to the registry by RegisterBuiltinScanners.
//
// Adapters are created per integration settings, are thread-compatible (one scan per call), and
// read the network and time only through the HttpTransport and Clock given to them.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "env/clock.h"
#include "env/http_transport.h"

namespace bulwark::scanners {

// The stored (or unsaved) settings of an integration. `access_token` is a secret: never log it.
struct IntegrationSettings {
  bool api_enabled = true;
  std::string url = {};
  std::string access_token = {};
  bool insecure = false;
};

// Answer of "Test Connection". `code` is one of: ok, api_disabled, unreachable, tls,
// unauthorized, forbidden, not_xray, suspended.
struct ConnectionTestResult {
  bool ok = false;
  std::string code;
  std::string message;
  std::optional<std::string> xray_version;
};

struct Repository {
  std::string key;
  std::string type;             // local, remote, virtual, federated (lower case)
  std::string package_type;     // as the platform spells it (Maven, npm, Docker...)
  std::optional<bool> indexed;  // unknown when the token may not read the indexed list
  bool scannable = true;        // false for virtual repositories
};

// What an API-based scan covers and how it is named on the remote side.
struct ScanTarget {
  std::string project_name = {};
  std::string scan_id = {};
  std::string repository_key = {};
  std::vector<std::string> include_path_patterns = {};
  std::vector<std::string> exclude_path_patterns = {};
};

// Receives each page of report content exactly once, in page order (1-based), as the raw body.
// Returning an error stops the scan (the remote report is still deleted).
using PageSink = std::function<core::Status(int page_num, std::string body)>;

// Progress of the remote work, 0-100, with a short phase name ("generating", "retrieving").
using ProgressCallback = std::function<void(int percent, std::string_view phase)>;

struct ScanControl {
  const std::atomic<bool>* cancel = nullptr;  // set to true to stop; the call returns kCanceled
  ProgressCallback progress = {};             // optional
};

struct ScanOutcome {
  std::string report_id;
  std::int64_t total_rows = 0;
  int pages = 0;
  bool report_deleted = false;
  std::optional<std::string> hint;  // e.g. why a report came back empty
};

class ScannerAdapter {
 public:
  virtual ~ScannerAdapter() = default;
  virtual std::string_view Tool() const = 0;
  virtual ConnectionTestResult TestConnection() = 0;
  // Repositories whose key contains `query` (case-insensitive); all when empty.
  virtual core::Result<std::vector<Repository>> ListRepositories(std::string_view query) = 0;
  virtual core::Result<ScanOutcome> RunApiScan(const ScanTarget& target, const PageSink& sink,
                                               const ScanControl& control) = 0;
};

// What an adapter may use from the world. Both outlive the adapter.
struct ScannerDeps {
  env::HttpTransport& transport;
  env::Clock& clock;
};

}  // namespace bulwark::scanners
