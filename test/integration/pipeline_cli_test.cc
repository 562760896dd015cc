// The real `bulwark scan`, `import`, `status` and `list` run as processes against the real
// `bulwark serve` (SQLite in a temp directory, port 0 on 127.0.0.1): imports that pass and fail
// their gates, --async, SARIF to a file, a rejected file, and every connection source in order.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "test/integration/process.h"

namespace bulwark::testing {
namespace {

using nlohmann::json;

const std::string kFixtures = BULWARK_SOURCE_DIR "/test/fixtures/xray/";

std::string Unique() {
  static std::atomic<int> counter{0};
  return std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" +
         std::to_string(std::random_device{}());
}

// The URL of a loopback port that was free a moment ago: bound on port 0, read back, closed.
std::string UnusedLocalUrl() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) std::abort();
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
}

class PipelineCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("bulwark-cli-it-" + Unique());
    std::filesystem::create_directories(dir_ / "home");
  }
  void TearDown() override {
    if (server_) {
      server_->Signal(SIGTERM);
      server_->Wait();
    }
    std::filesystem::remove_all(dir_);
  }

  // Starts `bulwark serve` and creates project "app" (default branch main).
  void StartServer() {
    server_ =
        std::make_unique<Process>(std::vector<std::string>{"serve", "--listen", "127.0.0.1:0",
                                                           "--data-dir", (dir_ / "data").string()},
                                  std::map<std::string, std::string>{});
    url_ = server_->WaitForLine("listening on ");
    ASSERT_FALSE(url_.empty()) << "serve did not start:\n" << server_->Stderr();
    std::string out = server_->Stdout();
    auto at = out.find("API token:  ");
    ASSERT_NE(at, std::string::npos) << out;
    token_ = out.substr(at + 12, out.find('\n', at) - at - 12);
    httplib::Client client(url_);
    client.set_read_timeout(30);
    auto created =
        client.Post("/api/v1/projects", {{"Authorization", "Bearer " + token_}},
                    json{{"name", "app"}, {"default_branch", "main"}}.dump(), "application/json");
    ASSERT_TRUE(created);
    ASSERT_TRUE(created->status == 201 || created->status == 200) << created->body;
  }

  // The environment of a pipeline: only what the test sets, HOME in the temp directory.
  std::map<std::string, std::string> Env(std::map<std::string, std::string> extra = {}) {
    std::map<std::string, std::string> env{{"HOME", (dir_ / "home").string()},
                                           {"BULWARK_HOST", ""},
                                           {"BULWARK_TOKEN", ""},
                                           {"INVICTI_ASPM_HOST", ""},
                                           {"INVICTI_ASPM_TOKEN", ""},
                                           {"KONDUKTO_HOST", ""},
                                           {"KONDUKTO_TOKEN", ""}};
    for (auto& [k, v] : extra) env[k] = v;
    return env;
  }

  // Runs the CLI configured for the test's server through BULWARK_HOST and BULWARK_TOKEN.
  Output Cli(std::vector<std::string> args) {
    return RunBulwark(args, Env({{"BULWARK_HOST", url_}, {"BULWARK_TOKEN", token_}}));
  }

  std::vector<std::string> Import(const std::string& fixture, std::vector<std::string> more = {}) {
    std::vector<std::string> args{
        "scan", "-p", "app", "-t", "jfrogxraysca", "-b", "main", "-f", kFixtures + fixture};
    args.insert(args.end(), more.begin(), more.end());
    return args;
  }

  std::filesystem::path dir_;
  std::unique_ptr<Process> server_;
  std::string url_, token_;
};

