// ApiContext: what route groups need from the rest of the server. A route group is a file
// `<group>_routes.cc` defining `void Register<Group>Routes(httplib::Server&, ApiContext&)`,
// declared in routes.h and called from Server's constructor; it protects its handlers with
// auth.h's Authorized(ctx, min_role, handler).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>

#include "env/clock.h"
#include "env/crypto.h"
#include "env/http_transport.h"
#include "ingest/ingest.h"
#include "jobs/ssrf_guard.h"
#include "scanners/registry.h"
#include "storage/store.h"

namespace bulwark::http {

class TokenUseRecorder;

struct ApiContext {
  storage::Store& store;
  env::Clock& clock;
  // Uploads are stored under data_dir/uploads; larger ones are refused with 413. No request body
  // may be larger than this (plus a little for multipart framing).
  std::filesystem::path data_dir = {};
  std::uint64_t max_upload_bytes = std::uint64_t{1} << 30;
  // Nesting depth and string length of JSON request bodies (400) and imported files (422).
  ingest::JsonLimits json_limits = {};
  // Findings one imported file may hold (422 beyond).
  std::uint64_t max_import_rows = 1'000'000;
  // Requests per second and burst per API token, session or (without credentials) client
  // address; 0 requests per second = no limit. /healthz and /readyz are never limited.
  double rate_limit_per_second = 0;
  double rate_limit_burst = 0;

  // The parse options of an imported file under the limits above.
  ingest::ParseOptions ImportOptions() const {
    ingest::ParseOptions options;
    options.json_limits = json_limits;
    options.max_rows = max_import_rows;
    return options;
  }
  // Nice value (env/thread_priority.h) of CPU work done for a request in the background's
  // stead, such as checking an uploaded file: 0 = the request's own priority.
  int job_nice = 0;
  // Where authentication notes an API token's use (token_use.h); null = written by the request
  // itself.
  TokenUseRecorder* token_use = nullptr;
  // Tells the scan workers a scan was queued or canceled (empty = nobody to tell).
  std::function<void()> wake_scan_workers = {};
  // Seals integration access tokens and webhook secrets at rest. Routes that store secrets
  // answer 503 while it is absent.
  const env::SecretKey* secret_key = nullptr;
  // The transport scanner adapters talk through (the server's libcurl transport) and the
  // registry they are created from. Integration routes answer 503 while either is absent.
  env::HttpTransport* transport = nullptr;
  const scanners::ScannerRegistry* scanners = nullptr;
  // SSRF rules a webhook URL is checked against where it enters.
  jobs::SsrfPolicy webhook_policy = {};
};

}  // namespace bulwark::http
