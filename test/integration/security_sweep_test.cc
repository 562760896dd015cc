// Security sweep of the real `bulwark serve` binary: every /api route (the native ones read from
// /api/v1/openapi.json, the kdt-compatible ones from the list below) refuses a missing, malformed,
// expired and revoked token, and a viewer where it changes something; a browser session without
// its CSRF header changes nothing; no stored secret ever appears in an answer or a log line; a
// webhook to a metadata or private address is refused naming the rule.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>

#include "env/crypto.h"
#include "storage/store.h"
#include "test/integration/process.h"
#include "test/support/names.h"

namespace bulwark::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// Stored secrets of the sweep: none may ever be answered or logged once stored.
constexpr const char* kXrayToken = "xray-access-7f3c9e1d5b";
constexpr const char* kWebhookSecret = "whsec-2b8d4f6a0c";
constexpr const char* kUserPassword = "pw-carol-9e7c5a3b1d";

struct Route {
  std::string method;  // GET, POST, PUT, PATCH, DELETE
  std::string path;    // with {placeholders}
};

// The kdt-compatible API, under both of its prefixes (docs/api.md). `changes`: a viewer must be
// refused.
struct KdtRoute {
  const char* method;
  const char* path;
  bool changes;
};
constexpr KdtRoute kKdtRoutes[] = {
    {"GET", "/health/check", false},
    {"GET", "/scanners/active", false},
    {"GET", "/projects", false},
    {"POST", "/projects", true},
    {"GET", "/projects/{project}/scans", false},
    {"GET", "/projects/{project}/scanparams", false},
    {"POST", "/projects/{project}/scanparams", true},
    {"POST", "/scans/create", true},
    {"POST", "/scans/import", true},
    {"GET", "/scans/{scan}/restart", true},
    {"GET", "/scans/{scan}/last_results", false},
    {"GET", "/scans/{scan}", false},
    {"GET", "/events/{scan}/status", false},
    {"GET", "/projects/{project}/release", false},
};
constexpr std::pair<const char*, const char*> kKdtPrefixes[] = {{"/api/v2", "X-Cookie"},
                                                                {"/api/aspm/v1/api/v2", "X-Auth"}};

// Native routes a viewer may use to change something of its own.
bool ViewerMayChange(const Route& r) {
  return (r.method == "POST" && r.path == "/api/v1/tokens") ||
         (r.method == "DELETE" && r.path == "/api/v1/tokens/{id}") ||
         (r.method == "POST" && r.path == "/api/v1/auth/logout");
}

// Routes that need no credentials at all.
bool Public(const Route& r) {
  return r.path == "/api/v1/auth/login" || r.path == "/api/v1/openapi.json";
}

struct Reply {
  int status = 0;
  std::string body;
  std::string cookie;
};