TEST_F(PipelineCliTest, MissingHostOrTokenIsAClearErrorWithExitOne) {
  Output o = RunBulwark(Import("cli_json.json"), Env());
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_NE(o.err.find("host and token are not configured"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("BULWARK_HOST and BULWARK_TOKEN"), std::string::npos) << o.err;
  o = RunBulwark(Import("cli_json.json"), Env({{"BULWARK_HOST", UnusedLocalUrl()}}));
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_NE(o.err.find("token is not configured"), std::string::npos) << o.err;
}

TEST_F(PipelineCliTest, UnreachableServerIsNamed) {
  const std::string host = UnusedLocalUrl();
  Output o =
      RunBulwark({"list", "projects"}, Env({{"BULWARK_HOST", host}, {"BULWARK_TOKEN", "t"}}));
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_NE(o.err.find(host + "/api/v1/projects"), std::string::npos) << o.err;
  EXPECT_EQ(o.err.find("BULWARK_TOKEN=t"), std::string::npos);
}

TEST_F(PipelineCliTest, PassingImportPrintsStatesTableAndLink) {
  StartServer();
  Output o = Cli(Import("cli_json.json", {"--threshold-high", "1", "--threshold-crit", "0"}));
  EXPECT_EQ(o.exit_code, 0) << o.out << o.err;
  EXPECT_NE(o.out.find("INF: scan status is [finished]"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("NAME    ID      BRANCH    META    TOOL            CRIT    HIGH"),
            std::string::npos)
      << o.out;
  EXPECT_NE(o.out.find("scan passed security tests successfully"), std::string::npos) << o.out;
  EXPECT_EQ(o.out.find(token_), std::string::npos);
  EXPECT_EQ(o.err.find(token_), std::string::npos);
}

TEST_F(PipelineCliTest, FailedGateExitsOneAndListsTheOffendingFinding) {
  StartServer();
  Output o = Cli(Import("cli_json.json", {"--threshold-high", "0"}));
  EXPECT_EQ(o.exit_code, 1) << o.out << o.err;
  EXPECT_NE(o.out.find("number of vulnerabilities with high severity (1) is higher than "
                       "threshold (0) [--threshold-high]"),
            std::string::npos)
      << o.out;
  EXPECT_NE(o.out.find("XRAY-1001"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("lodash@4.17.15"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("4.17.21"), std::string::npos) << o.out;
  EXPECT_EQ(o.out.find("libx11"), std::string::npos) << "a medium finding is not offending";

  o = Cli(Import("cli_json.json", {"--threshold-high", "0", "--exit-code", "0"}));
  EXPECT_EQ(o.exit_code, 0) << o.out << o.err;
  EXPECT_NE(o.out.find("overriding exit code [1] as [0]"), std::string::npos) << o.out;
}

TEST_F(PipelineCliTest, AsyncPrintsTheScanIdAndStatusFollowsIt) {
  StartServer();
  Output o = Cli(Import("cli_json.json", {"--async"}));
  ASSERT_EQ(o.exit_code, 0) << o.out << o.err;
  auto at = o.out.find("SCAN ID\n-------\n");
  ASSERT_NE(at, std::string::npos) << o.out;
  std::string id = o.out.substr(at + 16, o.out.find('\n', at + 16) - at - 16);
  ASSERT_FALSE(id.empty());
  Output status = Cli({"status", "-e", id, "--output", "json"});
  ASSERT_EQ(status.exit_code, 0) << status.out << status.err;
  auto doc = json::parse(status.out);
  EXPECT_EQ(doc["scan"]["id"].dump(), json::parse(id).dump());
}

TEST_F(PipelineCliTest, SarifToAFile) {
  StartServer();
  const std::string sarif = (dir_ / "out.sarif").string();
  Output o = Cli(Import("cli_json.json", {"--output", "sarif", "--output-file", sarif}));
  ASSERT_EQ(o.exit_code, 0) << o.out << o.err;
  std::ifstream in(sarif);
  json doc = json::parse(in);
  EXPECT_EQ(doc["version"], "2.1.0");
  const json& run = doc["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["name"], "Bulwark");
  ASSERT_EQ(run["results"].size(), 2u) << doc.dump(2);
  std::set<std::string> rules;
  for (const json& r : run["tool"]["driver"]["rules"]) rules.insert(r["id"]);
  EXPECT_TRUE(rules.count("XRAY-1001")) << doc.dump(2);
  for (const json& r : run["results"]) {
    EXPECT_TRUE(rules.count(r["ruleId"].get<std::string>()));
    EXPECT_TRUE(r["message"]["text"].is_string());
  }
}

TEST_F(PipelineCliTest, RejectedFileIsAClearErrorWithExitOne) {
  StartServer();
  Output o = Cli(Import("unknown.json"));
  EXPECT_EQ(o.exit_code, 1) << o.out << o.err;
  EXPECT_NE(o.err.find("HTTP 422"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("failed to start scan"), std::string::npos) << o.err;
}

TEST_F(PipelineCliTest, ConnectionSourcesInOrder) {
  StartServer();
  std::ofstream(dir_ / "home" / ".bulwark.toml")
      << "host = \"" << url_ << "\"\ntoken = \"" << token_ << "\"\n";
  Output o = RunBulwark({"list", "projects", "--output", "json"}, Env());
  ASSERT_EQ(o.exit_code, 0) << o.err;  // the file alone
  EXPECT_EQ(json::parse(o.out)["projects"][0]["name"], "app");

  const std::string wrong = "bwk_" + std::string(43, 'A');
  o = RunBulwark({"list", "projects"}, Env({{"KONDUKTO_TOKEN", wrong}}));
  EXPECT_EQ(o.exit_code, 1);  // the legacy variable wins over the file, with a note
  EXPECT_NE(o.err.find("HTTP 401"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("KONDUKTO_TOKEN is read for compatibility"), std::string::npos) << o.err;

  o = RunBulwark({"list", "projects"},
                 Env({{"KONDUKTO_TOKEN", wrong}, {"INVICTI_ASPM_TOKEN", token_}}));
  EXPECT_EQ(o.exit_code, 0) << o.err;  // INVICTI_ASPM_* before KONDUKTO_*

  o = RunBulwark({"list", "projects"},
                 Env({{"INVICTI_ASPM_TOKEN", token_}, {"BULWARK_TOKEN", wrong}}));
  EXPECT_EQ(o.exit_code, 1);  // BULWARK_* before the kdt variables
  EXPECT_NE(o.err.find("HTTP 401"), std::string::npos) << o.err;

  o = RunBulwark({"list", "projects", "--token", token_}, Env({{"BULWARK_TOKEN", wrong}}));
  EXPECT_EQ(o.exit_code, 0) << o.err;  // the flag first

  const std::string elsewhere = UnusedLocalUrl();
  std::ofstream(dir_ / "other.toml") << "host = \"" << elsewhere << "\"\ntoken = \"x\"\n";
  o = RunBulwark({"list", "projects", "--config", (dir_ / "other.toml").string()}, Env());
  EXPECT_EQ(o.exit_code, 1);  // --config replaces ~/.bulwark.toml
  EXPECT_NE(o.err.find(elsewhere), std::string::npos) << o.err;
}

}  // namespace
}  // namespace bulwark::testing
