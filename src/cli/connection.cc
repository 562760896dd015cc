#include "cli/connection.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <filesystem>

namespace bulwark::cli {
namespace {

using core::ErrorCode;

struct Sourced {
  std::string value;
  std::string source;
};

struct FileSettings {
  std::string path;
  toml::table table;
  bool loaded = false;
};

core::Result<FileSettings> LoadFile(const ConnectionFlags& flags, const std::string& home) {
  FileSettings file;
  if (!flags.config_file.empty()) {
    file.path = flags.config_file;
    if (!std::filesystem::exists(file.path)) {
      return core::Fail(ErrorCode::kInvalidArgument,
                        fmt::format("--config {}: no such file", file.path));
    }
  } else if (!home.empty()) {
    file.path = home + "/.bulwark.toml";
    if (!std::filesystem::exists(file.path)) return file;
  } else {
    return file;
  }
  try {
    file.table = toml::parse_file(file.path);
  } catch (const toml::parse_error& e) {
    return core::Fail(ErrorCode::kInvalidArgument,
                      fmt::format("configuration file {}: line {}, column {}: {}", file.path,
                                  e.source().begin.line, e.source().begin.column, e.description()));
  }
  for (const auto& [key, value] : file.table) {
    const std::string k(key.str());
    const bool is_bool = k == "insecure" || k == "verbose";
    if (k != "host" && k != "token" && !is_bool) {
      return core::Fail(ErrorCode::kInvalidArgument,
                        fmt::format("configuration file {}: unknown key '{}'; known keys: host, "
                                    "token, insecure, verbose",
                                    file.path, k));
    }
    if (is_bool ? !value.is_boolean() : !value.is_string()) {
      return core::Fail(ErrorCode::kInvalidArgument,
                        fmt::format("configuration file {}: key '{}' must be {}", file.path, k,
                                    is_bool ? "true or false" : "a string"));
    }
  }
  file.loaded = true;
  return file;
}

// flag > BULWARK_<NAME> > INVICTI_ASPM_<NAME> > KONDUKTO_<NAME> > file key.
std::optional<Sourced> Lookup(const std::string& flag_value, const char* flag, const char* name,
                              const EnvLookup& env, const FileSettings& file,
                              std::vector<std::string>& notes) {
  if (!flag_value.empty()) return Sourced{flag_value, flag};
  const std::string upper = [&] {
    std::string u(name);
    for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return u;
  }();
  const std::string native = "BULWARK_" + upper;
  if (auto v = env(native); v && !v->empty()) return Sourced{*v, native};
  for (const char* prefix : {"INVICTI_ASPM_", "KONDUKTO_"}) {
    const std::string legacy = prefix + upper;
    if (auto v = env(legacy); v && !v->empty()) {
      notes.push_back(
          fmt::format("note: {} is read for compatibility with kdt and is deprecated here; set "
                      "{} instead",
                      legacy, native));
      return Sourced{*v, legacy};
    }
  }
  if (file.loaded) {
    if (auto v = file.table[name].value<std::string>()) {
      return Sourced{*v, fmt::format("'{}' in {}", name, file.path)};
    }
  }
  return std::nullopt;
}

core::Result<bool> ParseBool(const Sourced& s) {
  std::string v = s.value;
  for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (v == "1" || v == "true" || v == "yes") return true;
  if (v == "0" || v == "false" || v == "no" || v.empty()) return false;
  return core::Fail(
      ErrorCode::kInvalidArgument,
      fmt::format("{}: '{}' is not a boolean (use true or false)", s.source, s.value));
}

}  // namespace

void AddConnectionFlags(CLI::App* cmd, ConnectionFlags& flags) {
  cmd->add_option("--config", flags.config_file,
                  "client configuration file (TOML: host, token, insecure, verbose; default "
                  "~/.bulwark.toml)");
  cmd->add_option("--host", flags.host, "Bulwark server URL (else BULWARK_HOST)");
  cmd->add_option("--token", flags.token, "API token (else BULWARK_TOKEN)");
  cmd->add_flag("--insecure", flags.insecure, "skip TLS certificate verification");
  cmd->add_flag("-v,--verbose", flags.verbose, "print debug details");
  cmd->add_option("--exit-code", flags.exit_code,
                  "exit with this code instead of the computed one, success included");
}

core::Result<ResolvedConnection> ResolveConnection(const ConnectionFlags& flags,
                                                   const EnvLookup& env, const std::string& home) {
  auto file = LoadFile(flags, home);
  if (!file) return std::unexpected(file.error());
  ResolvedConnection out;
  auto host = Lookup(flags.host, "--host", "host", env, *file, out.notes);
  auto token = Lookup(flags.token, "--token", "token", env, *file, out.notes);
  if (!host || !token) {
    std::string missing = !host && !token ? "host and token are" : !host ? "host is" : "token is";
    return core::Fail(ErrorCode::kInvalidArgument,
                      fmt::format("the server {} not configured: pass --host and --token, set "
                                  "BULWARK_HOST and BULWARK_TOKEN, or write host and token in "
                                  "~/.bulwark.toml (or the file given with --config)",
                                  missing));
  }
  if (!host->value.starts_with("http://") && !host->value.starts_with("https://")) {
    return core::Fail(ErrorCode::kInvalidArgument,
                      fmt::format("host '{}' (from {}) must start with http:// or https://",
                                  host->value, host->source));
  }
  for (char c : token->value) {
    if (std::isspace(static_cast<unsigned char>(c)) || std::iscntrl(static_cast<unsigned char>(c)))
      return core::Fail(ErrorCode::kInvalidArgument,
                        fmt::format("the token from {} contains white space or control "
                                    "characters; copy it again without them",
                                    token->source));
  }
  out.connection.host = host->value;
  out.connection.token = token->value;
  out.connection.insecure = flags.insecure;
  if (!flags.insecure) {
    if (auto v = env("BULWARK_INSECURE"); v && !v->empty()) {
      auto b = ParseBool({*v, "BULWARK_INSECURE"});
      if (!b) return std::unexpected(b.error());
      out.connection.insecure = *b;
    } else if (file->loaded) {
      out.connection.insecure = file->table["insecure"].value_or(false);
    }
  }
  out.verbose = flags.verbose || (file->loaded && file->table["verbose"].value_or(false));
  return out;
}

}  // namespace bulwark::cli