class SecuritySweep : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bulwark-sweep-" + Unique());
    fs::create_directories(dir_ / "data");
    server_ = std::make_unique<Process>(Args({"serve", "--listen", "127.0.0.1:0"}),
                                        std::map<std::string, std::string>{});
    url_ = server_->WaitForLine("listening on ");
    ASSERT_FALSE(url_.empty()) << server_->Stderr();
    const std::string out = server_->Stdout();
    admin_ = Field(out, "API token:  ");
    admin_password_ = Field(out, "Password:   ");
    ASSERT_FALSE(admin_.empty()) << out;
    member_ = CliToken("member");
    viewer_ = CliToken("viewer");
    revoked_ = CliToken("viewer", "revoked");
    auto revoke = RunBulwark(Args({"token", "revoke", "revoked"}));
    ASSERT_EQ(revoke.exit_code, 0) << revoke.err;
    expired_ = ExpiredToken();
    ASSERT_FALSE(HasFatalFailure());
    routes_ = NativeRoutes();
    ASSERT_FALSE(HasFatalFailure());
  }

  void TearDown() override {
    server_.reset();
    fs::remove_all(dir_);
  }

  static std::string Field(const std::string& text, const std::string& label) {
    auto at = text.find(label);
    if (at == std::string::npos) return "";
    return text.substr(at + label.size(), text.find('\n', at) - at - label.size());
  }

  std::vector<std::string> Args(std::vector<std::string> args) {
    args.push_back("--data-dir");
    args.push_back((dir_ / "data").string());
    return args;
  }

  std::string CliToken(const std::string& role, const std::string& name = "") {
    Output o = RunBulwark(
        Args({"token", "create", "--name", name.empty() ? role + Unique() : name, "--role", role}));
    EXPECT_EQ(o.exit_code, 0) << o.err;
    return o.out.substr(0, o.out.find('\n'));
  }

  // A member token whose expiry has passed, written straight into the database.
  std::string ExpiredToken() {
    auto store = storage::OpenStore("sqlite://" + (dir_ / "data" / "bulwark.db").string());
    EXPECT_TRUE(store) << store.error().message;
    if (!store) return "";
    const std::string secret = env::GenerateApiToken();
    storage::ApiToken token;
    token.name = "expired";
    token.secret_hash = env::HashToken(secret);
    token.role = storage::Role::kAdmin;
    token.created_at = std::chrono::system_clock::now() - std::chrono::hours(2);
    token.expires_at = std::chrono::system_clock::now() - std::chrono::hours(1);
    auto made = (*store)->Tokens().Create(token);
    EXPECT_TRUE(made) << made.error().message;
    return secret;
  }

  Reply Send(const std::string& method, const std::string& path, const httplib::Headers& headers,
             const std::string& body = "{}") {
    httplib::Client client(url_);
    client.set_read_timeout(60, 0);
    auto send = [&]() -> httplib::Result {
      if (method == "GET") return client.Get(path.c_str(), headers);
      if (method == "POST") return client.Post(path.c_str(), headers, body, "application/json");
      if (method == "PUT") return client.Put(path.c_str(), headers, body, "application/json");
      if (method == "PATCH") return client.Patch(path.c_str(), headers, body, "application/json");
      return client.Delete(path.c_str(), headers);
    };
    httplib::Result r = send();
    Reply reply;
    if (!r) {
      ADD_FAILURE() << method << " " << path << ": no answer";
      return reply;
    }
    reply.status = r->status;
    reply.body = r->body;
    reply.cookie = r->get_header_value("Set-Cookie");
    return reply;
  }

  Reply Api(const std::string& method, const std::string& path, const std::string& token,
            const json& body = json::object()) {
    return Send(method, path, {{"Authorization", "Bearer " + token}}, body.dump());
  }

  std::vector<Route> NativeRoutes() {
    Reply doc = Send("GET", "/api/v1/openapi.json", {});
    EXPECT_EQ(doc.status, 200) << doc.body;
    json spec = json::parse(doc.body, nullptr, false);
    std::vector<Route> routes;
    if (!spec.is_object() || !spec.contains("paths")) {
      ADD_FAILURE() << "openapi.json has no paths: " << doc.body.substr(0, 200);
      return routes;
    }
    for (const auto& [path, operations] : spec["paths"].items()) {
      EXPECT_TRUE(path.starts_with("/api/")) << path;
      for (const auto& [method, op] : operations.items()) {
        std::string upper = method;
        for (char& c : upper) c = static_cast<char>(std::toupper(c));
        routes.push_back({upper, path});
      }
    }
    EXPECT_GE(routes.size(), 30u) << "fewer native routes than the API has";
    return routes;
  }

  // The {placeholder} `name` (any when empty) replaced by `value`.
  static std::string Replace(std::string path, const std::string& name, const std::string& value) {
    for (std::size_t open = path.find('{'); open != std::string::npos;
         open = path.find('{', open)) {
      const std::size_t close = path.find('}', open);
      if (close == std::string::npos) break;
      if (name.empty() || path.compare(open + 1, close - open - 1, name) == 0) {
        path.replace(open, close - open + 1, value);
        open += value.size();
      } else {
        open = close;
      }
    }
    return path;
  }
  // Every {placeholder} replaced by `id`.
  static std::string Fill(const std::string& path, const std::string& id) {
    return Replace(path, "", id);
  }

  fs::path dir_;
  std::unique_ptr<Process> server_;
  std::string url_, admin_, admin_password_, member_, viewer_, revoked_, expired_;
  std::vector<Route> routes_;
};

