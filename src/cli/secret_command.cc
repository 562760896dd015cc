// `bulwark secret rotate`: re-seals every stored secret (integration access tokens, webhook
// secrets, queued webhook deliveries) under a new key in one transaction. The new key is created
// beside the old one as secret.key.next before the transaction and becomes secret.key only after
// the commit, so a failure at any point leaves a database and a key that still match.
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <map>

#include "cli/commands.h"
#include "cli/runtime.h"

namespace bulwark::cli {
namespace {

namespace fs = std::filesystem;

struct RotateArgs {
  ConfigFlags flags;
  std::string new_key_file;
};

// Unseals each secret with `old_key` and seals it with `new_key`, all in one transaction.
core::Result<std::map<std::string, int>> Reseal(storage::Store& store,
                                                const env::SecretKey& old_key,
                                                const env::SecretKey& new_key) {
  std::map<std::string, int> counts;
  auto done = store.WithTransaction([&](storage::Repositories& repos) -> core::Status {
    auto secrets = repos.SealedSecrets().List();
    if (!secrets) return std::unexpected(secrets.error());
    for (storage::SealedSecret& s : *secrets) {
      auto plain = env::Unseal(old_key, s.sealed);
      if (!plain) {
        return core::Fail(core::ErrorCode::kDataLoss,
                          fmt::format("{} row {}: the secret cannot be opened with the current "
                                      "key ({}); nothing was changed",
                                      s.table, s.id, plain.error().message));
      }
      s.sealed = env::Seal(new_key, *plain);
      if (auto replaced = repos.SealedSecrets().Replace(s); !replaced) return replaced;
      ++counts[s.table];
    }
    return core::Ok();
  });
  if (!done) return std::unexpected(done.error());
  return counts;
}

// Makes `staged` the key file `active` (atomic rename, then the directory is synced).
void Activate(const fs::path& staged, const fs::path& active) {
  std::error_code ec;
  fs::rename(staged, active, ec);
  if (ec) {
    ExitWithError(fmt::format("the secrets are sealed with the new key in {}, but it could not "
                              "replace {}: {}; move it there by hand before starting the server",
                              staged.string(), active.string(), ec.message()),
                  1);
  }
  const int dir = ::open(active.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

int Rotate(const RotateArgs& args) {
  Config config = LoadConfigOrExit(args.flags);
  config.log_level = "warn";
  SetUpLogging(config);
  PrepareDataDirOrExit(config);
  const env::SecretKey old_key = LoadSecretKeyOrExit(config);
  const bool from_env = config.secret_key_hex.has_value();
  if (from_env && args.new_key_file.empty()) {
    ExitWithError(
        "the key comes from BULWARK_SECRET_KEY: give --new-key-file FILE to receive the new key, "
        "then set BULWARK_SECRET_KEY to its content");
  }
  const fs::path active = config.data_dir / "secret.key";
  const fs::path staged =
      args.new_key_file.empty() ? fs::path(active.string() + ".next") : fs::path(args.new_key_file);
  std::error_code ec;
  if (fs::exists(staged, ec)) {
    ExitWithError(
        fmt::format("{} already exists (left by an earlier rotation?); if the server "
                    "cannot open its secrets, that file holds their key: move it to "
                    "{}; otherwise remove it and run the rotation again",
                    staged.string(), active.string()));
  }
  auto new_key = env::LoadOrCreateKeyFile(staged);  // a fresh random key, mode 0600
  if (!new_key) ExitWithError(new_key.error().message, 1);
  auto store = OpenStoreOrExit(config);
  auto counts = Reseal(*store, old_key, *new_key);
  store.reset();
  if (!counts) {
    fs::remove(staged, ec);
    ExitWithError("secret rotate: " + counts.error().message, 1);
  }
  if (!from_env) Activate(staged, active);
  int total = 0;
  for (const auto& [table, n] : *counts) total += n;
  std::cout << fmt::format("re-sealed {} secret(s)", total);
  for (const auto& [table, n] : *counts) std::cout << fmt::format("; {} {}", n, table);
  std::cout << "\n";
  if (from_env) {
    std::cout << "the new key is in " << staged.string()
              << "; set BULWARK_SECRET_KEY to its content and restart every server\n";
  } else {
    std::cout << "the new key is in " << active.string() << "; restart every server\n";
  }
  return 0;
}

}  // namespace

void RegisterSecretCommand(CLI::App& app) {
  auto* secret = app.add_subcommand("secret", "Manage the key that seals stored secrets");
  secret->require_subcommand(1);
  auto* rotate = secret->add_subcommand(
      "rotate",
      "Re-seal every stored secret with a new key (stop the servers first; restart them after)");
  auto args = std::make_shared<RotateArgs>();
  AddConfigFlags(rotate, args->flags);
  rotate->add_option("--new-key-file", args->new_key_file,
                     "where to write the new key when the current one comes from "
                     "BULWARK_SECRET_KEY (default: it replaces DATA_DIR/secret.key)");
  rotate->callback([args] {
    const int code = Rotate(*args);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace bulwark::cli
