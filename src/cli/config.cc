#include "cli/config.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>

namespace bulwark::cli {
namespace {

using core::ErrorCode;

struct Setting {
  const char* name;      // TOML key
  const char* flag;      // command-line flag
  const char* variable;  // environment variable
};

constexpr Setting kListen{"listen", "--listen", "BULWARK_LISTEN"};
constexpr Setting kDataDir{"data_dir", "--data-dir", "BULWARK_DATA_DIR"};
constexpr Setting kDatabase{"database", "--database", "BULWARK_DATABASE"};
constexpr Setting kLogLevel{"log_level", "--log-level", "BULWARK_LOG_LEVEL"};
constexpr Setting kWorkers{"workers", "--workers", "BULWARK_WORKERS"};
constexpr Setting kSchedulerInterval{"scheduler_interval", "--scheduler-interval",
                                     "BULWARK_SCHEDULER_INTERVAL"};
constexpr Setting kJobLease{"job_lease", "--job-lease", "BULWARK_JOB_LEASE"};
constexpr Setting kJobNice{"job_nice", "--job-nice", "BULWARK_JOB_NICE"};
constexpr Setting kWebhookUrl{"webhook_url", "--webhook-url", "BULWARK_WEBHOOK_URL"};
// No flag: a secret on the command line is visible to every user of the machine (ps).
constexpr Setting kWebhookSecret{"webhook_secret", "", "BULWARK_WEBHOOK_SECRET"};
constexpr Setting kWebhookPrivate{"webhook_allow_private_networks",
                                  "--webhook-allow-private-networks",
                                  "BULWARK_WEBHOOK_ALLOW_PRIVATE_NETWORKS"};
constexpr Setting kMaxUpload{"max_upload_bytes", "--max-upload-bytes", "BULWARK_MAX_UPLOAD_BYTES"};
constexpr Setting kMaxJsonDepth{"max_json_depth", "--max-json-depth", "BULWARK_MAX_JSON_DEPTH"};
constexpr Setting kMaxJsonString{"max_json_string_bytes", "--max-json-string-bytes",
                                 "BULWARK_MAX_JSON_STRING_BYTES"};
constexpr Setting kMaxImportRows{"max_import_rows", "--max-import-rows", "BULWARK_MAX_IMPORT_ROWS"};
constexpr Setting kRateLimit{"rate_limit", "--rate-limit", "BULWARK_RATE_LIMIT"};
constexpr Setting kRateLimitBurst{"rate_limit_burst", "--rate-limit-burst",
                                  "BULWARK_RATE_LIMIT_BURST"};
constexpr const Setting* kAllSettings[] = {&kListen,        &kDataDir,        &kDatabase,
                                           &kLogLevel,      &kWorkers,        &kSchedulerInterval,
                                           &kJobLease,      &kJobNice,        &kWebhookUrl,
                                           &kWebhookSecret, &kWebhookPrivate, &kMaxUpload,
                                           &kMaxJsonDepth,  &kMaxJsonString,  &kMaxImportRows,
                                           &kRateLimit,     &kRateLimitBurst};
// Settings that may be written as bare TOML integers.
constexpr const Setting* kNumericSettings[] = {
    &kWorkers,      &kSchedulerInterval, &kJobLease,      &kJobNice,   &kMaxUpload,
    &kMaxJsonDepth, &kMaxJsonString,     &kMaxImportRows, &kRateLimit, &kRateLimitBurst};

// A value and where it came from, for error messages.
struct Sourced {
  std::string value;
  std::string source;
};

class Resolver {
 public:
  Resolver(const ConfigFlags& flags, const EnvLookup& env) : flags_(flags), env_(env) {}

  core::Status LoadFile() {
    std::string path = flags_.config_file;
    std::string source = "--config";
    if (path.empty()) {
      if (auto v = env_("BULWARK_CONFIG")) {
        path = *v;
        source = "BULWARK_CONFIG";
      }
    }
    if (path.empty()) return core::Ok();
    file_source_ = path;
    try {
      table_ = toml::parse_file(path);
    } catch (const toml::parse_error& e) {
      const auto& where = e.source().begin;
      return core::Fail(ErrorCode::kInvalidArgument,
                        fmt::format("configuration file {} (from {}): line {}, column {}: {}", path,
                                    source, where.line, where.column, e.description()));
    }
    for (const auto& [key, value] : table_) {
      const std::string k(key.str());
      const bool known = std::any_of(std::begin(kAllSettings), std::end(kAllSettings),
                                     [&](const Setting* s) { return k == s->name; });
      if (!known) {
        std::string names;
        for (const Setting* s : kAllSettings)
          names += (names.empty() ? "" : ", ") + std::string(s->name);
        return core::Fail(
            ErrorCode::kInvalidArgument,
            fmt::format("configuration file {}: unknown key '{}'; known keys: {}", path, k, names));
      }
      const bool numeric = std::any_of(std::begin(kNumericSettings), std::end(kNumericSettings),
                                       [&](const Setting* s) { return k == s->name; });
      const bool boolean = k == kWebhookPrivate.name;
      if (!value.is_string() && !(numeric && value.is_integer()) &&
          !(boolean && value.is_boolean())) {
        return core::Fail(ErrorCode::kInvalidArgument,
                          fmt::format("configuration file {}: key '{}' must be a string", path, k));
      }
    }
    return core::Ok();
  }

