// The integration, project and scanner routes of the real `bulwark serve` binary on SQLite and
// PostgreSQL, with the connection test and repository list going to a real fake-xray process.
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <random>

#include "test/fakes/fake_xray/fake_xray_process.h"
#include "test/integration/process.h"
#include "test/support/api_call.h"
#include "test/support/names.h"
#include "test/support/postgres_schema.h"

namespace bulwark::testing {
namespace {

using nlohmann::json;

constexpr const char* kSecret = "good-token";

class ResourcesTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("bulwark-res-" + Unique());
    std::filesystem::create_directories(dir_);
    config_ = {"--data-dir", (dir_ / "data").string()};
    if (GetParam() == "postgresql") {
      std::string why;
      if (!pg_.Create("res_" + Unique(), why)) {
        if (PostgresSchema::SkipRequested()) GTEST_SKIP() << why;
        FAIL() << why;
      }
      const std::string db = pg_.url();
      config_.push_back("--database");
      config_.push_back(db);
    }
    server_ = std::make_unique<Process>(Args({"serve", "--listen", "127.0.0.1:0"}),
                                        std::map<std::string, std::string>{});
    url_ = server_->WaitForLine("listening on ");
    ASSERT_FALSE(url_.empty()) << server_->Stderr();
    std::string out = server_->Stdout();
    auto at = out.find("API token:  ");
    ASSERT_NE(at, std::string::npos) << out;
    admin_ = out.substr(at + 12, out.find('\n', at) - at - 12);
    member_ = CreateToken("member-" + Unique(), "member");
    viewer_ = CreateToken("viewer-" + Unique(), "viewer");
  }

  void TearDown() override {
    if (server_) {
      server_->Signal(SIGTERM);
      server_->Wait();
      // The Xray access token never reaches a log line.
      EXPECT_EQ(server_->Stderr().find(kSecret), std::string::npos);
      EXPECT_EQ(server_->Stderr().find("sekrit-hook"), std::string::npos);
    }
    std::filesystem::remove_all(dir_);
    pg_.Drop();
  }

  std::vector<std::string> Args(std::vector<std::string> args) {
    args.insert(args.end(), config_.begin(), config_.end());
    return args;
  }

  std::string CreateToken(const std::string& name, const std::string& role) {
    Output o = RunBulwark(Args({"token", "create", "--name", name, "--role", role}));
    EXPECT_EQ(o.exit_code, 0) << o.err;
    return o.out.substr(0, o.out.find('\n'));
  }

  Reply Call(const std::string& method, const std::string& path, const std::string& token,
             const json& body = nullptr, const httplib::Headers& extra = {}) {
    Reply reply = CallApi(url_, method, path, token, body, extra);
    // No answer ever carries the Xray token or a webhook secret.
    EXPECT_EQ(reply.raw.find(kSecret), std::string::npos) << path << ": " << reply.raw;
    EXPECT_EQ(reply.raw.find("sekrit-hook"), std::string::npos) << path << ": " << reply.raw;
    return reply;
  }

  std::unique_ptr<fakes::FakeXrayProcess> StartFake() {
    auto fake = fakes::FakeXrayProcess::Start(FAKE_XRAY_BINARY, {"--tls-port", "0"});
    EXPECT_NE(fake, nullptr);
    return fake;
  }

  Reply Configure(const json& settings) {
    return Call("PUT", "/api/v1/integrations/jfrogxraysca", admin_, settings);
  }

  std::filesystem::path dir_;
  std::vector<std::string> config_;
  PostgresSchema pg_;
  std::unique_ptr<Process> server_;
  std::string url_, admin_, member_, viewer_;
};

