// One contract suite for the storage port, run on SQLite (a temp file) and on PostgreSQL (a fresh
// schema of the server named by BULWARK_TEST_POSTGRES_URL, so tests can run in parallel).
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <pqxx/pqxx>
#include <random>

#include "storage/store.h"
#include "storage/store_test_fixture.h"

namespace bulwark::storage {
namespace {

using core::ErrorCode;
using namespace std::chrono_literals;

TEST_P(StoreContract, CreatesReadsUpdatesAndDeletesAProject) {
  Project p = MakeProject("payments");
  EXPECT_GT(p.id, 0);
  EXPECT_EQ(p.default_branch, "main");
  auto got = store_->Projects().Get(p.id);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->name, "payments");
  EXPECT_EQ(got->description, "desc of payments");
  EXPECT_EQ(got->created_at, p.created_at);

  p.description = "changed";
  p.default_branch = "develop";
  ASSERT_TRUE(store_->Projects().Update(p));
  auto by_name = store_->Projects().GetByName("payments");
  ASSERT_TRUE(by_name);
  EXPECT_EQ(by_name->description, "changed");
  EXPECT_EQ(by_name->default_branch, "develop");

  ASSERT_TRUE(store_->Projects().Delete(p.id));
  auto gone = store_->Projects().Get(p.id);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, ErrorCode::kNotFound);
}

TEST_P(StoreContract, MissingRowsAreNotFound) {
  Project ghost;
  ghost.id = 4242;
  ghost.name = "ghost";
  EXPECT_EQ(store_->Projects().Update(ghost).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->Projects().Delete(4242).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->Users().GetByUsername("nobody").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->Tokens().Revoke(77, Time{}).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->ScannerConfigs().Get(9).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->Integrations().GetByKind("jfrogxraysca").error().code, ErrorCode::kNotFound);
}

TEST_P(StoreContract, UniqueRulesAreConflicts) {
  MakeProject("api");
  Project dup;
  dup.name = "api";
  auto again = store_->Projects().Create(dup);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kConflict) << again.error().message;

  User u{0, "alice", "hash", Role::kMember, {}};
  ASSERT_TRUE(store_->Users().Create(u));
  EXPECT_EQ(store_->Users().Create(u).error().code, ErrorCode::kConflict);

  ApiToken t;
  t.name = "ci";
  t.secret_hash = "h1";
  ASSERT_TRUE(store_->Tokens().Create(t));
  t.secret_hash = "h2";
  EXPECT_EQ(store_->Tokens().Create(t).error().code, ErrorCode::kConflict);

  Project other = MakeProject("web");
  Project renamed = other;
  renamed.name = "api";
  EXPECT_EQ(store_->Projects().Update(renamed).error().code, ErrorCode::kConflict);
  EXPECT_EQ(store_->Projects().Get(other.id)->name, "web");
}

TEST_P(StoreContract, ListsWithFilterAndCursorPagination) {
  for (const char* name : {"svc-a", "lib-x", "svc-b", "svc-c", "lib-y", "svc-d", "svc-e"}) {
    MakeProject(name);
  }
  std::vector<std::string> seen;
  PageRequest page{2, ""};
  int pages = 0;
  do {
    auto got = store_->Projects().List(ProjectFilter{"svc-"}, page);
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_LE(got->items.size(), 2u);
    for (const auto& p : got->items) seen.push_back(p.name);
    page.cursor = got->next_cursor;
    ++pages;
  } while (!page.cursor.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, (std::vector<std::string>{"svc-a", "svc-b", "svc-c", "svc-d", "svc-e"}));

  auto all = store_->Projects().List({}, PageRequest{100, ""});
  ASSERT_TRUE(all);
  EXPECT_EQ(all->items.size(), 7u);
  EXPECT_TRUE(all->next_cursor.empty());

  auto bad = store_->Projects().List({}, PageRequest{10, "not-a-cursor"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->Projects().List({}, PageRequest{0, ""}).error().code,
            ErrorCode::kInvalidArgument);
}

TEST_P(StoreContract, NameFilterTreatsWildcardsLiterally) {
  MakeProject("a%b");
  MakeProject("axb");
  auto got = store_->Projects().List(ProjectFilter{"%"}, {});
  ASSERT_TRUE(got);
  ASSERT_EQ(got->items.size(), 1u);
  EXPECT_EQ(got->items[0].name, "a%b");
}

TEST_P(StoreContract, TransactionRollsBackOnErrorLeavingNothing) {
  MakeProject("existing");
  auto status = store_->WithTransaction([](Repositories& repos) -> core::Status {
    Project fresh;
    fresh.name = "fresh";
    if (auto r = repos.Projects().Create(fresh); !r) return std::unexpected(r.error());
    User u{0, "bob", "hash", Role::kViewer, {}};
    if (auto r = repos.Users().Create(u); !r) return std::unexpected(r.error());
    Project dup;
    dup.name = "existing";
    if (auto r = repos.Projects().Create(dup); !r) return std::unexpected(r.error());
    return core::Ok();
  });
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, ErrorCode::kConflict);
  EXPECT_EQ(store_->Projects().GetByName("fresh").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->Users().Count().value_or(-1), 0);
  // The store stays usable after a rollback.
  EXPECT_TRUE(store_->Projects().Create(Project{0, "after", "", "main", {}}));
}