  std::optional<Sourced> Get(const Setting& s, const std::string& flag_value) const {
    if (!flag_value.empty()) return Sourced{flag_value, s.flag};
    if (auto v = env_(s.variable); v && !v->empty()) return Sourced{*v, s.variable};
    if (auto v = table_[s.name].value<std::string>()) {
      return Sourced{*v, fmt::format("'{}' in {}", s.name, file_source_)};
    }
    if (auto v = table_[s.name].value<std::int64_t>()) {
      return Sourced{std::to_string(*v), fmt::format("'{}' in {}", s.name, file_source_)};
    }
    if (auto v = table_[s.name].value<bool>()) {
      return Sourced{*v ? "true" : "false", fmt::format("'{}' in {}", s.name, file_source_)};
    }
    return std::nullopt;
  }

 private:
  const ConfigFlags& flags_;
  const EnvLookup& env_;
  toml::table table_;
  std::string file_source_;
};

core::Error Invalid(const Setting& s, const Sourced& v, std::string_view what) {
  return core::Error{
      ErrorCode::kInvalidArgument,
      fmt::format("invalid {} '{}' (from {}): {}", s.name,
                  s.name == kDatabase.name ? RedactUrl(v.value) : v.value, v.source, what)};
}

core::Status ParseListen(const Sourced& v, Config& config) {
  const std::string& text = v.value;
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return std::unexpected(Invalid(kListen, v, "expected HOST:PORT, e.g. 127.0.0.1:8080"));
  }
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string port_text = text.substr(colon + 1);
  int port = -1;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
      port < 0 || port > 65535) {
    return std::unexpected(
        Invalid(kListen, v, "the port must be a number from 0 to 65535 (0 = any free port)"));
  }
  config.listen_host = host;
  config.listen_port = port;
  return core::Ok();
}

core::Result<int> ParseInt(const Setting& s, const Sourced& v, int low, int high) {
  int n = 0;
  auto [end, ec] = std::from_chars(v.value.data(), v.value.data() + v.value.size(), n);
  if (v.value.empty() || ec != std::errc() || end != v.value.data() + v.value.size() || n < low ||
      n > high) {
    return std::unexpected(
        Invalid(s, v, fmt::format("expected a whole number from {} to {}", low, high)));
  }
  return n;
}

core::Result<bool> ParseBool(const Setting& s, const Sourced& v) {
  if (v.value == "true" || v.value == "1" || v.value == "on" || v.value == "yes") return true;
  if (v.value == "false" || v.value == "0" || v.value == "off" || v.value == "no") return false;
  return std::unexpected(Invalid(s, v, "expected true or false"));
}

// The job settings: scan workers, scheduler cadence and the global webhook.
core::Status ResolveJobSettings(const Resolver& r, const ConfigFlags& flags, Config& config) {
  if (auto v = r.Get(kWorkers, flags.workers)) {
    auto n = ParseInt(kWorkers, *v, 1, 64);
    if (!n) return std::unexpected(n.error());
    config.workers = *n;
  }
  if (auto v = r.Get(kSchedulerInterval, flags.scheduler_interval)) {
    auto n = ParseInt(kSchedulerInterval, *v, 1, 3600);
    if (!n) return std::unexpected(n.error());
    config.scheduler_interval_seconds = *n;
  }
  if (auto v = r.Get(kJobLease, flags.job_lease)) {
    auto n = ParseInt(kJobLease, *v, 1, 3600);
    if (!n) return std::unexpected(n.error());
    config.job_lease_seconds = *n;
  }
  if (auto v = r.Get(kJobNice, flags.job_nice)) {
    auto n = ParseInt(kJobNice, *v, 0, 19);
    if (!n) return std::unexpected(n.error());
    config.job_nice = *n;
  }
  if (auto v = r.Get(kWebhookUrl, flags.webhook_url)) {
    if (!v->value.starts_with("http://") && !v->value.starts_with("https://")) {
      return std::unexpected(Invalid(kWebhookUrl, *v, "must start with http:// or https://"));
    }
    config.webhook_url = v->value;
  }
  if (auto v = r.Get(kWebhookSecret, "")) {
    if (config.webhook_url.empty()) {
      return core::Fail(ErrorCode::kInvalidArgument,
                        fmt::format("webhook_secret (from {}) is set but webhook_url is not; set "
                                    "webhook_url too or remove the secret",
                                    v->source));
    }
    config.webhook_secret = v->value;
  }
  if (auto v = r.Get(kWebhookPrivate, flags.webhook_allow_private_networks)) {
    auto b = ParseBool(kWebhookPrivate, *v);
    if (!b) return std::unexpected(b.error());
    config.webhook_allow_private_networks = *b;
  }
  return core::Ok();
}