TEST_P(ResourcesTest, IntegrationSettingsAreStoredNormalizedAndNeverShowTheToken) {
  auto initial = Call("GET", "/api/v1/integrations/jfrogxraysca", viewer_);
  ASSERT_EQ(initial.status, 200) << initial.raw;
  EXPECT_EQ(initial.body["name"], "JFrog Xray SCA");
  EXPECT_EQ(initial.body["type"], "sca");
  EXPECT_EQ(initial.body["methods"], json({"kdt", "import", "ui-import", "bind"}));
  EXPECT_EQ(initial.body["token_set"], false);
  EXPECT_EQ(initial.body["active"], false);

  auto saved = Configure({{"active", true},
                          {"api_enabled", true},
                          {"url", " https://acme.jfrog.io/artifactory/ui/ "},
                          {"access_token", kSecret},
                          {"insecure", true}});
  ASSERT_EQ(saved.status, 200) << saved.raw;
  EXPECT_EQ(saved.body["url"], "https://acme.jfrog.io");
  EXPECT_EQ(saved.body["token_set"], true);
  EXPECT_EQ(saved.body["insecure"], true);
  EXPECT_FALSE(saved.body.contains("access_token"));

  auto listed = Call("GET", "/api/v1/integrations", viewer_);
  ASSERT_EQ(listed.status, 200);
  ASSERT_EQ(listed.body["integrations"].size(), 1u);
  EXPECT_EQ(listed.body["integrations"][0]["url"], "https://acme.jfrog.io");

  // A change that leaves out the token keeps it.
  auto kept = Configure({{"insecure", false}});
  EXPECT_EQ(kept.body["token_set"], true);
  EXPECT_EQ(kept.body["insecure"], false);
}

TEST_P(ResourcesTest, IntegrationInputErrorsNameTheField) {
  auto ftp = Configure({{"api_enabled", true}, {"url", "ftp://x"}, {"access_token", "t"}});
  EXPECT_EQ(ftp.status, 400);
  EXPECT_NE(ftp.body.value("message", "").find("integration.url"), std::string::npos) << ftp.raw;
  auto no_token = Configure({{"api_enabled", true}, {"url", "https://a.jfrog.io"}});
  EXPECT_EQ(no_token.status, 400);
  EXPECT_NE(no_token.body.value("message", "").find("integration.access_token: required"),
            std::string::npos)
      << no_token.raw;
  auto wrong_type = Configure({{"active", "yes"}});
  EXPECT_EQ(wrong_type.status, 400);
  EXPECT_NE(wrong_type.body.value("message", "").find("integration.active"), std::string::npos);
  // With the API disabled no connection fields are needed.
  EXPECT_EQ(Configure({{"active", true}, {"api_enabled", false}}).status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/integrations/nosuch", admin_).status, 404);
}

TEST_P(ResourcesTest, IntegrationChangesNeedAdmin) {
  EXPECT_EQ(Call("GET", "/api/v1/integrations/jfrogxraysca", "").status, 401);
  EXPECT_EQ(Call("PUT", "/api/v1/integrations/jfrogxraysca", member_, {{"active", true}}).status,
            403);
  EXPECT_EQ(Call("PUT", "/api/v1/integrations/jfrogxraysca", viewer_, {{"active", true}}).status,
            403);
  EXPECT_EQ(Call("POST", "/api/v1/integrations/jfrogxraysca/test", member_, json::object()).status,
            403);
  EXPECT_EQ(Call("GET", "/api/v1/integrations/jfrogxraysca/repositories", viewer_).status, 403);
}

TEST_P(ResourcesTest, TestConnectionGivesEveryDiagnosisFromTheRealFake) {
  auto fake = StartFake();
  ASSERT_NE(fake, nullptr);
  const std::string test = "/api/v1/integrations/jfrogxraysca/test";
  auto disabled = Call("POST", test, admin_, json::object());
  EXPECT_EQ(disabled.body["code"], "api_disabled") << disabled.raw;

  ASSERT_EQ(Configure({{"active", true},
                       {"api_enabled", true},
                       {"url", fake->http_url() + "/xray/"},
                       {"access_token", kSecret}})
                .status,
            200);
  auto ok = Call("POST", test, admin_, json::object());
  ASSERT_EQ(ok.status, 200) << ok.raw;
  EXPECT_EQ(ok.body["ok"], true);
  EXPECT_EQ(ok.body["code"], "ok");
  EXPECT_EQ(ok.body["xray_version"], "3.107.8");
  auto shown = Call("GET", "/api/v1/integrations/jfrogxraysca", viewer_);
  EXPECT_EQ(shown.body["last_test"]["code"], "ok") << shown.raw;

  // Unsaved settings in the body are merged over the stored ones and not stored.
  EXPECT_EQ(Call("POST", test, admin_, {{"access_token", "no-such-token"}}).body["code"],
            "unauthorized");
  EXPECT_EQ(Call("POST", test, admin_, {{"access_token", "read-token"}}).body["code"], "forbidden");
  auto closed = "http://127.0.0.1:" + std::to_string(ClosedPort());
  EXPECT_EQ(Call("POST", test, admin_, {{"url", closed}}).body["code"], "unreachable");
  EXPECT_EQ(Call("POST", test, admin_, {{"url", fake->https_url()}}).body["code"], "tls");
  EXPECT_EQ(
      Call("POST", test, admin_, {{"url", fake->https_url()}, {"insecure", true}}).body["code"],
      "ok");
  EXPECT_EQ(Call("POST", test, admin_, json::object()).body["code"], "ok");

  ASSERT_FALSE(
      fake->Control("POST", "/__fake/config", R"({"xray_installed": false})").starts_with("error"));
  EXPECT_EQ(Call("POST", test, admin_, json::object()).body["code"], "not_xray");
  ASSERT_FALSE(fake->Control("POST", "/__fake/config", R"({"xray_installed": true,
                                                          "suspended": true})")
                   .starts_with("error"));
  EXPECT_EQ(Call("POST", test, admin_, json::object()).body["code"], "suspended");
  auto last = Call("GET", "/api/v1/integrations/jfrogxraysca", viewer_);
  EXPECT_EQ(last.body["last_test"]["code"], "suspended");
}

