// `bulwark backup --output FILE`: a consistent copy of the SQLite database taken with SQLite's
// online backup API while servers keep running. PostgreSQL is backed up with pg_dump
// (docs/operations.md).
#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/runtime.h"
#include "storage/sqlite/sqlite_backup.h"

namespace bulwark::cli {
namespace {

struct BackupArgs {
  ConfigFlags flags;
  std::string output;
};

int Backup(const BackupArgs& args) {
  Config config = LoadConfigOrExit(args.flags);
  config.log_level = "warn";
  SetUpLogging(config);
  constexpr std::string_view kSqlite = "sqlite://";
  if (!config.database_url.starts_with(kSqlite)) {
    ExitWithError(
        fmt::format("backup: the database {} is PostgreSQL; back it up with pg_dump "
                    "(docs/operations.md, \"Backup and restore\")",
                    RedactUrl(config.database_url)));
  }
  const std::string path = config.database_url.substr(kSqlite.size());
  if (auto done = storage::sqlite::BackupDatabase(path, args.output); !done) {
    ExitWithError("backup: " + done.error().message,
                  done.error().code == core::ErrorCode::kUnavailable ? 1 : kExitConfig);
  }
  std::cout << fmt::format("backed up {} to {}\n", path, args.output);
  std::cout << "the secret key is not in the backup: keep a copy of "
            << (config.secret_key_hex ? std::string("BULWARK_SECRET_KEY")
                                      : (config.data_dir / "secret.key").string())
            << " apart from it\n";
  return 0;
}

}  // namespace

void RegisterBackupCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "backup", "Copy the SQLite database to a file while the server runs (online backup)");
  auto args = std::make_shared<BackupArgs>();
  AddConfigFlags(cmd, args->flags);
  cmd->add_option("-o,--output", args->output, "the backup file to create (must not exist)")
      ->required();
  cmd->callback([args] {
    const int code = Backup(*args);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace bulwark::cli