core::Result<std::uint64_t> ParseUint64(const Setting& s, const Sourced& v, std::uint64_t low,
                                        std::uint64_t high) {
  std::uint64_t n = 0;
  auto [end, ec] = std::from_chars(v.value.data(), v.value.data() + v.value.size(), n);
  if (v.value.empty() || ec != std::errc() || end != v.value.data() + v.value.size() || n < low ||
      n > high) {
    return std::unexpected(
        Invalid(s, v, fmt::format("expected a whole number from {} to {}", low, high)));
  }
  return n;
}

// The limits of what callers may send: body and upload size, JSON shape, rows, request rate.
core::Status ResolveLimitSettings(const Resolver& r, const ConfigFlags& flags, Config& config) {
  if (auto v = r.Get(kMaxUpload, flags.max_upload_bytes)) {
    auto n = ParseUint64(kMaxUpload, *v, 1, std::uint64_t{1} << 40);
    if (!n) return std::unexpected(n.error());
    config.max_upload_bytes = *n;
  }
  struct IntSetting {
    const Setting& setting;
    const std::string& flag;
    int low, high;
    int& out;
  };
  int import_rows = static_cast<int>(config.max_import_rows);
  const IntSetting ints[] = {
      {kMaxJsonDepth, flags.max_json_depth, 2, 10'000, config.max_json_depth},
      {kMaxJsonString, flags.max_json_string_bytes, 64, 1 << 30, config.max_json_string_bytes},
      {kMaxImportRows, flags.max_import_rows, 1, 100'000'000, import_rows},
      {kRateLimit, flags.rate_limit, 0, 1'000'000, config.rate_limit},
      {kRateLimitBurst, flags.rate_limit_burst, 1, 10'000'000, config.rate_limit_burst},
  };
  for (const IntSetting& s : ints) {
    if (auto v = r.Get(s.setting, s.flag)) {
      auto n = ParseInt(s.setting, *v, s.low, s.high);
      if (!n) return std::unexpected(n.error());
      s.out = *n;
    }
  }
  config.max_import_rows = import_rows;
  if (config.rate_limit_burst == 0) config.rate_limit_burst = std::max(1, 2 * config.rate_limit);
  return core::Ok();
}

}  // namespace

std::optional<std::string> ProcessEnv(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (!v) return std::nullopt;
  return std::string(v);
}

