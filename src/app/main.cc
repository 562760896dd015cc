// Composition root: the `bulwark` executable. Each subcommand is registered by the cli module.
#include <CLI/CLI.hpp>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"Bulwark: application-security orchestration server"};
  app.require_subcommand(1);
  bulwark::cli::RegisterServeCommand(app);
  bulwark::cli::RegisterTokenCommand(app);
  bulwark::cli::RegisterUserCommand(app);
  bulwark::cli::RegisterSecretCommand(app);
  bulwark::cli::RegisterBackupCommand(app);
  bulwark::cli::RegisterVersionCommand(app);
  bulwark::cli::RegisterParseCommand(app);
  bulwark::cli::RegisterScanCommand(app);
  bulwark::cli::RegisterImportCommand(app);
  bulwark::cli::RegisterStatusCommand(app);
  bulwark::cli::RegisterListCommand(app);
  bulwark::cli::RegisterReleaseCommand(app);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