TEST_P(ResourcesTest, InsecureIsHonouredOnlyForTheIntegration) {
  auto fake = StartFake();
  ASSERT_NE(fake, nullptr);
  const std::string test = "/api/v1/integrations/jfrogxraysca/test";
  ASSERT_EQ(Configure({{"api_enabled", true},
                       {"url", fake->https_url()},
                       {"access_token", kSecret},
                       {"insecure", true}})
                .status,
            200);
  EXPECT_EQ(Call("POST", test, admin_, json::object()).body["code"], "ok");
  // The same server, the same transport: the next strict test is refused again.
  EXPECT_EQ(Call("POST", test, admin_, {{"insecure", false}}).body["code"], "tls");
  EXPECT_EQ(Call("POST", test, admin_, json::object()).body["code"], "ok");
}

TEST_P(ResourcesTest, RepositoriesComeLiveFromTheFakeAndFilter) {
  auto fake = StartFake();
  ASSERT_NE(fake, nullptr);
  const std::string path = "/api/v1/integrations/jfrogxraysca/repositories";
  EXPECT_EQ(Call("GET", path, member_).status, 400);  // API not enabled yet
  ASSERT_EQ(Configure({{"active", true},
                       {"api_enabled", true},
                       {"url", fake->http_url()},
                       {"access_token", kSecret}})
                .status,
            200);
  auto all = Call("GET", path, member_);
  ASSERT_EQ(all.status, 200) << all.raw;
  ASSERT_EQ(all.body["repositories"].size(), 5u);
  auto npm = Call("GET", path + "?q=NPM", member_);
  ASSERT_EQ(npm.body["repositories"].size(), 2u);
  EXPECT_EQ(npm.body["repositories"][0]["key"], "npm-local");
  EXPECT_EQ(npm.body["repositories"][0]["indexed"], true);
  EXPECT_EQ(npm.body["repositories"][1]["scannable"], false);
  ASSERT_EQ(Configure({{"access_token", "bad"}}).status, 200);
  auto refused = Call("GET", path, member_);
  EXPECT_EQ(refused.status, 401) << refused.raw;
}

