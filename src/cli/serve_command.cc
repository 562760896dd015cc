// `bulwark serve`: opens the database, creates the first administrator on an empty database,
// serves HTTP until SIGTERM/SIGINT, then shuts down gracefully.
#include <fmt/format.h>
#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <iostream>
#include <thread>

#include "cli/background_jobs.h"
#include "cli/commands.h"
#include "cli/runtime.h"
#include "http/server.h"
#include "http/token_use.h"
#include "http/upload.h"
#include "http/upload_retention.h"
#include "jobs/scan_runner.h"
#include "scanners/registry.h"

namespace bulwark::cli {
namespace {

struct Credentials {
  std::string password;
  std::string token;
};

// On a database without users: an `admin` user and an admin API token, in one transaction.
std::optional<Credentials> BootstrapAdmin(storage::Store& store, env::Clock& clock) {
  auto count = store.Users().Count();
  if (!count) ExitWithError("database: " + count.error().message);
  if (*count > 0) return std::nullopt;
  Credentials creds{env::GeneratePassword(), env::GenerateApiToken()};
  auto hash = env::HashPassword(creds.password);
  if (!hash) ExitWithError(hash.error().message, 1);
  auto status = store.WithTransaction([&](storage::Repositories& repos) -> core::Status {
    auto user =
        repos.Users().Create(storage::User{0, "admin", *hash, storage::Role::kAdmin, clock.Now()});
    if (!user) return std::unexpected(user.error());
    storage::ApiToken token;
    token.name = "admin-initial";
    token.secret_hash = env::HashToken(creds.token);
    token.role = storage::Role::kAdmin;
    token.user_id = user->id;
    token.created_at = clock.Now();
    if (auto t = repos.Tokens().Create(token); !t) return std::unexpected(t.error());
    return core::Ok();
  });
  if (!status) ExitWithError("creating the first administrator: " + status.error().message, 1);
  return creds;
}

void PrintCredentials(const Credentials& creds, const std::string& url) {
  // Printed on stdout only, never logged.
  std::cout << "Bulwark first start: an administrator was created.\n"
            << "  URL:        " << url << "\n"
            << "  Username:   admin\n"
            << "  Password:   " << creds.password << "\n"
            << "  API token:  " << creds.token << "\n"
            << "These are shown only this once; keep them in a password manager.\n";
}

int Serve(const ConfigFlags& flags) {
  Config config = LoadConfigOrExit(flags);
  SetUpLogging(config);
  PrepareDataDirOrExit(config);
  const env::SecretKey secret_key = LoadSecretKeyOrExit(config);
  auto database = OpenStoreOrExit(config);
  // Uploads are deleted once their scans are final; what a previous run left is swept now.
  const auto uploads_dir = http::UploadsDir(config.data_dir);
  if (auto swept = http::SweepUploads(*database, uploads_dir); !swept) {
    spdlog::warn("uploads sweep: {}", swept.error().message);
  } else if (*swept > 0) {
    spdlog::info("uploads sweep removed={}", *swept);
  }
  auto store = http::WithUploadRetention(*database, uploads_dir);
  env::Clock& clock = env::Clock::System();
  scanners::ScannerRegistry registry;
  scanners::RegisterBuiltinScanners(registry);
  auto transport = env::MakeCurlTransport();
  http::ApiContext ctx{*store, clock};
  ctx.secret_key = &secret_key;
  ctx.transport = transport.get();
  ctx.scanners = &registry;
  ctx.data_dir = config.data_dir;
  ctx.max_upload_bytes = config.max_upload_bytes;
  ctx.json_limits.max_depth = static_cast<std::size_t>(config.max_json_depth);
  ctx.json_limits.max_string_bytes = static_cast<std::size_t>(config.max_json_string_bytes);
  ctx.max_import_rows = static_cast<std::uint64_t>(config.max_import_rows);
  ctx.rate_limit_per_second = config.rate_limit;
  ctx.rate_limit_burst = config.rate_limit_burst;
  ctx.job_nice = config.job_nice;
  ctx.webhook_policy.allow_private_networks = config.webhook_allow_private_networks;
  std::unique_ptr<BackgroundJobs> jobs;
  ctx.wake_scan_workers = [&jobs] {
    if (jobs) jobs->WakeScanWorkers();
  };
  auto server = std::make_unique<http::Server>(ctx);
  auto port = server->Bind(config.listen_host, config.listen_port);
  if (!port) ExitWithError(fmt::format("listen: {}", port.error().message));
  const bool v6 = config.listen_host.find(':') != std::string::npos;
  const std::string url =
      fmt::format("http://{}{}{}:{}", v6 ? "[" : "", config.listen_host, v6 ? "]" : "", *port);
  if (auto creds = BootstrapAdmin(*store, clock)) PrintCredentials(*creds, url);
  jobs =
      BackgroundJobs::CreateOrExit(config, *store, clock, secret_key, url, server->job_metrics());

  // Signals are taken by one thread; every other thread (the server's pool) has them blocked.
  // A parent (a shell's background job, a supervisor) may have left SIGINT ignored; an ignored
  // signal is never delivered to sigwait.
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGUSR1);  // internal: wakes the signal thread when serving ends
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  jobs->Start();  // after the mask: worker threads inherit it
  // Also after the mask; set before the server serves its first request.
  auto token_use = std::make_unique<http::TokenUseRecorder>(*store, std::chrono::seconds(2));
  ctx.token_use = token_use.get();
  std::thread signal_thread([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    if (sig != SIGUSR1) spdlog::info("shutdown signal={} stopping", strsignal(sig));
    server->Stop();
  });

  spdlog::info("serving url={} database={} backend={}", url, RedactUrl(config.database_url),
               store->Backend());
  std::cout << "listening on " << url << std::endl;
  auto ran = server->Run();
  pthread_kill(signal_thread.native_handle(), SIGUSR1);
  signal_thread.join();
  jobs->Stop();  // stop claiming; hand back or finish running steps
  jobs.reset();
  server.reset();
  token_use.reset();  // writes the last uses still pending
  store.reset();
  database.reset();
  if (!ran) {
    spdlog::error("server stopped: {}", ran.error().message);
    return 1;
  }
  spdlog::info("shutdown complete");
  return 0;
}

}  // namespace

void RegisterServeCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("serve", "Run the Bulwark server");
  auto flags = std::make_shared<ConfigFlags>();
  AddConfigFlags(cmd, *flags);
  cmd->callback([flags] {
    const int code = Serve(*flags);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace bulwark::cli
