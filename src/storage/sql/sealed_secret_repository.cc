// The sealed secrets of every table that keeps one, for key rotation.
#include <fmt/format.h>

#include "storage/sql/repositories.h"
#include "storage/sql/row_codec.h"
#include "storage/sql/row_results.h"

namespace bulwark::storage::sql {
namespace {

struct SealedColumn {
  std::string_view table;
  std::string_view column;
};

constexpr SealedColumn kSealedColumns[] = {
    {"integrations", "sealed_access_token"},
    {"scanner_configs", "sealed_webhook_secret"},
    {"webhook_deliveries", "sealed_secret"},
};

class SqlSealedSecrets final : public SealedSecretRepository {
 public:
  explicit SqlSealedSecrets(Session& s) : s_(s) {}

  core::Result<std::vector<SealedSecret>> List() override {
    std::vector<SealedSecret> out;
    for (const SealedColumn& c : kSealedColumns) {
      auto rows = s_.Query(
          fmt::format("SELECT id, {1} FROM {0} WHERE {1} <> '' ORDER BY id", c.table, c.column),
          {});
      if (!rows) return std::unexpected(rows.error());
      for (const Row& r : *rows) {
        out.push_back(SealedSecret{std::string(c.table), ToInt(r[0]), ToText(r[1])});
      }
    }
    return out;
  }

  core::Status Replace(const SealedSecret& secret) override {
    for (const SealedColumn& c : kSealedColumns) {
      if (c.table != secret.table) continue;
      return Touched(s_.Query(fmt::format("UPDATE {} SET {} = $1 WHERE id = $2 RETURNING id",
                                          c.table, c.column),
                              {secret.sealed, Int(secret.id)}),
                     fmt::format("{} row {}", c.table, secret.id));
    }
    return core::Fail(core::ErrorCode::kInvalidArgument,
                      fmt::format("no sealed secret is kept in table '{}'", secret.table));
  }

 private:
  Session& s_;
};

}  // namespace

std::unique_ptr<SealedSecretRepository> MakeSealedSecretRepository(Session& s) {
  return std::make_unique<SqlSealedSecrets>(s);
}

}  // namespace bulwark::storage::sql
