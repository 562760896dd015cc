#include "http/server.h"

#include <fmt/format.h>
#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <random>
#include <thread>

#include "env/crypto.h"
#include "http/audit.h"
#include "http/auth.h"
#include "http/errors.h"
#include "http/job_metrics.h"
#include "http/routes.h"

namespace bulwark::http {
namespace {

using Steady = std::chrono::steady_clock;

// httplib handles one request at a time per thread, from pre-routing to logger.
thread_local Steady::time_point request_start;

std::string NewRequestId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return fmt::format("{:016x}", rng());
}

// Bodies a little over the upload limit are allowed for the multipart framing around the file.
constexpr std::uint64_t kMultipartAllowance = 64 * 1024;
// Threads serving connections at once (see the constructor).
constexpr std::size_t kHttpThreads = 64;

// Who a request comes from, for the rate limit: a hash of the credential it carries (never the
// credential itself), else its client address.
std::string CallerOf(const httplib::Request& req) {
  for (const char* header : {"Authorization", "X-Cookie", "X-Auth"}) {
    if (req.has_header(header)) {
      return std::string("credential:") + env::HashToken(req.get_header_value(header));
    }
  }
  if (auto cookie = CookieValue(req, kSessionCookie); cookie && !cookie->empty()) {
    return "session:" + env::HashToken(*cookie);
  }
  return "address:" + req.remote_addr;
}

// A client-supplied id is kept when it is short and plain, so logs can be correlated.
bool AcceptableRequestId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) {
      return false;
    }
  }
  return true;
}

}  // namespace

struct Server::Metrics {
  explicit Metrics(prometheus::Registry& registry)
      : requests(prometheus::BuildCounter()
                     .Name("bulwark_http_requests_total")
                     .Help("HTTP requests served, by method and status")
                     .Register(registry)),
        duration(prometheus::BuildHistogram()
                     .Name("bulwark_http_request_duration_seconds")
                     .Help("HTTP request duration in seconds, by method")
                     .Register(registry)) {}
  prometheus::Family<prometheus::Counter>& requests;
  prometheus::Family<prometheus::Histogram>& duration;
};

Server::Server(ApiContext& ctx)
    : ctx_(ctx),
      registry_(std::make_shared<prometheus::Registry>()),
      metrics_(std::make_unique<Metrics>(*registry_)),
      rate_limiter_(ctx.clock, ctx.rate_limit_per_second, ctx.rate_limit_burst),
      job_metrics_(std::make_unique<PrometheusJobMetrics>(*registry_)) {
  // httplib's default also sets SO_REUSEPORT, which would let a second server share a port that
  // is in use; keep only SO_REUSEADDR so "address in use" is reported.
  svr_.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  svr_.set_keep_alive_timeout(2);
  // httplib serves a kept-alive connection on one pool thread until it has been idle for the
  // keep-alive timeout, and its default pool on 2 cores is 8 threads: a 9th client (a browser
  // tab, a kdt poller, an import beside 8 readers) would wait up to 2 s for a thread. Idle
  // threads cost no CPU, so the pool is sized for connections, not cores.
  svr_.new_task_queue = [] { return new httplib::ThreadPool(kHttpThreads); };
  // httplib closes a kept-alive connection after 5 requests by default; a client that polls or
  // pages then pays a new connection every few requests.
  svr_.set_keep_alive_max_count(100);
  // Headers and body leave in separate writes: without TCP_NODELAY, Nagle's algorithm holds the
  // body until the client's delayed ACK, about 40 ms per kept-alive request.
  svr_.set_tcp_nodelay(true);
  svr_.set_read_timeout(10);
  svr_.set_payload_max_length(static_cast<std::size_t>(ctx.max_upload_bytes + kMultipartAllowance));
  InstallMiddleware();
  RegisterOperationalRoutes();
  RegisterMeRoutes(svr_, ctx_);
  RegisterScanRoutes(svr_, ctx_);
  RegisterImportRoutes(svr_, ctx_);
  RegisterFindingRoutes(svr_, ctx_);
  RegisterDiffRoutes(svr_, ctx_);
  RegisterReleaseRoutes(svr_, ctx_);
  RegisterIntegrationRoutes(svr_, ctx_);
  RegisterProjectRoutes(svr_, ctx_);
  RegisterScannerRoutes(svr_, ctx_);
  RegisterWebhookRoutes(svr_, ctx_);
  RegisterUserRoutes(svr_, ctx_);
  RegisterAuditRoutes(svr_, ctx_);
  RegisterKdtRoutes(svr_, ctx_);
  RegisterOpenApiRoutes(svr_, ctx_);
  RegisterStaticRoutes(svr_, ctx_);  // last: it answers every other GET
}

Server::~Server() { Stop(); }

jobs::JobMetrics& Server::job_metrics() { return *job_metrics_; }

