// End-to-end tests of the real `bulwark` binary: `serve` on a free port of 127.0.0.1 against
// SQLite (a temp directory) and PostgreSQL (a fresh schema per test), `token` commands, and
// start-up errors.
#include <gtest/gtest.h>
#include <httplib.h>
#include <sqlite3.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <random>

#include "test/integration/process.h"
#include "test/support/names.h"
#include "test/support/postgres_schema.h"

namespace bulwark::testing {
namespace {

struct Server {
  std::unique_ptr<Process> process;
  std::string url;    // http://127.0.0.1:PORT
  std::string admin;  // first-start admin token, "" when not a first start
};

class ServeTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("bulwark-it-" + Unique());
    std::filesystem::create_directories(dir_);
    config_ = {"--data-dir", (dir_ / "data").string()};
    if (GetParam() == "postgresql") {
      std::string why;
      if (!pg_.Create("it_" + Unique(), why)) {
        if (PostgresSchema::SkipRequested()) GTEST_SKIP() << why;
        FAIL() << why;
      }
      db_url_ = pg_.url();
      config_.push_back("--database");
      config_.push_back(db_url_);
    }
  }

  void TearDown() override {
    std::filesystem::remove_all(dir_);
    pg_.Drop();
  }

  std::vector<std::string> Args(std::vector<std::string> args) {
    args.insert(args.end(), config_.begin(), config_.end());
    return args;
  }

  Server Start() {
    Server s;
    s.process = std::make_unique<Process>(Args({"serve", "--listen", "127.0.0.1:0"}),
                                          std::map<std::string, std::string>{});
    std::string addr = s.process->WaitForLine("listening on ");
    EXPECT_FALSE(addr.empty()) << "serve did not start:\n" << s.process->Stderr();
    s.url = addr;
    std::string out = s.process->Stdout();
    auto at = out.find("API token:  ");
    if (at != std::string::npos) s.admin = out.substr(at + 12, out.find('\n', at) - at - 12);
    return s;
  }

  std::string CreateToken(const std::string& name, const std::string& role,
                          std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"token", "create", "--name", name, "--role", role};
    args.insert(args.end(), extra.begin(), extra.end());
    Output o = RunBulwark(Args(args));
    EXPECT_EQ(o.exit_code, 0) << o.err;
    EXPECT_EQ(std::count(o.out.begin(), o.out.end(), '\n'), 1) << o.out;
    std::string token = o.out.substr(0, o.out.find('\n'));
    EXPECT_TRUE(token.starts_with("bwk_")) << token;
    return token;
  }

  // Runs SQL on the server's database behind its back.
  void ExecSql(const std::string& statement) {
    if (GetParam() == "sqlite") {
      sqlite3* db = nullptr;
      ASSERT_EQ(sqlite3_open((dir_ / "data" / "bulwark.db").c_str(), &db), SQLITE_OK);
      sqlite3_busy_timeout(db, 5000);
      char* err = nullptr;
      int rc = sqlite3_exec(db, statement.c_str(), nullptr, nullptr, &err);
      std::string message = err ? err : "";
      sqlite3_free(err);
      sqlite3_close(db);
      ASSERT_EQ(rc, SQLITE_OK) << message;
    } else {
      pqxx::connection conn(db_url_);
      pqxx::nontransaction(conn).exec(statement);
    }
  }

  std::filesystem::path dir_;
  std::vector<std::string> config_;
  PostgresSchema pg_;
  std::string db_url_;
};

httplib::Result Get(const std::string& url, const std::string& path,
                    const std::string& authorization = "") {
  httplib::Client client(url);
  client.set_connection_timeout(10);
  client.set_read_timeout(30);
  httplib::Headers headers;
  if (!authorization.empty()) headers.emplace("Authorization", authorization);
  return client.Get(path.c_str(), headers);
}