TEST_P(StoreContract, TransactionRollsBackWhenTheCallbackFails) {
  auto status = store_->WithTransaction([](Repositories& repos) -> core::Status {
    if (auto r = repos.Projects().Create(Project{0, "temp", "", "main", {}}); !r) {
      return std::unexpected(r.error());
    }
    return core::Fail(ErrorCode::kInvalidArgument, "caller changed its mind");
  });
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().message, "caller changed its mind");
  EXPECT_EQ(store_->Projects().GetByName("temp").error().code, ErrorCode::kNotFound);
}

TEST_P(StoreContract, TransactionCommitsAllOrNothing) {
  ASSERT_TRUE(store_->WithTransaction([](Repositories& repos) -> core::Status {
    for (const char* n : {"one", "two"}) {
      if (auto r = repos.Projects().Create(Project{0, n, "", "main", {}}); !r) {
        return std::unexpected(r.error());
      }
    }
    return core::Ok();
  }));
  EXPECT_EQ(store_->Projects().List({}, {})->items.size(), 2u);
}

TEST_P(StoreContract, UsersRoundTripAndFilterByRole) {
  User admin{0, "admin", "$argon2id$x", Role::kAdmin, {}};
  auto a = store_->Users().Create(admin);
  ASSERT_TRUE(a) << a.error().message;
  ASSERT_TRUE(store_->Users().Create(User{0, "carol", "h", Role::kViewer, {}}));
  EXPECT_EQ(store_->Users().Count().value_or(-1), 2);
  auto got = store_->Users().GetByUsername("admin");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->role, Role::kAdmin);
  EXPECT_EQ(got->password_hash, "$argon2id$x");
  auto admins = store_->Users().List(UserFilter{Role::kAdmin}, {});
  ASSERT_TRUE(admins);
  ASSERT_EQ(admins->items.size(), 1u);
  EXPECT_EQ(admins->items[0].username, "admin");
  got->role = Role::kMember;
  ASSERT_TRUE(store_->Users().Update(*got));
  EXPECT_EQ(store_->Users().Get(got->id)->role, Role::kMember);
  ASSERT_TRUE(store_->Users().Delete(got->id));
  EXPECT_EQ(store_->Users().Count().value_or(-1), 1);
}

TEST_P(StoreContract, TokensKeepHashTimesAndRevocation) {
  const Time created = Time(1'767'225'600'000ms);
  ApiToken t;
  t.name = "ci";
  t.secret_hash = "abc123";
  t.role = Role::kMember;
  t.created_at = created;
  t.expires_at = created + 24h;
  auto made = store_->Tokens().Create(t);
  ASSERT_TRUE(made) << made.error().message;
  auto found = store_->Tokens().GetBySecretHash("abc123");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->name, "ci");
  EXPECT_EQ(found->role, Role::kMember);
  EXPECT_EQ(found->created_at, created);
  EXPECT_EQ(found->expires_at, created + 24h);
  EXPECT_FALSE(found->last_used_at);
  EXPECT_FALSE(found->revoked_at);
  EXPECT_FALSE(found->user_id);

  ASSERT_TRUE(store_->Tokens().TouchLastUsed(made->id, created + 1h));
  ASSERT_TRUE(store_->Tokens().Revoke(made->id, created + 2h));
  ASSERT_TRUE(store_->Tokens().Revoke(made->id, created + 3h));
  auto after = store_->Tokens().GetByName("ci");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->last_used_at, created + 1h);
  EXPECT_EQ(after->revoked_at, created + 2h);

  ApiToken live;
  live.name = "live";
  live.secret_hash = "def";
  live.created_at = created;
  ASSERT_TRUE(store_->Tokens().Create(live));
  auto active = store_->Tokens().List(TokenFilter{false, std::nullopt}, {});
  ASSERT_TRUE(active);
  ASSERT_EQ(active->items.size(), 1u);
  EXPECT_EQ(active->items[0].name, "live");
  EXPECT_EQ(store_->Tokens().List({}, {})->items.size(), 2u);
}

