// The limits of what callers may send, through the real `bulwark serve`: upload and body size
// (413 naming the limit and the setting), JSON nesting and string length of imported files (422)
// and request bodies (400) with the JSON path, findings per import (422), and the request rate per
// caller (429 with Retry-After; never /healthz or /readyz).
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "test/integration/process.h"

namespace bulwark::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const fs::path kReport =
    fs::path(BULWARK_SOURCE_DIR) / "test" / "fixtures" / "xray" / "report.json";

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class Limits : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = fs::temp_directory_path() /
           ("bulwark-limits-" + std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" +
            std::to_string(std::random_device{}()));
    fs::create_directories(dir_ / "data");
  }
  void TearDown() override {
    server_.reset();
    fs::remove_all(dir_);
  }

  void Start(std::vector<std::string> flags) {
    std::vector<std::string> args{"serve", "--listen", "127.0.0.1:0", "--data-dir",
                                  (dir_ / "data").string()};
    args.insert(args.end(), flags.begin(), flags.end());
    server_ = std::make_unique<Process>(args, std::map<std::string, std::string>{});
    url_ = server_->WaitForLine("listening on ");
    ASSERT_FALSE(url_.empty()) << server_->Stderr();
    const std::string out = server_->Stdout();
    auto at = out.find("API token:  ");
    ASSERT_NE(at, std::string::npos) << out;
    token_ = out.substr(at + 12, out.find('\n', at) - at - 12);
  }

  httplib::Client Client(const std::string& token) {
    httplib::Client client(url_);
    client.set_read_timeout(60, 0);
    if (!token.empty()) client.set_bearer_token_auth(token.c_str());
    return client;
  }

  std::int64_t Project() {
    auto res = Client(token_).Post("/api/v1/projects", R"({"name": "app"})", "application/json");
    EXPECT_TRUE(res && res->status == 201) << (res ? res->body : "no answer");
    return res && res->status == 201 ? json::parse(res->body)["id"].get<std::int64_t>() : 0;
  }

  httplib::Result Upload(std::int64_t project, const std::string& content) {
    httplib::MultipartFormDataItems items = {{"file", content, "report.json", "application/json"},
                                             {"tool", "jfrogxraysca", "", ""},
                                             {"branch", "main", "", ""}};
    return Client(token_).Post(("/api/v1/projects/" + std::to_string(project) + "/imports").c_str(),
                               items);
  }

  std::string Message(const httplib::Result& res) {
    if (!res) return "no answer";
    json body = json::parse(res->body, nullptr, false);
    return body.is_object() ? body.value("message", res->body) : res->body;
  }

  fs::path dir_;
  std::unique_ptr<Process> server_;
  std::string url_, token_;
};

TEST_F(Limits, AnUploadOverTheLimitIs413NamingTheLimitAndTheSetting) {
  Start({"--max-upload-bytes", "2000"});
  const std::int64_t project = Project();
  auto res = Upload(project, std::string(5000, ' ') + "{}");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413) << res->body;
  EXPECT_NE(Message(res).find("2000 bytes"), std::string::npos) << res->body;
  EXPECT_NE(Message(res).find("max_upload_bytes"), std::string::npos) << res->body;
  // Any other body is held to the same bound.
  const std::string huge = R"({"name": ")" + std::string(100'000, 'a') + R"("})";
  auto body = Client(token_).Post("/api/v1/projects", huge, "application/json");
  ASSERT_TRUE(body);
  EXPECT_EQ(body->status, 413) << body->body;
  EXPECT_NE(Message(body).find("max_upload_bytes"), std::string::npos) << body->body;
}

TEST_F(Limits, AnImportedFileNestedTooDeepIs422NamingTheJsonPath) {
  Start({"--max-json-depth", "3"});
  auto res = Upload(Project(), ReadAll(kReport));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 422) << res->body;
  EXPECT_NE(Message(res).find("$.rows[0]"), std::string::npos) << res->body;
  EXPECT_NE(Message(res).find("max_json_depth"), std::string::npos) << res->body;
}

TEST_F(Limits, AnImportedFileWithALongStringIs422) {
  Start({"--max-json-string-bytes", "64"});
  const std::string report =
      R"({"total_rows": 1, "rows": [{"summary": ")" + std::string(65, 'x') + R"("}]})";
  auto res = Upload(Project(), report);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 422) << res->body;
  EXPECT_NE(Message(res).find("$.rows[0].summary"), std::string::npos) << res->body;
  EXPECT_NE(Message(res).find("max_json_string_bytes"), std::string::npos) << res->body;
}

