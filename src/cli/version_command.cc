#include <iostream>

#include "cli/commands.h"

namespace bulwark::cli {

void RegisterVersionCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("version", "Print the version and exit");
  cmd->callback([] { std::cout << "bulwark " << BULWARK_VERSION << "\n"; });
}

}  // namespace bulwark::cli