TEST_P(StoreContract, TokenOfADeletedUserIsDeletedToo) {
  auto u = store_->Users().Create(User{0, "dave", "h", Role::kAdmin, {}});
  ASSERT_TRUE(u);
  ApiToken t;
  t.name = "dave-token";
  t.secret_hash = "x";
  t.user_id = u->id;
  ASSERT_TRUE(store_->Tokens().Create(t));
  ASSERT_TRUE(store_->Users().Delete(u->id));
  EXPECT_EQ(store_->Tokens().GetByName("dave-token").error().code, ErrorCode::kNotFound);
}

TEST_P(StoreContract, IntegrationsRoundTripByKind) {
  Integration i;
  i.kind = "jfrogxraysca";
  i.active = true;
  i.api_enabled = true;
  i.url = "https://acme.jfrog.io";
  i.sealed_access_token = "c2VhbGVk";
  auto made = store_->Integrations().Create(i);
  ASSERT_TRUE(made) << made.error().message;
  EXPECT_EQ(store_->Integrations().Create(i).error().code, ErrorCode::kConflict);
  auto got = store_->Integrations().GetByKind("jfrogxraysca");
  ASSERT_TRUE(got);
  EXPECT_TRUE(got->active);
  EXPECT_TRUE(got->api_enabled);
  EXPECT_FALSE(got->insecure);
  EXPECT_EQ(got->sealed_access_token, "c2VhbGVk");
  got->insecure = true;
  got->active = false;
  got->last_test_result = "ok: Xray 3.80";
  got->last_tested_at = Time(5000ms);
  ASSERT_TRUE(store_->Integrations().Update(*got));
  auto again = store_->Integrations().Get(made->id);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->insecure);
  EXPECT_EQ(again->last_tested_at, Time(5000ms));
  EXPECT_EQ(store_->Integrations().List(IntegrationFilter{true}, {})->items.size(), 0u);
  EXPECT_EQ(store_->Integrations().List(IntegrationFilter{false}, {})->items.size(), 1u);
  ASSERT_TRUE(store_->Integrations().Delete(made->id));
}

TEST_P(StoreContract, ScannerConfigsBelongToAnExistingProject) {
  Project p = MakeProject("shop");
  ScannerConfig c;
  c.project_id = p.id;
  c.tool = "jfrogxraysca";
  c.environment = "prod";
  c.repository_key = "docker-local";
  c.branch = "main";
  c.include_patterns = {"app/**", "lib/*.jar"};
  c.exclude_patterns = {"test/**"};
  c.schedule = Schedule{true, "weekly", 2, {"mon", "thu"}};
  c.webhook_url = "https://hooks.example/x";
  auto made = store_->ScannerConfigs().Create(c);
  ASSERT_TRUE(made) << made.error().message;
  EXPECT_EQ(made->include_patterns, c.include_patterns);
  EXPECT_EQ(made->exclude_patterns, c.exclude_patterns);
  EXPECT_EQ(made->schedule.days, c.schedule.days);
  EXPECT_EQ(made->schedule.interval, 2);
  EXPECT_TRUE(made->schedule.enabled);
  EXPECT_EQ(store_->ScannerConfigs().Create(c).error().code, ErrorCode::kConflict);

  ScannerConfig orphan = c;
  orphan.project_id = p.id + 1000;
  auto bad = store_->ScannerConfigs().Create(orphan);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument) << bad.error().message;

  made->branch = "develop";
  made->include_patterns.clear();
  ASSERT_TRUE(store_->ScannerConfigs().Update(*made));
  auto got = store_->ScannerConfigs().Get(made->id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->branch, "develop");
  EXPECT_TRUE(got->include_patterns.empty());

  Project other = MakeProject("other");
  c.project_id = other.id;
  ASSERT_TRUE(store_->ScannerConfigs().Create(c));
  auto of_shop = store_->ScannerConfigs().List(ScannerConfigFilter{p.id, "", "", "", ""}, {});
  ASSERT_TRUE(of_shop);
  ASSERT_EQ(of_shop->items.size(), 1u);
  EXPECT_EQ(of_shop->items[0].id, made->id);
  EXPECT_EQ(store_->ScannerConfigs()
                .List(ScannerConfigFilter{std::nullopt, "other", "", "", ""}, {})
                ->items.size(),
            0u);

  ASSERT_TRUE(store_->Projects().Delete(p.id));
  EXPECT_EQ(store_->ScannerConfigs().Get(made->id).error().code, ErrorCode::kNotFound);
}

