// Configuration shared by `serve` and `token`: each setting comes from its flag, else its
// BULWARK_* environment variable, else the TOML file named by --config, else its default
// (docs/configuration.md lists them). Every value is checked here, once; an error names the
// setting, where the value came from and what is wrong.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "core/error.h"

namespace bulwark::cli {

// The raw flag values of one command (empty = flag not given).
struct ConfigFlags {
  std::string config_file;
  std::string listen;
  std::string data_dir;
  std::string database;
  std::string log_level;
  std::string workers;
  std::string scheduler_interval;
  std::string job_lease;
  std::string job_nice;
  std::string webhook_url;
  std::string webhook_allow_private_networks;
  std::string max_upload_bytes;
  std::string max_json_depth;
  std::string max_json_string_bytes;
  std::string max_import_rows;
  std::string rate_limit;
  std::string rate_limit_burst;
};

// Adds --config, --listen, --data-dir, --database, --log-level and the job settings to `cmd`.
void AddConfigFlags(CLI::App* cmd, ConfigFlags& flags);

struct Config {
  std::string listen_host = "127.0.0.1";
  int listen_port = 8080;
  std::filesystem::path data_dir = "./data";
  std::string database_url;  // may hold a password: print it only through RedactUrl
  std::string log_level = "info";
  std::optional<std::string> secret_key_hex;  // BULWARK_SECRET_KEY when set
  int workers = 2;                            // scan worker threads of this process
  int scheduler_interval_seconds = 15;        // how often due schedules are looked for
  int job_lease_seconds = 60;  // a dead process's scans/deliveries are taken over after this
  // Nice value of import parsing and scan work (0-19): requests get the CPU before them.
  int job_nice = 10;
  std::string webhook_url;     // the global webhook; empty: none
  std::string webhook_secret;  // its signing secret; never printed
  bool webhook_allow_private_networks = false;
  // Limits of what callers may send (docs/configuration.md, "Limits").
  std::uint64_t max_upload_bytes = std::uint64_t{1} << 30;  // largest upload / request body
  int max_json_depth = 64;                   // nesting of JSON bodies and imported files
  int max_json_string_bytes = 1 << 20;       // longest JSON string in them
  std::int64_t max_import_rows = 1'000'000;  // findings per imported file
  int rate_limit = 0;                        // requests per second per caller; 0 = no limit
  int rate_limit_burst = 0;                  // requests at once; 0 = twice rate_limit
};

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
// The process environment.
std::optional<std::string> ProcessEnv(const std::string& name);

// Resolves and validates every setting (does not touch the file system beyond reading the TOML
// file). kInvalidArgument with a message naming the setting.
core::Result<Config> ResolveConfig(const ConfigFlags& flags, const EnvLookup& env = ProcessEnv);

// `url` with any password replaced by "***".
std::string RedactUrl(std::string_view url);

}  // namespace bulwark::cli
