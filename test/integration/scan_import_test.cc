// The real `bulwark serve` binary importing Xray reports through the REST API: the scan runs to
// "finished", its findings are listed, a re-import changes nothing, a rejected file answers 422
// and stores nothing, an oversized upload answers 413.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <thread>

#include "storage/store.h"
#include "test/integration/process.h"

namespace bulwark::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const fs::path kSamples = fs::path(BULWARK_SOURCE_DIR) / ".." / "shared" / "samples" / "xray";

std::string Unique() {
  static std::atomic<int> counter{0};
  return std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" +
         std::to_string(std::random_device{}());
}

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class ScanImport : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bulwark-scan-it-" + Unique());
    fs::create_directories(dir_ / "data");
  }
  void TearDown() override {
    process_.reset();
    fs::remove_all(dir_);
  }

  void Start(std::map<std::string, std::string> env = {}) {
    process_ =
        std::make_unique<Process>(std::vector<std::string>{"serve", "--listen", "127.0.0.1:0",
                                                           "--data-dir", (dir_ / "data").string()},
                                  env);
    std::string addr = process_->WaitForLine("listening on ");
    ASSERT_FALSE(addr.empty()) << process_->Stderr();
    const std::string out = process_->Stdout();
    auto at = out.find("API token:  ");
    ASSERT_NE(at, std::string::npos);
    token_ = out.substr(at + 12, out.find('\n', at) - at - 12);
    client_ = std::make_unique<httplib::Client>(addr);
    client_->set_bearer_token_auth(token_.c_str());
    client_->set_read_timeout(60, 0);
    auto store = storage::OpenStore("sqlite://" + (dir_ / "data" / "bulwark.db").string());
    ASSERT_TRUE(store) << store.error().message;
    storage::Project p;
    p.name = "app";
    auto created = (*store)->Projects().Create(p);
    ASSERT_TRUE(created) << created.error().message;
    project_ = created->id;
  }

  httplib::Result Upload(const std::string& name, const std::string& content,
                         const std::string& branch = "main") {
    httplib::MultipartFormDataItems items = {{"file", content, name, "application/json"},
                                             {"tool", "jfrogxraysca", "", ""},
                                             {"branch", branch, "", ""},
                                             {"scan_tag", "nightly", "", ""}};
    return client_->Post(("/api/v1/projects/" + std::to_string(project_) + "/imports").c_str(),
                         items);
  }

  json Get(const std::string& path) {
    auto res = client_->Get(path.c_str());
    EXPECT_TRUE(res);
    if (!res) return json();
    EXPECT_EQ(res->status, 200) << res->body;
    return json::parse(res->body);
  }

  // Polls the scan until it reaches a final state (the server's workers run it).
  json AwaitFinal(std::int64_t id) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    json scan;
    while (std::chrono::steady_clock::now() < deadline) {
      scan = Get("/api/v1/scans/" + std::to_string(id));
      const std::string state = scan.value("state", "");
      if (state == "finished" || state == "failed" || state == "canceled") return scan;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "scan " << id << " did not end: " << scan.dump();
    return scan;
  }

  fs::path dir_;
  std::unique_ptr<Process> process_;
  std::unique_ptr<httplib::Client> client_;
  std::string token_;
  std::int64_t project_ = 0;
};

TEST_F(ScanImport, ImportsAnXrayReportAndAReimportChangesNothing) {
  const fs::path file =
      kSamples / "xray-report-export" / "Vulnerabilities-Report-XRAY_Unified.json";
  if (!fs::exists(file)) GTEST_SKIP() << "samples not available: " << file;
  Start();
  const std::string content = ReadAll(file);
  auto res = Upload("report.json", content);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 202) << res->body;
  json scan = json::parse(res->body);
  EXPECT_EQ(scan["method"], "import");
  EXPECT_EQ(scan["format"], "xray-report");  // what the upload was detected as
  EXPECT_EQ(scan["scan_tag"], "nightly");
  EXPECT_EQ(scan["scanner_id"], nullptr);
  EXPECT_EQ(scan["links"]["api"], "/api/v1/scans/" + std::to_string(scan["id"].get<int>()));
  json done = AwaitFinal(scan["id"]);
  ASSERT_EQ(done["state"], "finished") << done.dump();
  EXPECT_EQ(done["progress"], 100);
  EXPECT_GT(done["new_findings"].get<int>(), 0);
  const std::string base = "/api/v1/projects/" + std::to_string(project_);
  json list = Get(base + "/findings?branch=main&limit=5");
  EXPECT_EQ(list["total"], done["new_findings"]);
  ASSERT_FALSE(list["findings"].empty());
  EXPECT_EQ(list["findings"][0]["state"], "new");
  json one = Get("/api/v1/findings/" + std::to_string(list["findings"][0]["id"].get<int>()));
  EXPECT_EQ(one["history"][0]["action"], "new");

  auto again = Upload("report.json", content);
  ASSERT_TRUE(again);
  ASSERT_EQ(again->status, 202) << again->body;
  json second = AwaitFinal(json::parse(again->body)["id"]);
  ASSERT_EQ(second["state"], "finished") << second.dump();
  EXPECT_EQ(second["new_findings"], 0);
  EXPECT_EQ(second["fixed_findings"], 0);
  EXPECT_EQ(second["summary"], done["summary"]);
  json open = Get(base + "/findings?state=open&limit=1");
  EXPECT_EQ(open["total"], done["new_findings"]);
}

TEST_F(ScanImport, ARejectedFileAnswers422AndStoresNothing) {
  Start();
  auto res = Upload("broken.json", "{\"rows\": [ {\"issue_id\": ");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 422) << res->body;
  json body = json::parse(res->body);
  EXPECT_EQ(body["code"], "data_loss");
  EXPECT_FALSE(body["message"].get<std::string>().empty());
  json scans = Get("/api/v1/projects/" + std::to_string(project_) + "/scans");
  EXPECT_TRUE(scans["scans"].empty());
  EXPECT_TRUE(fs::is_empty(dir_ / "data" / "uploads"));
}

TEST_F(ScanImport, AnOversizedUploadAnswers413) {
  Start({{"BULWARK_MAX_UPLOAD_BYTES", "1000"}});
  auto res = Upload("big.json", std::string(5000, ' ') + "{}");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413) << res->body;
  json scans = Get("/api/v1/projects/" + std::to_string(project_) + "/scans");
  EXPECT_TRUE(scans["scans"].empty());
}

TEST_F(ScanImport, AnUnknownTokenCannotImport) {
  Start();
  client_->set_bearer_token_auth("not-a-token");
  auto res = Upload("report.json", "{}");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
}

}  // namespace
}  // namespace bulwark::testing