TEST_P(StoreContract, SchemaIsReadyAndReopeningIsIdempotent) {
  auto ready = store_->CheckReady();
  ASSERT_TRUE(ready) << ready.error().message;
  EXPECT_GE(ready->applied_version, 1);
  EXPECT_EQ(ready->applied_version, ready->binary_version);
  MakeProject("kept");
  store_.reset();
  auto reopened = OpenStore(url_);
  ASSERT_TRUE(reopened) << reopened.error().message;
  EXPECT_TRUE((*reopened)->Projects().GetByName("kept"));
}

TEST_P(StoreContract, RefusesADatabaseNewerThanTheBinary) {
  store_.reset();
  ExecRaw("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)");
  auto reopened = OpenStore(url_);
  ASSERT_FALSE(reopened);
  EXPECT_EQ(reopened.error().code, ErrorCode::kConflict);
  EXPECT_NE(reopened.error().message.find("newer than this bulwark binary"), std::string::npos)
      << reopened.error().message;
}

TEST_P(StoreContract, SchemaHoldsEveryTableOfTheArchitecture) {
  for (const char* table :
       {"users", "api_tokens", "integrations", "projects", "scanner_configs", "scans", "findings",
        "finding_history", "triage", "events", "webhook_deliveries", "audit_log"}) {
    ExecRaw(std::string("SELECT COUNT(*) FROM ") + table);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContract, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST(OpenStore, RejectsAnUnknownScheme) {
  auto store = OpenStore("mysql://localhost/db");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(store.error().message.find("sqlite://"), std::string::npos);
}

TEST_P(StoreContract, SealedSecretsAreListedAndReplacedInEveryTable) {
  Integration i;
  i.kind = "jfrogxraysca";
  i.sealed_access_token = "sealed-token";
  auto integration = store_->Integrations().Create(i);
  ASSERT_TRUE(integration) << integration.error().message;
  Project p = MakeProject("vault");
  ScannerConfig with_secret;
  with_secret.project_id = p.id;
  with_secret.tool = "jfrogxraysca";
  with_secret.branch = "main";
  with_secret.webhook_url = "https://hooks.example/x";
  with_secret.sealed_webhook_secret = "sealed-hook";
  auto config = store_->ScannerConfigs().Create(with_secret);
  ASSERT_TRUE(config) << config.error().message;
  ScannerConfig without = with_secret;
  without.branch = "develop";
  without.sealed_webhook_secret.clear();
  ASSERT_TRUE(store_->ScannerConfigs().Create(without));

  auto listed = store_->SealedSecrets().List();
  ASSERT_TRUE(listed) << listed.error().message;
  ASSERT_EQ(listed->size(), 2u);  // an empty value is no secret
  EXPECT_EQ((*listed)[0].table, "integrations");
  EXPECT_EQ((*listed)[0].sealed, "sealed-token");
  EXPECT_EQ((*listed)[1].table, "scanner_configs");
  EXPECT_EQ((*listed)[1].id, config->id);

  auto st = store_->WithTransaction([&](Repositories& repos) -> core::Status {
    return repos.SealedSecrets().Replace({"scanner_configs", config->id, "resealed"});
  });
  ASSERT_TRUE(st) << st.error().message;
  EXPECT_EQ(store_->ScannerConfigs().Get(config->id)->sealed_webhook_secret, "resealed");
  EXPECT_EQ(store_->SealedSecrets().Replace({"scanner_configs", config->id + 99, "x"}).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(store_->SealedSecrets().Replace({"users", 1, "x"}).error().code,
            ErrorCode::kInvalidArgument);
}

TEST(OpenStore, RefusesAFileThatIsNotADatabase) {
  auto path = std::filesystem::temp_directory_path() / ("bulwark-junk-" + Unique());
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    std::fputs("this is not a database, just text that is long enough to look like a header\n", f);
    std::fclose(f);
  }
  auto store = OpenStore("sqlite://" + path.string());
  std::filesystem::remove(path);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kDataLoss) << store.error().message;
}

}  // namespace
}  // namespace bulwark::storage
