// Where the pipeline commands find their server: each of host, token and insecure comes from its
// flag, else BULWARK_*, else kdt's INVICTI_ASPM_* then KONDUKTO_* (read for compatibility, with a
// note on stderr), else the TOML file named by --config (default ~/.bulwark.toml; keys host,
// token, insecure, verbose). Checked once, here; errors name the setting and where it came from.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cli/api_client.h"
#include "cli/config.h"
#include "core/error.h"

namespace bulwark::cli {

// Flags shared by scan, import, status and list (kdt's global flags).
struct ConnectionFlags {
  std::string config_file;
  std::string host;
  std::string token;
  bool insecure = false;
  bool verbose = false;
  std::optional<int> exit_code;  // --exit-code: replaces every exit code, success included
};

// Adds --config, --host, --token, --insecure, -v/--verbose and --exit-code to `cmd`.
void AddConnectionFlags(CLI::App* cmd, ConnectionFlags& flags);

struct ResolvedConnection {
  Connection connection;
  bool verbose = false;
  std::vector<std::string> notes;  // deprecation notes, one line each, for stderr
};

// `home` is the directory holding the default .bulwark.toml ("" = none).
core::Result<ResolvedConnection> ResolveConnection(const ConnectionFlags& flags,
                                                   const EnvLookup& env, const std::string& home);

}  // namespace bulwark::cli
