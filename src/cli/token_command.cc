// `bulwark token create|list|revoke`: manage API tokens in the configured database.
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <charconv>
#include <iostream>

#include "cli/commands.h"
#include "cli/runtime.h"
#include "env/clock.h"

namespace bulwark::cli {
namespace {

// "30d", "12h", "90m", "2w" -> a duration; kInvalidArgument otherwise.
core::Result<std::chrono::seconds> ParseExpiresIn(const std::string& text) {
  long long n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  const bool one_unit = end != text.data() && end + 1 == text.data() + text.size();
  if (ec != std::errc() || !one_unit || n <= 0 || n > 100'000) {
    return core::Fail(core::ErrorCode::kInvalidArgument,
                      fmt::format("invalid --expires-in '{}': expected a positive number followed "
                                  "by m, h, d or w (e.g. 30d)",
                                  text));
  }
  switch (*end) {
    case 'm':
      return std::chrono::minutes(n);
    case 'h':
      return std::chrono::hours(n);
    case 'd':
      return std::chrono::days(n);
    case 'w':
      return std::chrono::weeks(n);
    default:
      return core::Fail(
          core::ErrorCode::kInvalidArgument,
          fmt::format("invalid --expires-in '{}': the unit must be m, h, d or w", text));
  }
}

std::unique_ptr<storage::Store> Open(const ConfigFlags& flags) {
  Config config = LoadConfigOrExit(flags);
  config.log_level = "warn";
  SetUpLogging(config);
  PrepareDataDirOrExit(config);
  return OpenStoreOrExit(config);
}

std::string Iso(const std::optional<storage::Time>& t) {
  if (!t) return "-";
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}",
                     std::chrono::time_point_cast<std::chrono::seconds>(*t));
}

struct CreateArgs {
  ConfigFlags flags;
  std::string name;
  std::string role = "member";
  std::string expires_in;
};

void Create(const CreateArgs& args) {
  auto role = storage::ParseRole(args.role);
  if (!role) ExitWithError("invalid --role: " + role.error().message);
  std::optional<std::chrono::seconds> lifetime;
  if (!args.expires_in.empty()) {
    auto parsed = ParseExpiresIn(args.expires_in);
    if (!parsed) ExitWithError(parsed.error().message);
    lifetime = *parsed;
  }
  if (args.name.empty() || args.name.size() > 100) {
    ExitWithError("invalid --name: must be 1 to 100 characters");
  }
  auto store = Open(args.flags);
  const auto now = env::Clock::System().Now();
  const std::string secret = env::GenerateApiToken();
  storage::ApiToken token;
  token.name = args.name;
  token.secret_hash = env::HashToken(secret);
  token.role = *role;
  token.created_at = now;
  if (lifetime) token.expires_at = now + *lifetime;
  auto created = store->Tokens().Create(token);
  if (!created) {
    if (created.error().code == core::ErrorCode::kConflict) {
      ExitWithError(
          fmt::format("a token named '{}' already exists; choose another --name", args.name), 1);
    }
    ExitWithError("creating the token: " + created.error().message, 1);
  }
  std::cout << secret << std::endl;  // the only output, so scripts can capture it
}

void List(const ConfigFlags& flags) {
  auto store = Open(flags);
  fmt::print("{:<6} {:<24} {:<7} {:<21} {:<21} {:<21} {}\n", "ID", "NAME", "ROLE", "CREATED",
             "EXPIRES", "LAST USED", "STATUS");
  const auto now = env::Clock::System().Now();
  storage::PageRequest page{200, ""};
  do {
    auto got = store->Tokens().List({}, page);
    if (!got) ExitWithError("listing tokens: " + got.error().message, 1);
    for (const auto& t : got->items) {
      const char* status = t.revoked_at                             ? "revoked"
                           : (t.expires_at && *t.expires_at <= now) ? "expired"
                                                                    : "active";
      fmt::print("{:<6} {:<24} {:<7} {:<21} {:<21} {:<21} {}\n", t.id, t.name,
                 storage::RoleName(t.role), Iso(t.created_at), Iso(t.expires_at),
                 Iso(t.last_used_at), status);
    }
    page.cursor = got->next_cursor;
  } while (!page.cursor.empty());
}

void Revoke(const ConfigFlags& flags, const std::string& which) {
  auto store = Open(flags);
  auto token = store->Tokens().GetByName(which);
  if (!token) {
    std::int64_t id = 0;
    auto [end, ec] = std::from_chars(which.data(), which.data() + which.size(), id);
    if (ec == std::errc() && end == which.data() + which.size()) token = store->Tokens().Get(id);
  }
  if (!token) ExitWithError(fmt::format("no token with name or id '{}'", which), 1);
  if (auto s = store->Tokens().Revoke(token->id, env::Clock::System().Now()); !s) {
    ExitWithError("revoking the token: " + s.error().message, 1);
  }
  std::cerr << fmt::format("revoked token {} ('{}')\n", token->id, token->name);
}

}  // namespace

void RegisterTokenCommand(CLI::App& app) {
  auto* token = app.add_subcommand("token", "Manage API tokens");
  token->require_subcommand(1);

  auto create_args = std::make_shared<CreateArgs>();
  auto* create = token->add_subcommand("create", "Create an API token and print it on stdout");
  create->add_option("--name", create_args->name, "a unique name for the token")->required();
  create->add_option("--role", create_args->role, "admin, member or viewer (default member)");
  create->add_option("--expires-in", create_args->expires_in,
                     "lifetime such as 90m, 12h, 30d, 2w (default: never expires)");
  AddConfigFlags(create, create_args->flags);
  create->callback([create_args] { Create(*create_args); });

  auto list_flags = std::make_shared<ConfigFlags>();
  auto* list = token->add_subcommand("list", "List API tokens (never their secrets)");
  AddConfigFlags(list, *list_flags);
  list->callback([list_flags] { List(*list_flags); });

  auto revoke_flags = std::make_shared<ConfigFlags>();
  auto which = std::make_shared<std::string>();
  auto* revoke = token->add_subcommand("revoke", "Revoke an API token by name or id");
  revoke->add_option("token", *which, "name or id of the token")->required();
  AddConfigFlags(revoke, *revoke_flags);
  revoke->callback([revoke_flags, which] { Revoke(*revoke_flags, *which); });
}

}  // namespace bulwark::cli
