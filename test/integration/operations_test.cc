// Operations through the real binary: `bulwark secret rotate` re-seals every stored secret under a
// new key in one transaction (SQLite and PostgreSQL), and `bulwark backup` copies a live SQLite
// database that a fresh data directory then serves.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <random>
#include <set>
#include <sstream>

#include "env/crypto.h"
#include "storage/store.h"
#include "test/integration/process.h"
#include "test/support/names.h"
#include "test/support/postgres_schema.h"

namespace bulwark::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kXrayToken = "xray-rotate-4c2e8a";
constexpr const char* kHookSecret = "hook-rotate-9d1f3b";

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class Operations : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bulwark-ops-" + Unique());
    fs::create_directories(dir_ / "data");
    database_ = "sqlite://" + (dir_ / "data" / "bulwark.db").string();
    if (GetParam() == "postgresql") {
      std::string why;
      if (!pg_.Create("ops_" + Unique(), why)) {
        if (PostgresSchema::SkipRequested()) GTEST_SKIP() << why;
        FAIL() << why;
      }
      database_ = pg_.url();
    }
  }

  void TearDown() override {
    server_.reset();
    fs::remove_all(dir_);
    pg_.Drop();
  }

  std::vector<std::string> Args(std::vector<std::string> args, const fs::path& data = {}) {
    args.insert(args.end(), {"--data-dir", (data.empty() ? dir_ / "data" : data).string(),
                             "--database", database_});
    return args;
  }

  // Starts serve; the first start prints the administrator's token.
  void Start(const fs::path& data = {}) {
    server_ = std::make_unique<Process>(Args({"serve", "--listen", "127.0.0.1:0"}, data),
                                        std::map<std::string, std::string>{});
    url_ = server_->WaitForLine("listening on ");
    ASSERT_FALSE(url_.empty()) << server_->Stderr();
    const std::string out = server_->Stdout();
    if (auto at = out.find("API token:  "); at != std::string::npos) {
      admin_ = out.substr(at + 12, out.find('\n', at) - at - 12);
    }
  }

  void Stop() {
    server_->Signal(SIGTERM);
    EXPECT_EQ(server_->Wait(), 0) << server_->Stderr();
    server_.reset();
  }

  httplib::Result Call(const std::string& method, const std::string& path, const json& body) {
    httplib::Client client(url_);
    client.set_bearer_token_auth(admin_.c_str());
    client.set_read_timeout(60, 0);
    if (method == "PUT") return client.Put(path.c_str(), body.dump(), "application/json");
    if (method == "POST") return client.Post(path.c_str(), body.dump(), "application/json");
    return client.Get(path.c_str());
  }

  // An integration access token and a scanner's webhook secret, stored through the API.
  void StoreSecrets() {
    auto integration = Call("PUT", "/api/v1/integrations/jfrogxraysca",
                            {{"active", true},
                             {"api_enabled", true},
                             {"url", "http://127.0.0.1:9"},
                             {"access_token", kXrayToken}});
    ASSERT_TRUE(integration && integration->status == 200)
        << (integration ? integration->body : "no answer");
    auto project = Call("POST", "/api/v1/projects", {{"name", "shop"}});
    ASSERT_TRUE(project && project->status == 201);
    const std::string pid = std::to_string(json::parse(project->body)["id"].get<long>());
    auto scanner =
        Call("POST", "/api/v1/projects/" + pid + "/scanners",
             {{"tool", "jfrogxraysca"},
              {"environment", "production"},
              {"repository_key", "npm-local"},
              {"branch", "main"},
              {"webhook", {{"url", "https://hooks.example.com/b"}, {"secret", kHookSecret}}}});
    ASSERT_TRUE(scanner && scanner->status == 201) << (scanner ? scanner->body : "no answer");
  }

  env::SecretKey KeyIn(const fs::path& file) {
    auto key = env::ParseSecretKey(ReadFile(file).substr(0, 64));
    EXPECT_TRUE(key) << file;
    return key ? *key : env::SecretKey{};
  }

  std::vector<storage::SealedSecret> Sealed() {
    auto store = storage::OpenStore(database_);
    EXPECT_TRUE(store) << store.error().message;
    if (!store) return {};
    auto list = (*store)->SealedSecrets().List();
    EXPECT_TRUE(list) << list.error().message;
    return list ? *list : std::vector<storage::SealedSecret>{};
  }

  fs::path dir_;
  std::string database_, url_, admin_;
  PostgresSchema pg_;
  std::unique_ptr<Process> server_;
};