TEST_P(ResourcesTest, ProjectsLifecycleWithConflictsAndFieldErrors) {
  auto created = Call("POST", "/api/v1/projects", member_,
                      {{"name", "shop"}, {"description", "web shop"}, {"default_branch", "dev"}});
  ASSERT_EQ(created.status, 201) << created.raw;
  const std::string id = std::to_string(created.body["id"].get<long>());
  EXPECT_EQ(created.body["default_branch"], "dev");
  EXPECT_EQ(created.body["summary"]["critical"], 0);
  EXPECT_EQ(created.body["risk_score"], 0);
  EXPECT_EQ(Call("POST", "/api/v1/projects", member_, {{"name", "shop"}}).status, 409);
  auto missing = Call("POST", "/api/v1/projects", member_, {{"description", "x"}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.body["message"], "project.name: required");
  auto bad_json = Call("POST", "/api/v1/projects", member_, "[1]");
  EXPECT_EQ(bad_json.status, 400);
  EXPECT_EQ(Call("POST", "/api/v1/projects", viewer_, {{"name", "v"}}).status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/projects", "", {{"name", "v"}}).status, 401);

  ASSERT_EQ(Call("POST", "/api/v1/projects", member_, {{"name", "api"}}).status, 201);
  auto list = Call("GET", "/api/v1/projects?limit=1", viewer_);
  ASSERT_EQ(list.status, 200) << list.raw;
  EXPECT_EQ(list.body["total"], 2);
  EXPECT_EQ(list.body["projects"].size(), 1u);
  EXPECT_FALSE(list.body["next_cursor"].is_null());
  EXPECT_EQ(Call("GET", "/api/v1/projects?limit=0", viewer_).status, 400);

  auto patched = Call("PATCH", "/api/v1/projects/" + id, member_, {{"description", "shop v2"}});
  EXPECT_EQ(patched.body["description"], "shop v2");
  EXPECT_EQ(patched.body["name"], "shop");
  EXPECT_EQ(Call("PATCH", "/api/v1/projects/" + id, member_, {{"name", "api"}}).status, 409);
  EXPECT_EQ(Call("PATCH", "/api/v1/projects/" + id, viewer_, {{"name", "x"}}).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/projects/" + id, viewer_).body["description"], "shop v2");
  EXPECT_EQ(Call("DELETE", "/api/v1/projects/" + id, viewer_).status, 403);
  EXPECT_EQ(Call("DELETE", "/api/v1/projects/" + id, member_).status, 204);
  EXPECT_EQ(Call("GET", "/api/v1/projects/" + id, viewer_).status, 404);
}

TEST_P(ResourcesTest, ScannersAreCheckedFieldByFieldAndKeepSecretsSealed) {
  auto project = Call("POST", "/api/v1/projects", member_, {{"name", "shop"}});
  ASSERT_EQ(project.status, 201);
  const std::string base =
      "/api/v1/projects/" + std::to_string(project.body["id"].get<long>()) + "/scanners";
  json input = {
      {"tool", "jfrogxraysca"},
      {"environment", "production"},
      {"repository_key", "npm-local"},
      {"branch", "main"},
      {"include_patterns", {"**/*.tgz"}},
      {"exclude_patterns", {"test/**"}},
      {"meta_data", "team=web"},
      {"scan_tag", "nightly"},
      {"schedule", {{"enabled", true}, {"recurrence", "weekly"}, {"days", {"mon"}}}},
      {"webhook", {{"url", "https://hooks.example.com/bulwark"}, {"secret", "sekrit-hook"}}}};
  auto created = Call("POST", base, member_, input);
  ASSERT_EQ(created.status, 201) << created.raw;
  EXPECT_EQ(created.body["include_patterns"], json({"**/*.tgz"}));
  EXPECT_EQ(created.body["webhook"]["secret_set"], true);
  EXPECT_EQ(created.body["schedule"]["recurrence"], "weekly");
  EXPECT_TRUE(created.body["schedule"]["next_run_at"].is_string()) << created.raw;
  const std::string one = base + "/" + std::to_string(created.body["id"].get<long>());

  auto expect_field = [&](json change, const std::string& message) {
    json body = input;
    body.update(change);
    auto r = Call("POST", base, member_, body);
    EXPECT_EQ(r.status, 400) << r.raw;
    EXPECT_NE(r.body.value("message", "").find(message), std::string::npos) << r.raw;
  };
  expect_field({{"repository_key", ""}}, "scanner.repository_key: required");
  expect_field({{"branch", nullptr}}, "scanner.branch: required");
  expect_field({{"tool", "nessus"}}, "scanner.tool");
  expect_field({{"environment", "prod"}}, "scanner.environment");
  expect_field({{"include_patterns", "x"}}, "scanner.include_patterns");
  expect_field({{"schedule", {{"enabled", true}, {"recurrence", "yearly"}}}}, "scanner.schedule");
  expect_field({{"webhook", {{"url", "http://127.0.0.1/hook"}}}}, "scanner.webhook.url");
  // Same tool and branch twice in one project.
  EXPECT_EQ(Call("POST", base, member_, input).status, 409);
  EXPECT_EQ(Call("POST", base, viewer_, input).status, 403);

  auto list = Call("GET", base, viewer_);
  ASSERT_EQ(list.body["scanners"].size(), 1u);
  auto patched =
      Call("PATCH", one, member_,
           {{"branch", "release"}, {"webhook", nullptr}, {"schedule", {{"enabled", false}}}});
  ASSERT_EQ(patched.status, 200) << patched.raw;
  EXPECT_EQ(patched.body["branch"], "release");
  EXPECT_TRUE(patched.body["webhook"].is_null());
  EXPECT_TRUE(patched.body["schedule"]["next_run_at"].is_null());
  EXPECT_EQ(Call("GET", one, viewer_).body["repository_key"], "npm-local");
  EXPECT_EQ(Call("GET", "/api/v1/projects/999999/scanners", viewer_).status, 404);
  EXPECT_EQ(Call("DELETE", one, viewer_).status, 403);
  EXPECT_EQ(Call("DELETE", one, member_).status, 204);
  EXPECT_EQ(Call("GET", one, viewer_).status, 404);
}

// A browser session: the cookie, and the CSRF token that changing requests must carry.
struct Browser {
  std::string cookie;  // "bulwark_session=..."
  std::string csrf;
  httplib::Headers Headers(bool with_csrf = true) const {
    httplib::Headers h{{"Cookie", cookie}};
    if (with_csrf) h.emplace("X-CSRF-Token", csrf);
    return h;
  }
};

TEST_P(ResourcesTest, BrowserSignInUsesAnHttpOnlyCookieAndCsrf) {
  auto created = Call("POST", "/api/v1/users", admin_,
                      {{"username", "alice"}, {"password", "correct horse"}, {"role", "member"}});
  ASSERT_EQ(created.status, 201) << created.raw;
  EXPECT_FALSE(created.body.contains("password_hash"));
  EXPECT_EQ(
      Call("POST", "/api/v1/users", admin_, {{"username", "alice"}, {"password", "another one"}})
          .status,
      409);
  auto wrong = Call("POST", "/api/v1/auth/login", "", {{"username", "alice"}, {"password", "x"}});
  EXPECT_EQ(wrong.status, 401);
  auto login = Call("POST", "/api/v1/auth/login", "",
                    {{"username", "alice"}, {"password", "correct horse"}});
  ASSERT_EQ(login.status, 200) << login.raw;
  EXPECT_EQ(login.body["user"]["username"], "alice");
  EXPECT_EQ(login.body["user"]["role"], "member");
  EXPECT_NE(login.cookie.find("HttpOnly"), std::string::npos) << login.cookie;
  EXPECT_NE(login.cookie.find("SameSite=Strict"), std::string::npos) << login.cookie;
  EXPECT_EQ(login.cookie.find("Secure"), std::string::npos) << "plain HTTP: " << login.cookie;
  Browser b{login.cookie.substr(0, login.cookie.find(';')), login.body["csrf_token"]};
  ASSERT_TRUE(b.cookie.starts_with("bulwark_session=")) << b.cookie;

  auto me = Call("GET", "/api/v1/me", "", nullptr, b.Headers(false));
  ASSERT_EQ(me.status, 200) << me.raw;
  EXPECT_EQ(me.body["user"]["username"], "alice");
  EXPECT_EQ(me.body["csrf_token"], b.csrf);
  // Changing requests by cookie need the CSRF token; bearer tokens do not.
  EXPECT_EQ(Call("POST", "/api/v1/projects", "", {{"name", "p1"}}, b.Headers(false)).status, 403);
  auto bad = b.Headers(false);
  bad.emplace("X-CSRF-Token", "0000");
  EXPECT_EQ(Call("POST", "/api/v1/projects", "", {{"name", "p1"}}, bad).status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/projects", "", {{"name", "p1"}}, b.Headers()).status, 201);
  EXPECT_EQ(Call("POST", "/api/v1/projects", member_, {{"name", "p2"}}).status, 201);
  // A member is not an admin.
  EXPECT_EQ(Call("GET", "/api/v1/users", "", nullptr, b.Headers()).status, 403);

  auto secure =
      Call("POST", "/api/v1/auth/login", "", {{"username", "alice"}, {"password", "correct horse"}},
           {{"X-Forwarded-Proto", "https"}});
  EXPECT_NE(secure.cookie.find("; Secure"), std::string::npos) << secure.cookie;
  EXPECT_EQ(Call("POST", "/api/v1/auth/logout", "", json::object(), b.Headers()).status, 204);
  EXPECT_EQ(Call("GET", "/api/v1/me", "", nullptr, b.Headers()).status, 401);
}

TEST_P(ResourcesTest, SignInIsRateLimitedPerUserAndAddress) {
  ASSERT_EQ(
      Call("POST", "/api/v1/users", admin_, {{"username", "bob"}, {"password", "bob's password"}})
          .status,
      201);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(
        Call("POST", "/api/v1/auth/login", "", {{"username", "bob"}, {"password", "no"}}).status,
        401);
  }
  auto limited =
      Call("POST", "/api/v1/auth/login", "", {{"username", "bob"}, {"password", "bob's password"}});
  EXPECT_EQ(limited.status, 429) << limited.raw;
  // Another user from the same address is not affected.
  EXPECT_EQ(
      Call("POST", "/api/v1/auth/login", "", {{"username", "admin"}, {"password", "no"}}).status,
      401);
}

TEST_P(ResourcesTest, UsersAreManagedByAdminsOnly) {
  auto carol = Call("POST", "/api/v1/users", admin_,
                    {{"username", "carol"}, {"password", "carol-pass"}, {"role", "viewer"}});
  ASSERT_EQ(carol.status, 201);
  const std::string one = "/api/v1/users/" + std::to_string(carol.body["id"].get<long>());
  EXPECT_EQ(Call("POST", "/api/v1/users", admin_, {{"username", "d"}, {"password", "short"}})
                .body.value("message", ""),
            "user.password: at least 8 characters");
  EXPECT_EQ(Call("POST", "/api/v1/users", admin_,
                 {{"username", "d"}, {"password", "long enough"}, {"role", "root"}})
                .status,
            400);
  EXPECT_EQ(
      Call("POST", "/api/v1/users", member_, {{"username", "d"}, {"password", "12345678"}}).status,
      403);
  EXPECT_EQ(Call("GET", "/api/v1/users", viewer_).status, 403);
  auto users = Call("GET", "/api/v1/users", admin_);
  EXPECT_EQ(users.body["users"].size(), 2u);
  EXPECT_EQ(Call("PATCH", one, admin_, {{"role", "member"}}).body["role"], "member");
  EXPECT_EQ(Call("PATCH", one, member_, {{"role", "admin"}}).status, 403);
  // The first administrator is the last one: it cannot be demoted or deleted.
  EXPECT_EQ(Call("PATCH", "/api/v1/users/1", admin_, {{"role", "viewer"}}).status, 409);
  EXPECT_EQ(Call("DELETE", "/api/v1/users/1", admin_).status, 409);
  EXPECT_EQ(Call("DELETE", one, admin_).status, 204);
  EXPECT_EQ(Call("DELETE", one, admin_).status, 404);
}

TEST_P(ResourcesTest, TokensAreShownOnceAndRevocable) {
  auto made = Call("POST", "/api/v1/tokens", admin_, {{"name", "ci"}, {"role", "member"}});
  ASSERT_EQ(made.status, 201) << made.raw;
  const std::string secret = made.body["token"];
  EXPECT_TRUE(secret.starts_with("bwk_"));
  EXPECT_EQ(Call("GET", "/api/v1/me", secret).body["role"], "member");
  auto listed = Call("GET", "/api/v1/tokens", admin_);
  EXPECT_EQ(listed.raw.find(secret), std::string::npos);
  EXPECT_EQ(Call("POST", "/api/v1/tokens", admin_, {{"name", "ci"}}).status, 409);
  EXPECT_EQ(Call("POST", "/api/v1/tokens", member_, {{"name", "up"}, {"role", "admin"}}).status,
            400);
  EXPECT_EQ(Call("POST", "/api/v1/tokens", admin_, {{"name", "old"}, {"expires_at", "2001-01-01"}})
                .status,
            400);
  const std::string id = std::to_string(made.body["id"].get<long>());
  // A token made by the CLI belongs to no user: a member cannot see or revoke the admin's.
  EXPECT_EQ(Call("DELETE", "/api/v1/tokens/" + id, member_).status, 404);
  EXPECT_EQ(Call("DELETE", "/api/v1/tokens/" + id, admin_).status, 204);
  EXPECT_EQ(Call("GET", "/api/v1/me", secret).status, 401);
}

TEST_P(ResourcesTest, ChangesAreAuditedAndTheLogIsFilterable) {
  auto p = Call("POST", "/api/v1/projects", member_, {{"name", "audited"}});
  ASSERT_EQ(p.status, 201);
  ASSERT_EQ(Configure({{"active", true}, {"api_enabled", false}}).status, 200);
  // A refused change leaves no entry.
  ASSERT_EQ(Call("POST", "/api/v1/projects", member_, {{"name", "audited"}}).status, 409);
  EXPECT_EQ(Call("GET", "/api/v1/audit", member_).status, 403);
  auto all = Call("GET", "/api/v1/audit", admin_);
  ASSERT_EQ(all.status, 200) << all.raw;
  auto creates = Call("GET", "/api/v1/audit?action=project.create", admin_);
  ASSERT_EQ(creates.body["entries"].size(), 1u) << creates.raw;
  const auto& e = creates.body["entries"][0];
  EXPECT_TRUE(e["actor"].get<std::string>().starts_with("token:member-")) << e;
  EXPECT_EQ(e["target_type"], "project");
  EXPECT_EQ(e["target_id"], std::to_string(p.body["id"].get<long>()));
  EXPECT_FALSE(e["request_id"].get<std::string>().empty());
  auto page = Call("GET", "/api/v1/audit?limit=1", admin_);
  ASSERT_EQ(page.body["entries"].size(), 1u);
  ASSERT_TRUE(page.body["next_cursor"].is_string());
  auto next = Call(
      "GET", "/api/v1/audit?limit=1&cursor=" + page.body["next_cursor"].get<std::string>(), admin_);
  EXPECT_EQ(next.body["entries"][0]["action"], "integration.update");
  EXPECT_EQ(Call("GET", "/api/v1/audit?since=yesterday", admin_).status, 400);
}

TEST_P(ResourcesTest, UserCommandCreatesAndChangesPasswords) {
  Output created = RunBulwark(Args({"user", "create", "--username", "dave", "--role", "admin"}));
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const std::string password = created.out.substr(0, created.out.find('\n'));
  EXPECT_EQ(
      Call("POST", "/api/v1/auth/login", "", {{"username", "dave"}, {"password", password}}).status,
      200);
  Output again = RunBulwark(Args({"user", "create", "--username", "dave"}));
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("already exists"), std::string::npos) << again.err;
  Output changed = RunBulwark(Args({"user", "passwd", "dave"}));
  ASSERT_EQ(changed.exit_code, 0) << changed.err;
  const std::string fresh = changed.out.substr(0, changed.out.find('\n'));
  EXPECT_EQ(
      Call("POST", "/api/v1/auth/login", "", {{"username", "dave"}, {"password", password}}).status,
      401);
  EXPECT_EQ(
      Call("POST", "/api/v1/auth/login", "", {{"username", "dave"}, {"password", fresh}}).status,
      200);
  EXPECT_EQ(RunBulwark(Args({"user", "passwd", "nobody"})).exit_code, 1);
}

TEST_P(ResourcesTest, ServesTheEmbeddedWebUiWithFallbackEtagsAndSecurityHeaders) {
  httplib::Client client(url_);
  auto index = client.Get("/");
  ASSERT_TRUE(index);
  ASSERT_EQ(index->status, 200);
  EXPECT_NE(index->get_header_value("Content-Type").find("text/html"), std::string::npos);
  EXPECT_NE(index->body.find("<html"), std::string::npos);
  EXPECT_NE(index->get_header_value("Content-Security-Policy").find("frame-ancestors 'none'"),
            std::string::npos);
  EXPECT_EQ(index->get_header_value("X-Content-Type-Options"), "nosniff");
  const std::string etag = index->get_header_value("ETag");
  ASSERT_FALSE(etag.empty());
  auto again = client.Get("/", {{"If-None-Match", etag}});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 304);
  EXPECT_TRUE(again->body.empty());
  // Unknown non-API paths fall back to the UI's index; API paths do not.
  auto deep = client.Get("/projects/7/findings");
  ASSERT_TRUE(deep);
  EXPECT_EQ(deep->status, 200);
  EXPECT_EQ(deep->body, index->body);
  auto api = client.Get("/api/v1/nothing-here");
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 404);
  EXPECT_EQ(json::parse(api->body)["code"], "not_found");
  // A bundle file referenced by the index is served as itself.
  auto at = index->body.find("/assets/");
  ASSERT_NE(at, std::string::npos) << index->body;
  const std::string asset = index->body.substr(at, index->body.find('"', at) - at);
  auto file = client.Get(asset.c_str());
  ASSERT_TRUE(file);
  EXPECT_EQ(file->status, 200) << asset;
  EXPECT_NE(file->body, index->body);
  EXPECT_NE(file->get_header_value("Cache-Control").find("immutable"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, ResourcesTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace bulwark::testing