void AddConfigFlags(CLI::App* cmd, ConfigFlags& flags) {
  cmd->add_option("--config", flags.config_file, "TOML configuration file (env BULWARK_CONFIG)");
  cmd->add_option("--listen", flags.listen,
                  "HOST:PORT to listen on, port 0 = any free port (env BULWARK_LISTEN; default "
                  "127.0.0.1:8080)");
  cmd->add_option("--data-dir", flags.data_dir,
                  "directory for the database and secret.key (env BULWARK_DATA_DIR; default "
                  "./data)");
  cmd->add_option("--database", flags.database,
                  "database URL: sqlite:///path.db or postgresql://user@host:port/db (env "
                  "BULWARK_DATABASE; default sqlite://<data-dir>/bulwark.db)");
  cmd->add_option("--log-level", flags.log_level,
                  "trace, debug, info, warn, error or off (env BULWARK_LOG_LEVEL; default info)");
  cmd->add_option("--workers", flags.workers,
                  "scan worker threads of this process, 1-64 (env BULWARK_WORKERS; default 2)");
  cmd->add_option("--scheduler-interval", flags.scheduler_interval,
                  "seconds between looks for due schedules, 1-3600 (env "
                  "BULWARK_SCHEDULER_INTERVAL; default 15)");
  cmd->add_option("--job-lease", flags.job_lease,
                  "seconds a scan or webhook delivery stays leased to a process that stopped "
                  "renewing it before another takes it over, 1-3600 (env BULWARK_JOB_LEASE; "
                  "default 60; webhook deliveries keep at least 15)");
  cmd->add_option("--job-nice", flags.job_nice,
                  "CPU priority of import parsing and scan work as a nice value, 0 (same as "
                  "requests) to 19 (only idle CPU) (env BULWARK_JOB_NICE; default 10)");
  cmd->add_option("--webhook-url", flags.webhook_url,
                  "global webhook told of every finished or failed scan (env "
                  "BULWARK_WEBHOOK_URL; its secret only from BULWARK_WEBHOOK_SECRET or the file)");
  cmd->add_option("--webhook-allow-private-networks", flags.webhook_allow_private_networks,
                  "true lets webhooks reach loopback, link-local and private addresses (env "
                  "BULWARK_WEBHOOK_ALLOW_PRIVATE_NETWORKS; default false)");
  cmd->add_option("--max-upload-bytes", flags.max_upload_bytes,
                  "largest upload or request body in bytes (env BULWARK_MAX_UPLOAD_BYTES; "
                  "default 1073741824)");
  cmd->add_option("--max-json-depth", flags.max_json_depth,
                  "deepest JSON nesting of request bodies and imported files (env "
                  "BULWARK_MAX_JSON_DEPTH; default 64)");
  cmd->add_option("--max-json-string-bytes", flags.max_json_string_bytes,
                  "longest JSON string in bytes (env BULWARK_MAX_JSON_STRING_BYTES; default "
                  "1048576)");
  cmd->add_option("--max-import-rows", flags.max_import_rows,
                  "findings one imported file may hold (env BULWARK_MAX_IMPORT_ROWS; default "
                  "1000000)");
  cmd->add_option("--rate-limit", flags.rate_limit,
                  "requests per second per API token, session or client address, 0 = no limit "
                  "(env BULWARK_RATE_LIMIT; default 0)");
  cmd->add_option("--rate-limit-burst", flags.rate_limit_burst,
                  "requests a caller may make at once (env BULWARK_RATE_LIMIT_BURST; default "
                  "twice --rate-limit)");
}

core::Result<Config> ResolveConfig(const ConfigFlags& flags, const EnvLookup& env) {
  Resolver r(flags, env);
  if (auto loaded = r.LoadFile(); !loaded) return std::unexpected(loaded.error());
  Config config;
  if (auto v = r.Get(kListen, flags.listen)) {
    if (auto s = ParseListen(*v, config); !s) return std::unexpected(s.error());
  }
  if (auto v = r.Get(kDataDir, flags.data_dir)) {
    if (v->value.find('\0') != std::string::npos) {
      return std::unexpected(Invalid(kDataDir, *v, "contains a NUL character"));
    }
    config.data_dir = v->value;
  }
  if (auto v = r.Get(kDatabase, flags.database)) {
    const std::string& url = v->value;
    const bool sqlite = url.starts_with("sqlite://");
    if (!sqlite && !url.starts_with("postgresql://") && !url.starts_with("postgres://")) {
      return std::unexpected(
          Invalid(kDatabase, *v,
                  "must start with sqlite:// (e.g. sqlite:///var/lib/bulwark/bulwark.db) or "
                  "postgresql:// (e.g. postgresql://bulwark@db.example:5432/bulwark)"));
    }
    if (sqlite && url.size() == std::string_view("sqlite://").size()) {
      return std::unexpected(Invalid(kDatabase, *v, "names no database file"));
    }
    config.database_url = url;
  } else {
    config.database_url = "sqlite://" + (config.data_dir / "bulwark.db").string();
  }
  if (auto v = r.Get(kLogLevel, flags.log_level)) {
    static const char* kLevels[] = {"trace", "debug", "info", "warn", "error", "off"};
    if (std::find(std::begin(kLevels), std::end(kLevels), v->value) == std::end(kLevels)) {
      return std::unexpected(
          Invalid(kLogLevel, *v, "expected one of trace, debug, info, warn, error, off"));
    }
    config.log_level = v->value;
  }
  if (auto key = env("BULWARK_SECRET_KEY"); key && !key->empty()) config.secret_key_hex = *key;
  if (auto s = ResolveJobSettings(r, flags, config); !s) return std::unexpected(s.error());
  if (auto s = ResolveLimitSettings(r, flags, config); !s) return std::unexpected(s.error());
  return config;
}

std::string RedactUrl(std::string_view url) {
  const auto scheme = url.find("://");
  const auto at = url.find('@');
  if (scheme == std::string_view::npos || at == std::string_view::npos || at < scheme) {
    return std::string(url);
  }
  const auto colon = url.find(':', scheme + 3);
  if (colon == std::string_view::npos || colon > at) return std::string(url);
  return std::string(url.substr(0, colon + 1)) + "***" + std::string(url.substr(at));
}

}  // namespace bulwark::cli