void ExpectUnauthenticated(const httplib::Result& r, const std::string& why) {
  ASSERT_TRUE(r) << "no response";
  EXPECT_EQ(r->status, 401) << r->body;
  auto body = nlohmann::json::parse(r->body, nullptr, false);
  ASSERT_TRUE(body.is_object()) << r->body;
  EXPECT_EQ(body.value("code", ""), "unauthenticated");
  EXPECT_NE(body.value("message", "").find(why), std::string::npos) << body.dump();
  EXPECT_FALSE(r->get_header_value("X-Request-Id").empty());
}

TEST_P(ServeTest, ServesHealthReadinessAndMetrics) {
  Server s = Start();
  auto health = Get(s.url, "/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_FALSE(health->get_header_value("X-Request-Id").empty());
  auto ready = Get(s.url, "/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200) << ready->body;
  auto body = nlohmann::json::parse(ready->body);
  EXPECT_EQ(body["database"], GetParam());
  EXPECT_GE(body["schema_version"].get<int>(), 1);
  // A request is counted once its response is written, so await the count rather than race it.
  const std::string counted = "bulwark_http_requests_total{method=\"GET\",status=\"200\"}";
  auto metrics = Get(s.url, "/metrics");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (metrics && metrics->body.find(counted) == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    metrics = Get(s.url, "/metrics");
  }
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  EXPECT_NE(metrics->body.find("bulwark_http_requests_total{method=\"GET\",status=\"200\"}"),
            std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find("bulwark_http_request_duration_seconds_bucket"), std::string::npos);
}

// Clients that keep their connection alive (browser tabs, kdt pollers, load generators) each
// hold a server thread until the keep-alive timeout (2 s): with a thread pool sized for 2 cores a
// 13th client would wait for one of them to time out.
TEST_P(ServeTest, ManyKeptAliveClientsDoNotHoldUpTheNext) {
  Server s = Start();
  std::vector<std::unique_ptr<httplib::Client>> idle;
  for (int i = 0; i < 12; ++i) {
    idle.push_back(std::make_unique<httplib::Client>(s.url));
    idle.back()->set_keep_alive(true);
    auto r = idle.back()->Get("/healthz");
    ASSERT_TRUE(r) << "client " << i;
    ASSERT_EQ(r->status, 200);
  }
  httplib::Client next(s.url);
  next.set_connection_timeout(1);
  next.set_read_timeout(1, 500000);  // under the 2 s keep-alive timeout of the idle ones
  auto r = next.Get("/healthz");
  ASSERT_TRUE(r) << "the 13th client got no answer while 12 idle connections were open: "
                 << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 200);
}

TEST_P(ServeTest, FirstStartPrintsAdminCredentialsOnceAndTheTokenWorks) {
  Server s = Start();
  ASSERT_TRUE(s.admin.starts_with("bwk_")) << s.process->Stdout();
  EXPECT_NE(s.process->Stdout().find("Password:   "), std::string::npos);
  auto me = Get(s.url, "/api/v1/me", "Bearer " + s.admin);
  ASSERT_TRUE(me);
  EXPECT_EQ(me->status, 200) << me->body;
  EXPECT_EQ(nlohmann::json::parse(me->body)["role"], "admin");
  s.process->Signal(SIGTERM);
  EXPECT_EQ(s.process->Wait(), 0);

  Server again = Start();
  EXPECT_TRUE(again.admin.empty());
  EXPECT_EQ(again.process->Stdout().find("Password"), std::string::npos);
}

TEST_P(ServeTest, RejectsMissingMalformedUnknownExpiredAndRevokedTokens) {
  Server s = Start();
  ExpectUnauthenticated(Get(s.url, "/api/v1/me"), "missing Authorization");
  ExpectUnauthenticated(Get(s.url, "/api/v1/me", "Token abc"), "malformed Authorization");
  ExpectUnauthenticated(Get(s.url, "/api/v1/me", "Bearer "), "malformed Authorization");
  ExpectUnauthenticated(Get(s.url, "/api/v1/me", "Bearer not-a-token"), "malformed API token");
  ExpectUnauthenticated(Get(s.url, "/api/v1/me", "Bearer bwk_" + std::string(43, 'A')),
                        "unknown API token");

  std::string expiring = CreateToken("soon", "viewer", {"--expires-in", "1h"});
  ASSERT_EQ(Get(s.url, "/api/v1/me", "Bearer " + expiring)->status, 200);
  ExecSql("UPDATE api_tokens SET expires_at = 1000 WHERE name = 'soon'");
  ExpectUnauthenticated(Get(s.url, "/api/v1/me", "Bearer " + expiring), "expired");

  std::string revoked = CreateToken("gone", "member");
  ASSERT_EQ(Get(s.url, "/api/v1/me", "Bearer " + revoked)->status, 200);
  Output o = RunBulwark(Args({"token", "revoke", "gone"}));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  ExpectUnauthenticated(Get(s.url, "/api/v1/me", "Bearer " + revoked), "revoked");
}

TEST_P(ServeTest, TokenCreatedByTheCliAuthenticatesWithItsRole) {
  Server s = Start();
  std::string token = CreateToken("pipeline", "member", {"--expires-in", "30d"});
  auto me = Get(s.url, "/api/v1/me", "Bearer " + token);
  ASSERT_TRUE(me);
  ASSERT_EQ(me->status, 200) << me->body;
  auto body = nlohmann::json::parse(me->body);
  EXPECT_EQ(body["token_name"], "pipeline");
  EXPECT_EQ(body["role"], "member");

  Output dup = RunBulwark(Args({"token", "create", "--name", "pipeline"}));
  EXPECT_NE(dup.exit_code, 0);
  EXPECT_TRUE(dup.out.empty());
  EXPECT_NE(dup.err.find("already exists"), std::string::npos) << dup.err;

  Output list = RunBulwark(Args({"token", "list"}));
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("pipeline"), std::string::npos);
  EXPECT_EQ(list.out.find(token), std::string::npos);
}