TEST_F(Limits, AnImportWithMoreRowsThanTheLimitIs422AndStoresNothing) {
  Start({"--max-import-rows", "1"});
  const std::int64_t project = Project();
  auto res = Upload(project, ReadAll(kReport));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 422) << res->body;
  EXPECT_NE(Message(res).find("max_import_rows"), std::string::npos) << res->body;
  auto scans =
      Client(token_).Get(("/api/v1/projects/" + std::to_string(project) + "/scans").c_str());
  ASSERT_TRUE(scans);
  EXPECT_TRUE(json::parse(scans->body)["scans"].empty()) << scans->body;
}

TEST_F(Limits, ARequestBodyOverTheJsonLimitsIs400NamingThePath) {
  Start({"--max-json-depth", "4", "--max-json-string-bytes", "100"});
  auto deep = Client(token_).Post(
      "/api/v1/projects", R"({"name": "x", "description": [[[[["deep"]]]]]})", "application/json");
  ASSERT_TRUE(deep);
  EXPECT_EQ(deep->status, 400) << deep->body;
  EXPECT_NE(Message(deep).find("request body: $.description[0][0]"), std::string::npos)
      << deep->body;
  const std::string long_name = R"({"name": ")" + std::string(101, 'n') + R"("})";
  auto longer = Client(token_).Post("/api/v1/projects", long_name, "application/json");
  ASSERT_TRUE(longer);
  EXPECT_EQ(longer->status, 400) << longer->body;
  EXPECT_NE(Message(longer).find("$.name"), std::string::npos) << longer->body;
  // The kdt-compatible API and sign-in are held to the same limits.
  httplib::Client kdt(url_);
  auto kdt_deep = kdt.Post("/api/v2/projects", {{"X-Cookie", token_}}, R"({"name": [[[[["x"]]]]]})",
                           "application/json");
  ASSERT_TRUE(kdt_deep);
  EXPECT_EQ(kdt_deep->status, 400) << kdt_deep->body;
  auto login = kdt.Post("/api/v1/auth/login", long_name, "application/json");
  ASSERT_TRUE(login);
  EXPECT_EQ(login->status, 400) << login->body;
  // Within the limits the same route works.
  auto ok = Client(token_).Post("/api/v1/projects", R"({"name": "fine"})", "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 201) << ok->body;
}

TEST_F(Limits, EachCallerIsRateLimitedWithRetryAfterButHealthChecksNever) {
  // A burst of 3, then one request a second.
  Start({"--rate-limit", "1", "--rate-limit-burst", "3"});
  Output other = RunBulwark({"token", "create", "--name", "other", "--role", "viewer", "--data-dir",
                             (dir_ / "data").string()});
  ASSERT_EQ(other.exit_code, 0) << other.err;
  const std::string second = other.out.substr(0, other.out.find('\n'));
  auto admin = Client(token_);
  int allowed = 0;
  int status = 0;
  std::string retry_after, message;
  for (int i = 0; i < 10; ++i) {
    auto res = admin.Get("/api/v1/me");
    ASSERT_TRUE(res);
    status = res->status;
    if (status != 200) {
      retry_after = res->get_header_value("Retry-After");
      message = Message(res);
      break;
    }
    ++allowed;
  }
  // The burst, plus at most one or two refilled while the requests ran.
  EXPECT_GE(allowed, 3);
  EXPECT_LE(allowed, 5);
  ASSERT_EQ(status, 429) << message;
  ASSERT_FALSE(retry_after.empty());
  EXPECT_GE(std::stoi(retry_after), 1);
  EXPECT_NE(message.find("rate_limit"), std::string::npos) << message;
  // Another token has its own bucket.
  auto res = Client(second).Get("/api/v1/me");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  // Health checks are never limited.
  for (int i = 0; i < 20; ++i) {
    auto health = Client("").Get(i % 2 ? "/healthz" : "/readyz");
    ASSERT_TRUE(health);
    ASSERT_EQ(health->status, 200) << i;
  }
  // Without credentials the client address is the caller.
  int anonymous_ok = 0;
  for (int i = 0; i < 10; ++i) {
    auto r = Client("").Get("/api/v1/openapi.json");
    ASSERT_TRUE(r);
    if (r->status == 429) break;
    ++anonymous_ok;
  }
  EXPECT_LE(anonymous_ok, 5);
}

TEST_F(Limits, AnInvalidLimitStopsStartUpNamingTheSetting) {
  Output bad = RunBulwark({"serve", "--listen", "127.0.0.1:0", "--data-dir",
                           (dir_ / "data").string(), "--max-json-depth", "deep"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("max_json_depth"), std::string::npos) << bad.err;
  Output env =
      RunBulwark({"serve", "--listen", "127.0.0.1:0", "--data-dir", (dir_ / "data").string()},
                 {{"BULWARK_RATE_LIMIT", "-5"}});
  EXPECT_EQ(env.exit_code, 2);
  EXPECT_NE(env.err.find("BULWARK_RATE_LIMIT"), std::string::npos) << env.err;
}

}  // namespace
}  // namespace bulwark::testing
