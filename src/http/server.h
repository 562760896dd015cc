// Server: Bulwark's HTTP server (cpp-httplib). Every request gets an X-Request-Id, one log line
// (method, path without query, status, duration, request id; never headers or bodies) and
// Prometheus metrics. Request bodies are bounded by ApiContext::max_upload_bytes (413) and callers
// by ApiContext's rate limit (429). Serves /healthz, /readyz, /metrics and the route groups of
// routes.h.
//
// Lifecycle: Bind(), then Run() on one thread until Stop() is called from another (e.g. a
// signal thread); Stop() stops accepting and Run() returns once in-flight requests finished.
#pragma once

#include <httplib.h>

#include <atomic>
#include <memory>
#include <string>

#include "http/api_context.h"
#include "http/rate_limiter.h"
#include "jobs/job_metrics.h"

namespace prometheus {
class Registry;
}

namespace bulwark::http {

class PrometheusJobMetrics;

class Server {
 public:
  explicit Server(ApiContext& ctx);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds host:port (port 0 = a free port) and returns the bound port. kUnavailable naming the
  // address when it is in use or not permitted.
  core::Result<int> Bind(const std::string& host, int port);
  // Serves until Stop(); kInternal if the listen loop fails.
  core::Status Run();
  // Thread-safe; idempotent.
  void Stop();

  // Where background jobs report durations and delivery failures for /metrics (the scrape also
  // reads the queue backlogs). Lives as long as the server; thread-safe.
  jobs::JobMetrics& job_metrics();

 private:
  struct Metrics;
  void InstallMiddleware();
  // 429 with Retry-After when the caller of `req` is over the rate limit; true when answered.
  bool RefusedByRateLimit(const httplib::Request& req, httplib::Response& res);
  void RegisterOperationalRoutes();

  ApiContext& ctx_;
  httplib::Server svr_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<Metrics> metrics_;
  RateLimiter rate_limiter_;
  std::unique_ptr<PrometheusJobMetrics> job_metrics_;
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> run_started_{false};
  std::atomic<bool> run_finished_{false};
};

}  // namespace bulwark::http