TEST_P(ServeTest, TokensNeverAppearInLogs) {
  Server s = Start();
  std::string token = CreateToken("secretive", "viewer");
  ASSERT_EQ(Get(s.url, "/api/v1/me", "Bearer " + token)->status, 200);
  Get(s.url, "/api/v1/me?token=" + token, "Bearer " + token);
  Get(s.url, "/api/v1/me", "Bearer " + s.admin);
  s.process->Signal(SIGTERM);
  ASSERT_EQ(s.process->Wait(), 0);
  const std::string log = s.process->Stderr();
  EXPECT_NE(log.find("path=/api/v1/me status=200"), std::string::npos) << log;
  EXPECT_EQ(log.find(token), std::string::npos) << log;
  EXPECT_EQ(log.find(s.admin), std::string::npos) << log;
  EXPECT_EQ(log.find("bwk_"), std::string::npos) << log;
}

TEST_P(ServeTest, SigtermFinishesAndExitsZero) {
  Server s = Start();
  ASSERT_EQ(Get(s.url, "/healthz")->status, 200);
  s.process->Signal(SIGTERM);
  EXPECT_EQ(s.process->Wait(), 0) << s.process->Stderr();
  EXPECT_NE(s.process->Stderr().find("shutdown complete"), std::string::npos);
  EXPECT_FALSE(Get(s.url, "/healthz"));
}

TEST_P(ServeTest, SigintAlsoShutsDownCleanly) {
  Server s = Start();
  s.process->Signal(SIGINT);
  EXPECT_EQ(s.process->Wait(), 0) << s.process->Stderr();
}

TEST_P(ServeTest, RefusesADatabaseNewerThanTheBinary) {
  {
    Server s = Start();
    s.process->Signal(SIGTERM);
    ASSERT_EQ(s.process->Wait(), 0);
  }
  ExecSql("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)");
  Output o = RunBulwark(Args({"serve", "--listen", "127.0.0.1:0"}));
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("newer than this bulwark binary"), std::string::npos) << o.err;
  EXPECT_EQ(o.out.find("listening"), std::string::npos);
}

TEST_P(ServeTest, PortInUseStopsStartUp) {
  Server s = Start();
  std::string hostport = s.url.substr(std::string("http://").size());
  Output o = RunBulwark(Args({"serve", "--listen", hostport}));
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("cannot listen on " + hostport), std::string::npos) << o.err;
}