TEST_F(SecuritySweep, EveryRouteRefusesAMissingMalformedExpiredOrRevokedToken) {
  const std::vector<std::pair<std::string, httplib::Headers>> bad = {
      {"missing", {}},
      {"malformed scheme", {{"Authorization", "Basic " + admin_}}},
      {"malformed token", {{"Authorization", "Bearer not-a-bulwark-token"}}},
      {"unknown token", {{"Authorization", "Bearer " + env::GenerateApiToken()}}},
      {"expired", {{"Authorization", "Bearer " + expired_}}},
      {"revoked", {{"Authorization", "Bearer " + revoked_}}},
  };
  int checked = 0;
  for (const Route& r : routes_) {
    if (Public(r)) continue;
    for (const auto& [why, headers] : bad) {
      Reply reply = Send(r.method, Fill(r.path, "1"), headers);
      EXPECT_EQ(reply.status, 401)
          << r.method << " " << r.path << " with a " << why << " token: " << reply.body;
      ++checked;
    }
  }
  for (const KdtRoute& r : kKdtRoutes) {
    for (const auto& [prefix, header] : kKdtPrefixes) {
      const std::string path = Fill(std::string(prefix) + r.path, "1");
      const std::vector<std::pair<std::string, httplib::Headers>> kdt_bad = {
          {"missing", {}},
          {"malformed", {{header, "garbage"}}},
          {"bearer instead of the kdt header", {{"Authorization", "Bearer " + admin_}}},
          {"expired", {{header, expired_}}},
          {"revoked", {{header, revoked_}}},
      };
      for (const auto& [why, headers] : kdt_bad) {
        Reply reply = Send(r.method, path, headers);
        EXPECT_EQ(reply.status, 401)
            << r.method << " " << path << " (" << why << "): " << reply.body;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 200);
}

TEST_F(SecuritySweep, AViewerIsRefusedEveryChange) {
  int checked = 0;
  for (const Route& r : routes_) {
    if (r.method == "GET" || Public(r) || ViewerMayChange(r)) continue;
    Reply reply = Send(r.method, Fill(r.path, "1"), {{"Authorization", "Bearer " + viewer_}});
    EXPECT_EQ(reply.status, 403) << r.method << " " << r.path << ": " << reply.body;
    ++checked;
  }
  for (const KdtRoute& r : kKdtRoutes) {
    if (!r.changes) continue;
    for (const auto& [prefix, header] : kKdtPrefixes) {
      const std::string path = Fill(std::string(prefix) + r.path, "1");
      Reply reply = Send(r.method, path, {{header, viewer_}});
      EXPECT_EQ(reply.status, 403) << r.method << " " << path << ": " << reply.body;
      ++checked;
    }
  }
  EXPECT_GE(checked, 25);
  // A viewer's own token routes cannot reach above the viewer or other callers' tokens.
  Reply escalate = Api("POST", "/api/v1/tokens", viewer_, {{"name", "up"}, {"role", "admin"}});
  EXPECT_EQ(escalate.status, 400) << escalate.body;
  Reply tokens = Api("GET", "/api/v1/tokens", admin_);
  const json listed = json::parse(tokens.body);
  for (const auto& t : listed["tokens"]) {
    if (t["role"] == "viewer") continue;
    Reply revoke = Api("DELETE", "/api/v1/tokens/" + std::to_string(t["id"].get<long>()), viewer_);
    EXPECT_EQ(revoke.status, 404) << "a viewer revoked token " << t.dump();
  }
  EXPECT_EQ(Api("GET", "/api/v1/me", member_).status, 200) << "the member token was revoked";
}

TEST_F(SecuritySweep, ACookieSessionWithoutItsCsrfHeaderChangesNothing) {
  Reply login = Send("POST", "/api/v1/auth/login", {},
                     json{{"username", "admin"}, {"password", admin_password_}}.dump());
  ASSERT_EQ(login.status, 200) << login.body;
  const std::string cookie = login.cookie.substr(0, login.cookie.find(';'));
  const std::string csrf = json::parse(login.body)["csrf_token"];
  int checked = 0;
  for (const Route& r : routes_) {
    if (r.method == "GET" || Public(r)) continue;
    for (const std::string& header : {std::string(), std::string("wrong-csrf")}) {
      httplib::Headers headers{{"Cookie", cookie}};
      if (!header.empty()) headers.emplace("X-CSRF-Token", header);
      Reply reply = Send(r.method, Fill(r.path, "1"), headers);
      EXPECT_EQ(reply.status, 403)
          << r.method << " " << r.path << " csrf '" << header << "': " << reply.body;
      EXPECT_NE(reply.body.find("X-CSRF-Token"), std::string::npos) << reply.body;
      ++checked;
    }
  }
  EXPECT_GE(checked, 36);  // 18 changing routes, twice
  // The same session with its header is let through (here: a project is created).
  Reply made = Send("POST", "/api/v1/projects", {{"Cookie", cookie}, {"X-CSRF-Token", csrf}},
                    json{{"name", "csrf-ok"}}.dump());
  EXPECT_EQ(made.status, 201) << made.body;
}

TEST_F(SecuritySweep, NoStoredSecretIsEverAnsweredOrLogged) {
  ASSERT_EQ(Api("PUT", "/api/v1/integrations/jfrogxraysca", admin_,
                {{"active", true},
                 {"api_enabled", true},
                 {"url", "http://127.0.0.1:9"},  // loopback: nothing leaves the machine
                 {"access_token", kXrayToken}})
                .status,
            200);
  Reply project = Api("POST", "/api/v1/projects", member_, {{"name", "shop"}});
  ASSERT_EQ(project.status, 201) << project.body;
  const std::string pid = std::to_string(json::parse(project.body)["id"].get<long>());
  Reply scanner =
      Api("POST", "/api/v1/projects/" + pid + "/scanners", member_,
          {{"tool", "jfrogxraysca"},
           {"environment", "production"},
           {"repository_key", "npm-local"},
           {"branch", "main"},
           {"webhook", {{"url", "https://hooks.example.com/b"}, {"secret", kWebhookSecret}}}});
  ASSERT_EQ(scanner.status, 201) << scanner.body;
  const std::string sid = std::to_string(json::parse(scanner.body)["id"].get<long>());
  Reply user = Api("POST", "/api/v1/users", admin_,
                   {{"username", "carol"}, {"password", kUserPassword}, {"role", "member"}});
  ASSERT_EQ(user.status, 201) << user.body;
  Reply made = Api("POST", "/api/v1/tokens", admin_, {{"name", "fresh"}});
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string fresh = json::parse(made.body)["token"];
  const std::string scan_id = "1";
  const std::vector<std::string> secrets = {kXrayToken, kWebhookSecret, kUserPassword, fresh,
                                            admin_password_};
  auto check = [&](const std::string& what, const std::string& text) {
    for (const auto& s : secrets) {
      EXPECT_EQ(text.find(s), std::string::npos) << what << " holds a stored secret: " << text;
    }
  };
  auto ids = [&](std::string path) {
    if (path.starts_with("/api/v1/projects/")) path = Replace(path, "id", pid);
    path = Replace(path, "sid", sid);
    path = Replace(path, "tool", "jfrogxraysca");
    if (path.starts_with("/api/v1/scans/")) path = Replace(path, "id", scan_id);
    return Fill(path, "1");
  };
  int walked = 0;
  for (const Route& r : routes_) {
    if (r.method != "GET") continue;
    for (const std::string& token : {admin_, member_, viewer_, fresh}) {
      Reply reply = Api("GET", ids(r.path), token);
      check("GET " + ids(r.path), reply.body);
      ++walked;
    }
  }
  for (const KdtRoute& r : kKdtRoutes) {
    if (r.method != std::string("GET")) continue;
    for (const auto& [prefix, header] : kKdtPrefixes) {
      std::string path = Replace(std::string(prefix) + r.path, "project", pid);
      path = Replace(path, "scan", scan_id);
      check("GET " + path, Send("GET", path, {{header, admin_}}).body);
      ++walked;
    }
  }
  EXPECT_GT(walked, 60);
  server_->Signal(SIGTERM);
  EXPECT_EQ(server_->Wait(), 0);
  check("the server log", server_->Stderr());
  check("the server's standard output after the first start",
        server_->Stdout().substr(server_->Stdout().find("listening on")));
}

TEST_F(SecuritySweep, AWebhookToMetadataOrPrivateAddressesIsRefusedNamingTheRule) {
  Reply project = Api("POST", "/api/v1/projects", member_, {{"name", "hooks"}});
  ASSERT_EQ(project.status, 201) << project.body;
  const std::string base = "/api/v1/projects/" +
                           std::to_string(json::parse(project.body)["id"].get<long>()) +
                           "/scanners";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"http://169.254.169.254/latest/meta-data/", "169.254.169.254"},
      {"http://10.0.0.1/hook", "private address (10.0.0.0/8)"},
      {"http://[::ffff:10.0.0.1]/hook", "private"},
      {"http://127.0.0.1:9/hook", "loopback"},
  };
  for (const auto& [url, rule] : cases) {
    Reply r = Api("POST", base, member_,
                  {{"tool", "jfrogxraysca"},
                   {"environment", "production"},
                   {"repository_key", "npm-local"},
                   {"branch", "b" + Unique()},
                   {"webhook", {{"url", url}, {"secret", "s"}}}});
    EXPECT_EQ(r.status, 400) << url << ": " << r.body;
    EXPECT_NE(r.body.find("scanner.webhook.url"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find(rule), std::string::npos) << url << ": " << r.body;
    EXPECT_NE(r.body.find("refused"), std::string::npos) << r.body;
  }
  Reply list = Api("GET", base, viewer_);
  EXPECT_EQ(json::parse(list.body)["scanners"].size(), 0u) << list.body;
}

}  // namespace
}  // namespace bulwark::testing
