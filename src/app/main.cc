// Composition root: the `bulwark` executable.
#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv) {
  CLI::App app{"Bulwark: application-security orchestration server"};
  app.require_subcommand(1);
  auto* version = app.add_subcommand("version", "Print the version");
  version->callback([] { std::cout << "bulwark " << BULWARK_VERSION << "\n"; });
  CLI11_PARSE(app, argc, argv);
  return 0;
}