INSTANTIATE_TEST_SUITE_P(Backends, ServeTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

class StartUpErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("bulwark-bad-" + Unique());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Data() const { return (dir_ / "data").string(); }
  std::filesystem::path dir_;
};

TEST_F(StartUpErrors, BadListenValueIsNamed) {
  Output o = RunBulwark({"serve", "--data-dir", Data(), "--listen", "127.0.0.1"});
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("invalid listen '127.0.0.1' (from --listen)"), std::string::npos) << o.err;
  Output env = RunBulwark({"serve", "--data-dir", Data()}, {{"BULWARK_LISTEN", "127.0.0.1:99999"}});
  EXPECT_EQ(env.exit_code, 2);
  EXPECT_NE(env.err.find("BULWARK_LISTEN"), std::string::npos) << env.err;
}

TEST_F(StartUpErrors, BadDatabaseUrlIsNamed) {
  Output o = RunBulwark({"serve", "--data-dir", Data(), "--database", "mysql://x:pw@db/bulwark"});
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("invalid database"), std::string::npos) << o.err;
  EXPECT_EQ(o.err.find(":pw@"), std::string::npos) << o.err;
}

TEST_F(StartUpErrors, UnreachableDatabaseIsReported) {
  Output o = RunBulwark({"serve", "--data-dir", Data(), "--database",
                         "postgresql://bulwark:hunter2@127.0.0.1:1/bulwark?connect_timeout=5"});
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("cannot connect"), std::string::npos) << o.err;
  EXPECT_EQ(o.err.find("hunter2"), std::string::npos) << o.err;
}

TEST_F(StartUpErrors, DataDirThatIsAFileIsRefused) {
  std::ofstream(dir_ / "file") << "x";
  Output o = RunBulwark({"serve", "--data-dir", (dir_ / "file").string()});
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("not a directory"), std::string::npos) << o.err;
  Output under = RunBulwark({"serve", "--data-dir", (dir_ / "file" / "sub").string()});
  EXPECT_EQ(under.exit_code, 2);
  EXPECT_NE(under.err.find("data_dir"), std::string::npos) << under.err;
}

TEST_F(StartUpErrors, CorruptDatabaseFileIsRefused) {
  std::filesystem::create_directories(Data());
  std::ofstream(dir_ / "data" / "bulwark.db")
      << "this is not a SQLite database but a plain text file, long enough for a header\n";
  Output o = RunBulwark({"serve", "--data-dir", Data(), "--listen", "127.0.0.1:0"});
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("not a database"), std::string::npos) << o.err;
}

TEST_F(StartUpErrors, BadConfigFileAndBadSecretKeyAreNamed) {
  std::ofstream(dir_ / "bulwark.toml") << "listen = 8080\n";
  Output o = RunBulwark({"serve", "--config", (dir_ / "bulwark.toml").string()});
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("'listen' must be a string"), std::string::npos) << o.err;
  Output key = RunBulwark({"serve", "--data-dir", Data()}, {{"BULWARK_SECRET_KEY", "short"}});
  EXPECT_EQ(key.exit_code, 2);
  EXPECT_NE(key.err.find("BULWARK_SECRET_KEY"), std::string::npos) << key.err;
}

TEST_F(StartUpErrors, TokenCreateRejectsBadRoleAndExpiry) {
  Output role =
      RunBulwark({"token", "create", "--name", "x", "--role", "root", "--data-dir", Data()});
  EXPECT_EQ(role.exit_code, 2);
  EXPECT_NE(role.err.find("--role"), std::string::npos) << role.err;
  Output exp =
      RunBulwark({"token", "create", "--name", "x", "--expires-in", "3x", "--data-dir", Data()});
  EXPECT_EQ(exp.exit_code, 2);
  EXPECT_NE(exp.err.find("--expires-in '3x'"), std::string::npos) << exp.err;
  EXPECT_TRUE(exp.out.empty());
}

}  // namespace
}  // namespace bulwark::testing
