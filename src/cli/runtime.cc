#include "cli/runtime.h"

#include <fmt/format.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <iostream>

namespace bulwark::cli {

void ExitWithError(std::string_view message, int code) {
  std::cerr << "bulwark: " << message << "\n";
  std::cerr.flush();
  throw CLI::RuntimeError(code);
}

Config LoadConfigOrExit(const ConfigFlags& flags) {
  auto config = ResolveConfig(flags);
  if (!config) ExitWithError(config.error().message);
  return *config;
}

void SetUpLogging(const Config& config) {
  auto logger = spdlog::stderr_logger_mt("bulwark");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  spdlog::flush_on(spdlog::level::info);
}

void PrepareDataDirOrExit(const Config& config) {
  const auto& dir = config.data_dir;
  std::error_code ec;
  if (std::filesystem::exists(dir, ec) && !std::filesystem::is_directory(dir, ec)) {
    ExitWithError(
        fmt::format("invalid data_dir '{}': exists but is not a directory", dir.string()));
  }
  if (!std::filesystem::create_directories(dir, ec) && ec) {
    ExitWithError(
        fmt::format("invalid data_dir '{}': cannot create it: {}", dir.string(), ec.message()));
  }
  if (::access(dir.c_str(), R_OK | W_OK | X_OK) != 0) {
    ExitWithError(
        fmt::format("invalid data_dir '{}': not readable and writable by this user", dir.string()));
  }
}

env::SecretKey LoadSecretKeyOrExit(const Config& config) {
  if (config.secret_key_hex) {
    auto key = env::ParseSecretKey(*config.secret_key_hex);
    if (!key) ExitWithError("invalid BULWARK_SECRET_KEY: " + key.error().message);
    return *key;
  }
  auto key = env::LoadOrCreateKeyFile(config.data_dir / "secret.key");
  if (!key) ExitWithError(key.error().message);
  return *key;
}

std::unique_ptr<storage::Store> OpenStoreOrExit(const Config& config) {
  auto store = storage::OpenStore(config.database_url);
  if (!store) {
    ExitWithError(
        fmt::format("database {}: {}", RedactUrl(config.database_url), store.error().message));
  }
  return std::move(*store);
}

}  // namespace bulwark::cli
