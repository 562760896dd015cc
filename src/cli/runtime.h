// Start-up steps shared by the commands that use the configuration: each either succeeds or
// prints "bulwark: <what is wrong>" on stderr and exits with code 2 (via CLI::RuntimeError).
#pragma once

#include <memory>
#include <string_view>

#include "cli/config.h"
#include "env/crypto.h"
#include "storage/store.h"

namespace bulwark::cli {

inline constexpr int kExitConfig = 2;

[[noreturn]] void ExitWithError(std::string_view message, int code = kExitConfig);

Config LoadConfigOrExit(const ConfigFlags& flags);
// Logs go to stderr (stdout carries command output); UTC timestamps.
void SetUpLogging(const Config& config);
// Creates the data directory if needed and checks it is a writable directory.
void PrepareDataDirOrExit(const Config& config);
// BULWARK_SECRET_KEY, else DATA_DIR/secret.key (created 0600 on first use).
env::SecretKey LoadSecretKeyOrExit(const Config& config);
std::unique_ptr<storage::Store> OpenStoreOrExit(const Config& config);

}  // namespace bulwark::cli