void Server::InstallMiddleware() {
  svr_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    request_start = Steady::now();
    std::string id = req.get_header_value("X-Request-Id");
    res.set_header("X-Request-Id", AcceptableRequestId(id) ? id : NewRequestId());
    res.set_header("X-Content-Type-Options", "nosniff");
    return RefusedByRateLimit(req, res) ? httplib::Server::HandlerResponse::Handled
                                        : httplib::Server::HandlerResponse::Unhandled;
  });
  svr_.set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        core::ErrorCode code =
            res.status == 404 ? core::ErrorCode::kNotFound : core::ErrorCode::kInvalidArgument;
        std::string message = res.status == 404
                                  ? fmt::format("no route for {} {}", req.method, req.path)
                                  : fmt::format("request failed with HTTP {}", res.status);
        if (res.status == 413) {
          code = core::ErrorCode::kTooLarge;
          message = fmt::format(
              "request body: larger than the limit of {} bytes (setting max_upload_bytes, "
              "BULWARK_MAX_UPLOAD_BYTES)",
              ctx_.max_upload_bytes + kMultipartAllowance);
        }
        const int status = res.status;
        WriteError(res, core::Error{code, message});
        res.status = status;
        return httplib::Server::HandlerResponse::Handled;
      }));
  svr_.set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown exception";
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        spdlog::error("request_failed method={} path={} request_id={} error=\"{}\"", req.method,
                      req.path, res.get_header_value("X-Request-Id"), what);
        WriteError(res, core::Error{core::ErrorCode::kInternal,
                                    "internal error; see the server log for this request id"});
      });
  svr_.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
    const double seconds = std::chrono::duration<double>(Steady::now() - request_start).count();
    metrics_->requests.Add({{"method", req.method}, {"status", std::to_string(res.status)}})
        .Increment();
    metrics_->duration
        .Add({{"method", req.method}},
             prometheus::Histogram::BucketBoundaries{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                                                     2.5, 5, 10})
        .Observe(seconds);
    spdlog::info("request method={} path={} status={} duration_ms={:.2f} request_id={}", req.method,
                 req.path, res.status, seconds * 1000, res.get_header_value("X-Request-Id"));
  });
}

bool Server::RefusedByRateLimit(const httplib::Request& req, httplib::Response& res) {
  if (!rate_limiter_.enabled() || req.path == "/healthz" || req.path == "/readyz") return false;
  const int wait = rate_limiter_.Take(CallerOf(req));
  if (wait == 0) return false;
  res.set_header("Retry-After", std::to_string(wait));
  WriteJson(res, 429,
            {{"code", "too_many_requests"},
             {"message", fmt::format("rate limit of {} requests per second (burst {}) exceeded "
                                     "for this caller; retry after {} s (settings rate_limit, "
                                     "rate_limit_burst)",
                                     rate_limiter_.per_second(), rate_limiter_.burst(), wait)},
             {"request_id", res.get_header_value("X-Request-Id")}});
  return true;
}

void Server::RegisterOperationalRoutes() {
  svr_.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    WriteJson(res, 200, {{"status", "ok"}});
  });
  svr_.Get("/readyz", [this](const httplib::Request&, httplib::Response& res) {
    auto ready = ctx_.store.CheckReady();
    if (!ready) {
      return WriteError(res, core::Error{core::ErrorCode::kUnavailable,
                                         "database not ready: " + ready.error().message});
    }
    WriteJson(res, 200,
              {{"status", "ready"},
               {"database", std::string(ctx_.store.Backend())},
               {"schema_version", ready->applied_version}});
  });
  svr_.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    job_metrics_->RefreshBacklog(ctx_.store, ctx_.clock.Now());
    prometheus::TextSerializer serializer;
    res.set_content(serializer.Serialize(registry_->Collect()),
                    "text/plain; version=0.0.4; charset=utf-8");
  });
}

core::Result<int> Server::Bind(const std::string& host, int port) {
  const int bound =
      port == 0 ? svr_.bind_to_any_port(host) : (svr_.bind_to_port(host, port) ? port : -1);
  if (bound <= 0) {
    return core::Fail(core::ErrorCode::kUnavailable,
                      fmt::format("cannot listen on {}:{}: the address is in use, not local, or "
                                  "not permitted",
                                  host, port));
  }
  return bound;
}

core::Status Server::Run() {
  run_started_ = true;
  if (stop_requested_) {
    // Stopped before the loop began; Stop() waits on run_finished_, so it must be set here too.
    run_finished_ = true;
    return core::Ok();
  }
  const bool listened = svr_.listen_after_bind();
  run_finished_ = true;
  if (!listened) {
    return core::Fail(core::ErrorCode::kInternal, "the HTTP listen loop failed");
  }
  return core::Ok();
}

void Server::Stop() {
  stop_requested_ = true;
  // A stop that arrives between Run()'s start and httplib entering its accept loop would be lost
  // (httplib ignores stop() until then): wait the few instants until the loop runs.
  while (run_started_ && !run_finished_ && !svr_.is_running()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  svr_.stop();
}

}  // namespace bulwark::http