TEST_P(Operations, SecretRotateResealsEverySecretUnderANewKey) {
  Start();
  StoreSecrets();
  ASSERT_FALSE(HasFatalFailure());
  Stop();
  const fs::path key_file = dir_ / "data" / "secret.key";
  const env::SecretKey old_key = KeyIn(key_file);
  Output rotated = RunBulwark(Args({"secret", "rotate"}));
  ASSERT_EQ(rotated.exit_code, 0) << rotated.err;
  EXPECT_NE(rotated.out.find("re-sealed 2 secret(s)"), std::string::npos) << rotated.out;
  EXPECT_FALSE(fs::exists(dir_ / "data" / "secret.key.next"));
  EXPECT_EQ(fs::status(key_file).permissions() & fs::perms::group_all, fs::perms::none);
  const env::SecretKey new_key = KeyIn(key_file);
  EXPECT_NE(new_key.bytes, old_key.bytes);
  std::set<std::string> opened;
  for (const auto& s : Sealed()) {
    EXPECT_FALSE(env::Unseal(old_key, s.sealed)) << s.table << " still opens with the old key";
    auto plain = env::Unseal(new_key, s.sealed);
    ASSERT_TRUE(plain) << s.table << " " << s.id << ": " << plain.error().message;
    opened.insert(*plain);
  }
  EXPECT_EQ(opened, (std::set<std::string>{kXrayToken, kHookSecret}));
  // Neither the command's output nor its log shows a secret or a key.
  for (const std::string& text : {rotated.out, rotated.err}) {
    EXPECT_EQ(text.find(kXrayToken), std::string::npos);
    EXPECT_EQ(text.find(kHookSecret), std::string::npos);
    EXPECT_EQ(text.find(ReadFile(key_file).substr(0, 64)), std::string::npos);
  }
  // The server starts on the new key and still opens the token (the repository list needs it:
  // it reaches the closed loopback port instead of complaining about the token).
  Start();
  auto ready = Call("GET", "/readyz", nullptr);
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200);
  auto repos = Call("GET", "/api/v1/integrations/jfrogxraysca/repositories", nullptr);
  ASSERT_TRUE(repos);
  EXPECT_NE(repos->status, 500) << repos->body;
  EXPECT_EQ(repos->body.find("seal"), std::string::npos) << repos->body;
}

TEST_P(Operations, AFailedRotationChangesNeitherTheDatabaseNorTheKey) {
  Start();
  StoreSecrets();
  ASSERT_FALSE(HasFatalFailure());
  Stop();
  const fs::path key_file = dir_ / "data" / "secret.key";
  const std::string key_text = ReadFile(key_file);
  // One secret sealed under some other key: the rotation cannot open it.
  std::vector<storage::SealedSecret> before = Sealed();
  ASSERT_EQ(before.size(), 2u);
  {
    auto store = storage::OpenStore(database_);
    ASSERT_TRUE(store);
    storage::SealedSecret foreign = before.back();
    env::SecretKey other;
    other.bytes.fill(7);
    foreign.sealed = env::Seal(other, "x");
    ASSERT_TRUE((*store)->SealedSecrets().Replace(foreign));
    before.back() = foreign;
  }
  Output rotated = RunBulwark(Args({"secret", "rotate"}));
  EXPECT_EQ(rotated.exit_code, 1);
  EXPECT_NE(rotated.err.find(before.back().table + " row " + std::to_string(before.back().id)),
            std::string::npos)
      << rotated.err;
  EXPECT_EQ(ReadFile(key_file), key_text);
  EXPECT_FALSE(fs::exists(dir_ / "data" / "secret.key.next"));
  std::vector<storage::SealedSecret> after = Sealed();
  ASSERT_EQ(after.size(), before.size());
  for (std::size_t i = 0; i < after.size(); ++i) EXPECT_EQ(after[i].sealed, before[i].sealed);
}

TEST_P(Operations, BackupCopiesALiveSqliteDatabaseThatAFreshDataDirServes) {
  Start();
  ASSERT_FALSE(HasFatalFailure());
  auto kept = Call("POST", "/api/v1/projects", {{"name", "kept"}});
  ASSERT_TRUE(kept && kept->status == 201);
  const fs::path backup = dir_ / "bulwark-backup.db";
  Output out = RunBulwark(Args({"backup", "--output", backup.string()}));
  if (GetParam() == "postgresql") {
    EXPECT_EQ(out.exit_code, 2);
    EXPECT_NE(out.err.find("pg_dump"), std::string::npos) << out.err;
    return;
  }
  ASSERT_EQ(out.exit_code, 0) << out.err;
  EXPECT_NE(out.out.find("secret.key"), std::string::npos) << out.out;
  // Written while the server runs; what comes after is not in it.
  auto after = Call("POST", "/api/v1/projects", {{"name", "after"}});
  ASSERT_TRUE(after && after->status == 201);
  // A second backup to the same file is refused.
  Output again = RunBulwark(Args({"backup", "--output", backup.string()}));
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("already exists"), std::string::npos) << again.err;
  Stop();
  // Restore: the file becomes the database of a new data directory, with the same key.
  const fs::path restored = dir_ / "restored";
  fs::create_directories(restored);
  fs::copy_file(backup, restored / "bulwark.db");
  fs::copy_file(dir_ / "data" / "secret.key", restored / "secret.key");
  database_ = "sqlite://" + (restored / "bulwark.db").string();
  Start(restored);
  ASSERT_FALSE(HasFatalFailure());
  auto ready = Call("GET", "/readyz", nullptr);
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200) << ready->body;
  auto projects = Call("GET", "/api/v1/projects", nullptr);  // the old admin token still works
  ASSERT_TRUE(projects);
  ASSERT_EQ(projects->status, 200) << projects->body;
  EXPECT_NE(projects->body.find("\"kept\""), std::string::npos) << projects->body;
  EXPECT_EQ(projects->body.find("\"after\""), std::string::npos) << projects->body;
}

INSTANTIATE_TEST_SUITE_P(Backends, Operations, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace bulwark::testing
