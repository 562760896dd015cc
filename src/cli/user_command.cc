// `bulwark user create|passwd`: manage sign-in users in the configured database. A password is
// read from stdin with --password-stdin, or generated and printed once on stdout.
#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/runtime.h"
#include "env/clock.h"

namespace bulwark::cli {
namespace {

constexpr std::size_t kMinPassword = 8;

struct UserArgs {
  ConfigFlags flags;
  std::string username;
  std::string role = "viewer";
  bool password_stdin = false;
};

std::unique_ptr<storage::Store> Open(const ConfigFlags& flags) {
  Config config = LoadConfigOrExit(flags);
  config.log_level = "warn";
  SetUpLogging(config);
  PrepareDataDirOrExit(config);
  return OpenStoreOrExit(config);
}

// The password to set, and whether it was generated (then it is printed).
std::pair<std::string, bool> ObtainPassword(bool from_stdin) {
  if (!from_stdin) return {env::GeneratePassword(), true};
  std::string password;
  std::getline(std::cin, password);
  if (!password.empty() && password.back() == '\r') password.pop_back();
  if (password.size() < kMinPassword) {
    ExitWithError(
        fmt::format("the password read from stdin must have at least {} characters", kMinPassword));
  }
  return {password, false};
}

core::Status Audited(storage::Repositories& repos, std::string action, std::int64_t user_id,
                     std::string detail) {
  storage::AuditEntry e;
  e.at = env::Clock::System().Now();
  e.actor = "cli";
  e.action = std::move(action);
  e.target_type = "user";
  e.target_id = std::to_string(user_id);
  e.detail = std::move(detail);
  auto appended = repos.Audit().Append(e);
  if (!appended) return std::unexpected(appended.error());
  return core::Ok();
}

void Create(const UserArgs& args) {
  auto role = storage::ParseRole(args.role);
  if (!role) ExitWithError("invalid --role: " + role.error().message);
  if (args.username.empty() || args.username.size() > 100) {
    ExitWithError("invalid --username: must be 1 to 100 characters");
  }
  auto [password, generated] = ObtainPassword(args.password_stdin);
  auto hash = env::HashPassword(password);
  if (!hash) ExitWithError(hash.error().message, 1);
  auto store = Open(args.flags);
  auto st = store->WithTransaction([&](storage::Repositories& repos) -> core::Status {
    auto made = repos.Users().Create(
        storage::User{0, args.username, *hash, *role, env::Clock::System().Now()});
    if (!made) return std::unexpected(made.error());
    return Audited(repos, "user.create", made->id,
                   fmt::format("{} ({})", made->username, storage::RoleName(made->role)));
  });
  if (!st) {
    if (st.error().code == core::ErrorCode::kConflict) {
      ExitWithError(fmt::format("a user named '{}' already exists", args.username), 1);
    }
    ExitWithError("creating the user: " + st.error().message, 1);
  }
  if (generated) std::cout << password << std::endl;
  std::cerr << fmt::format("created user '{}' ({})\n", args.username, storage::RoleName(*role));
}

void Passwd(const UserArgs& args) {
  auto [password, generated] = ObtainPassword(args.password_stdin);
  auto hash = env::HashPassword(password);
  if (!hash) ExitWithError(hash.error().message, 1);
  auto store = Open(args.flags);
  auto st = store->WithTransaction([&](storage::Repositories& repos) -> core::Status {
    auto user = repos.Users().GetByUsername(args.username);
    if (!user) return std::unexpected(user.error());
    user->password_hash = *hash;
    if (auto u = repos.Users().Update(*user); !u) return u;
    if (auto d = repos.LoginSessions().DeleteForUser(user->id); !d) return d;
    return Audited(repos, "user.update", user->id, "password changed");
  });
  if (!st) {
    if (st.error().code == core::ErrorCode::kNotFound) {
      ExitWithError(fmt::format("no user named '{}'", args.username), 1);
    }
    ExitWithError("changing the password: " + st.error().message, 1);
  }
  if (generated) std::cout << password << std::endl;
  std::cerr << fmt::format("password of '{}' changed; its browser sessions ended\n", args.username);
}

}  // namespace

void RegisterUserCommand(CLI::App& app) {
  auto* user = app.add_subcommand("user", "Manage users who sign in to the web UI");
  user->require_subcommand(1);

  auto create_args = std::make_shared<UserArgs>();
  auto* create = user->add_subcommand(
      "create", "Create a user; prints a generated password unless --password-stdin");
  create->add_option("--username", create_args->username, "unique user name")->required();
  create->add_option("--role", create_args->role, "admin, member or viewer (default viewer)");
  create->add_flag("--password-stdin", create_args->password_stdin,
                   "read the password from the first line of stdin");
  AddConfigFlags(create, create_args->flags);
  create->callback([create_args] { Create(*create_args); });

  auto passwd_args = std::make_shared<UserArgs>();
  auto* passwd = user->add_subcommand(
      "passwd", "Set a user's password; prints a generated one unless --password-stdin");
  passwd->add_option("username", passwd_args->username, "the user")->required();
  passwd->add_flag("--password-stdin", passwd_args->password_stdin,
                   "read the password from the first line of stdin");
  AddConfigFlags(passwd, passwd_args->flags);
  passwd->callback([passwd_args] { Passwd(*passwd_args); });
}

}  // namespace bulwark::cli
