#include <fmt/format.h>

#include <chrono>

#include "storage/sql/session.h"

namespace bulwark::storage::sql {

core::Result<int> AppliedVersion(Session& session) {
  auto rows = session.Query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", {});
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty() || !(*rows)[0][0]) return 0;
  return std::stoi(*(*rows)[0][0]);
}

core::Result<int> ApplyMigrations(Session& session, const std::vector<Migration>& migrations) {
  auto created = session.Script(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
  if (!created) return std::unexpected(created.error().Wrap("creating schema_migrations"));
  auto applied = AppliedVersion(session);
  if (!applied) return applied;
  const int latest = migrations.empty() ? 0 : migrations.back().version;
  if (*applied > latest) {
    return core::Fail(core::ErrorCode::kConflict,
                      fmt::format("database schema version {} is newer than this bulwark binary "
                                  "supports (up to {}); run a newer bulwark release against it",
                                  *applied, latest));
  }
  for (const Migration& m : migrations) {
    if (m.version <= *applied) continue;
    if (auto s = session.Script(m.script); !s) {
      return std::unexpected(s.error().Wrap(fmt::format("migration {} ({})", m.version, m.name)));
    }
    auto rec = session.Query(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
        {std::to_string(m.version), std::string(m.name),
         std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count())});
    if (!rec) return std::unexpected(rec.error());
  }
  return latest;
}

}  // namespace bulwark::storage::sql
