// The subcommands of the `bulwark` executable. Each Register*Command adds one subcommand (with
// its flags and its callback) to the application; main() calls them in the order they are listed
// in --help. A command's callback exits the process with its exit code via CLI::RuntimeError.
#pragma once

#include <CLI/CLI.hpp>

namespace bulwark::cli {

void RegisterVersionCommand(CLI::App& app);
void RegisterParseCommand(CLI::App& app);
void RegisterServeCommand(CLI::App& app);
void RegisterTokenCommand(CLI::App& app);
void RegisterUserCommand(CLI::App& app);
// Operations: `secret rotate` (secret_command.cc) and `backup` (backup_command.cc).
void RegisterSecretCommand(CLI::App& app);
void RegisterBackupCommand(CLI::App& app);
// The pipeline commands (kdt-compatible): scan_command.cc, status_command.cc, list_command.cc.
void RegisterScanCommand(CLI::App& app);
void RegisterImportCommand(CLI::App& app);
void RegisterStatusCommand(CLI::App& app);
void RegisterListCommand(CLI::App& app);
void RegisterReleaseCommand(CLI::App& app);

}  // namespace bulwark::cli
