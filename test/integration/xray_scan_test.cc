// API-based scans against the real fake-xray process: exact data, faults, cleanup.
#include <archive.h>
#include <archive_entry.h>

#include <atomic>
#include <filesystem>
#include <fstream>

#include "test/integration/xray_fake_fixture.h"

namespace bulwark::scanners::xray {
namespace {

using nlohmann::json;

ScanTarget Target(std::string repo = "npm-local") {
  return ScanTarget{.project_name = "shop", .scan_id = "42", .repository_key = std::move(repo)};
}

// A dataset of `n` distinct rows written to a temporary report file.
json WriteDataset(const std::filesystem::path& file, int n) {
  json rows = json::array();
  for (int i = 0; i < n; ++i) {
    rows.push_back({{"issue_id", "XRAY-" + std::to_string(100000 + i)},
                    {"severity", i % 3 == 0 ? "High" : "Low"},
                    {"vulnerable_component", "npm://lib-" + std::to_string(i) + ":1.0.0"},
                    {"cves", json::array({{{"cve", "CVE-2025-" + std::to_string(10000 + i)}}})},
                    {"fixed_versions", json::array({"\u2265 1.0.1"})}});
  }
  std::ofstream(file) << json{{"total_rows", n}, {"rows", rows}}.dump();
  return rows;
}

// The members of a ZIP archive: (name, content), in archive order.
std::vector<std::pair<std::string, std::string>> Unzip(const std::string& bytes) {
  std::vector<std::pair<std::string, std::string>> members;
  archive* zip = archive_read_new();
  archive_read_support_format_zip(zip);
  if (archive_read_open_memory(zip, bytes.data(), bytes.size()) == ARCHIVE_OK) {
    archive_entry* entry = nullptr;
    while (archive_read_next_header(zip, &entry) == ARCHIVE_OK) {
      std::string content;
      char buffer[65536];
      la_ssize_t n = 0;
      while ((n = archive_read_data(zip, buffer, sizeof buffer)) > 0) content.append(buffer, n);
      members.emplace_back(archive_entry_pathname(entry), std::move(content));
    }
  }
  archive_read_free(zip);
  return members;
}

class XrayScanTest : public XrayFakeTest {
 protected:
  void SetUp() override {
    XrayFakeTest::SetUp();
    file_ = std::filesystem::temp_directory_path() /
            ("xray-dataset-" + std::to_string(getpid()) + ".json");
  }
  void TearDown() override { std::filesystem::remove(file_); }

  void ExpectNoReportLeft() {
    auto state = State();
    EXPECT_TRUE(state["reports"].empty()) << state.dump();
    EXPECT_EQ(state["deleted"].size(), static_cast<std::size_t>(state["created"].get<int>()));
  }

  env::HttpResponse Call(const std::string& method, const std::string& path,
                         const std::string& token = "good-token", const std::string& body = "") {
    env::HttpRequest request;
    request.method = method;
    request.url = fake_->http_url() + path;
    request.body = body;
    request.headers = {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}};
    auto response = transport_->Send(request);
    EXPECT_TRUE(response) << method << " " << path;
    return response ? *response : env::HttpResponse{};
  }

  std::filesystem::path file_;
};

TEST_F(XrayScanTest, ThousandsOfRowsArriveExactlyInOrderAndReportIsDeleted) {
  json rows = WriteDataset(file_, 3456);
  Configure({{"dataset", {{"file", file_.string()}}}, {"report_duration_ms", 200}});
  auto options = FastOptions();
  options.page_size = 500;
  options.page_concurrency = 4;
  CollectingSink sink;
  std::vector<int> progress;
  ScanControl control{.progress = [&](int p, std::string_view) { progress.push_back(p); }};
  auto outcome =
      Client("good-token", false, false, options)->RunApiScan(Target(), sink.AsSink(), control);
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(outcome->total_rows, 3456);
  EXPECT_EQ(outcome->pages, 7);
  EXPECT_TRUE(outcome->report_deleted);
  EXPECT_FALSE(outcome->hint);
  EXPECT_EQ(sink.pages, (std::vector<int>{1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(sink.rows, rows);
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.back(), 100);
  ExpectNoReportLeft();
}

// Other clients' kept-alive connections (here 12, each of its own transport, idle after one
// call) must not hold back the pages of a scan: a platform serves more connections than one
// client opens. A page that waited for an idle connection to time out would miss the 3 s limit.
TEST_F(XrayScanTest, PagesAreServedWhileOtherKeptAliveConnectionsSitIdle) {
  Configure({{"dataset", {{"generate", 400}}}, {"report_duration_ms", 0}});
  std::vector<std::unique_ptr<env::HttpTransport>> idle;
  env::HttpRequest ping;
  ping.url = fake_->http_url() + "/xray/api/v1/system/ping";
  for (int i = 0; i < 12; ++i) {
    idle.push_back(env::MakeCurlTransport());
    auto pong = idle.back()->Send(ping);
    ASSERT_TRUE(pong && pong->status == 200);
  }
  auto options = FastOptions();
  options.page_size = 25;
  options.page_concurrency = 8;
  options.request_timeout = std::chrono::milliseconds(3000);
  options.retry.max_attempts = 1;
  CollectingSink sink;
  auto outcome =
      Client("good-token", false, false, options)->RunApiScan(Target(), sink.AsSink(), {});
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(outcome->pages, 16);
  EXPECT_EQ(sink.rows.size(), 400u);
  ExpectNoReportLeft();
}

TEST_F(XrayScanTest, ExportIsAZipHoldingTheWholeReportAsJson) {
  json rows = WriteDataset(file_, 1234);
  Configure({{"dataset", {{"file", file_.string()}}}, {"report_duration_ms", 0}});
  auto created =
      Call("POST", "/xray/api/v1/reports/vulnerabilities", "good-token",
           R"({"name":"export-me","resources":{"repositories":[{"name":"npm-local"}]}})");
  ASSERT_EQ(created.status, 200) << created.body;
  const std::string id = std::to_string(json::parse(created.body)["report_id"].get<int>());
  const std::string path = "/xray/api/v1/reports/export/" + id;

  auto zip = Call("GET", path + "?file_name=shop-vulnerabilities&format=json");
  ASSERT_EQ(zip.status, 200) << zip.body;
  EXPECT_EQ(zip.Header("Content-Type"), "application/zip");
  EXPECT_TRUE(zip.body.starts_with("PK\x03\x04"));
  auto members = Unzip(zip.body);
  ASSERT_EQ(members.size(), 1u);
  EXPECT_EQ(members[0].first, "shop-vulnerabilities.json");
  json doc = json::parse(members[0].second);
  EXPECT_EQ(doc["total_rows"], 1234);
  EXPECT_EQ(doc["rows"], rows);

  auto unknown = Call("GET", "/xray/api/v1/reports/export/999?file_name=x&format=json");
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_EQ(json::parse(unknown.body)["error"], "Report not found");
  EXPECT_EQ(Call("GET", path + "?format=json").status, 400);
  EXPECT_EQ(Call("GET", path + "?file_name=x").status, 400);
  EXPECT_EQ(Call("GET", path + "?file_name=x&format=json", "read-token").status, 403);
  EXPECT_EQ(Call("GET", path + "?file_name=x&format=json", "wrong").status, 401);

  EXPECT_EQ(Call("DELETE", "/xray/api/v1/reports/" + id).status, 200);
  EXPECT_EQ(Call("GET", path + "?file_name=x&format=json").status, 404);
}

TEST_F(XrayScanTest, RealReportExportPagesBackIdentically) {
  std::filesystem::path sample = BULWARK_SOURCE_DIR
      "/../shared/samples/xray/xray-report-export/"
      "Vulnerabilities-Report-XRAY_Unified.json";
  if (!std::filesystem::exists(sample)) GTEST_SKIP() << "samples not available: " << sample;
  Configure({{"dataset", {{"file", sample.string()}}}, {"report_duration_ms", 0}});
  auto options = FastOptions();
  options.page_size = 2;
  CollectingSink sink;
  auto outcome =
      Client("good-token", false, false, options)->RunApiScan(Target(), sink.AsSink(), {});
  ASSERT_TRUE(outcome) << outcome.error().message;
  std::ifstream in(sample);
  EXPECT_EQ(sink.rows, json::parse(in)["rows"]);
  ExpectNoReportLeft();
}

TEST_F(XrayScanTest, EmptyReportCompletesWithHint) {
  Configure({{"dataset", {{"generate", 0}}}, {"report_duration_ms", 0}});
  CollectingSink sink;
  auto outcome =
      Client("good-token", false, false, FastOptions())->RunApiScan(Target(), sink.AsSink(), {});
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(outcome->total_rows, 0);
  EXPECT_EQ(outcome->hint, std::string(kHintEmptyReport));
  ExpectNoReportLeft();
}

TEST_F(XrayScanTest, PreflightRejectsNonIndexedUnknownAndVirtualRepositories) {
  auto client = Client("good-token", false, false, FastOptions());
  CollectingSink sink;
  auto not_indexed = client->RunApiScan(Target("debian-local"), sink.AsSink(), {});
  ASSERT_FALSE(not_indexed);
  EXPECT_NE(not_indexed.error().message.find("not indexed"), std::string::npos);
  auto unknown = client->RunApiScan(Target("nope-local"), sink.AsSink(), {});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, core::ErrorCode::kNotFound);
  auto virt = client->RunApiScan(Target("npm-virtual"), sink.AsSink(), {});
  ASSERT_FALSE(virt);
  EXPECT_NE(virt.error().message.find("virtual"), std::string::npos);
  EXPECT_EQ(State()["created"], 0);
}

TEST_F(XrayScanTest, ServerErrorBurstsRateLimitsAndDropsAreRecovered) {
  Configure({{"dataset", {{"generate", 2500}}},
             {"report_duration_ms", 0},
             {"faults",
              {{{"kind", "status"}, {"status", 503}, {"query", "page_num=2&"}, {"count", 3}},
               {{"kind", "status"},
                {"status", 429},
                {"retry_after", "2"},
                {"query", "page_num=3&"},
                {"count", 1}},
               {{"kind", "drop"}, {"query", "page_num=1&"}, {"count", 1}},
               {{"kind", "malformed"}, {"query", "page_num=3&"}, {"count", 1}},
               {{"kind", "status"},
                {"status", 502},
                {"method", "GET"},
                {"path", "/xray/api/v1/reports/"},
                {"count", 2}}}}});
  env::FakeClock clock;
  CollectingSink sink;
  auto outcome = Client("good-token", false, false, FastOptions(), &clock)
                     ->RunApiScan(Target(), sink.AsSink(), {});
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(sink.rows.size(), 2500u);
  EXPECT_GE(clock.Slept(), std::chrono::milliseconds(2000));  // honoured Retry-After
  ExpectNoReportLeft();
}

TEST_F(XrayScanTest, SlowPageTimesOutAndIsFetchedAgain) {
  Configure(
      {{"dataset", {{"generate", 300}}},
       {"report_duration_ms", 0},
       {"faults", {{{"kind", "latency"}, {"ms", 1500}, {"query", "page_num=2&"}, {"count", 1}}}}});
  auto options = FastOptions();
  options.page_size = 100;
  options.request_timeout = std::chrono::milliseconds(500);
  CollectingSink sink;
  auto outcome =
      Client("good-token", false, false, options)->RunApiScan(Target(), sink.AsSink(), {});
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(sink.rows.size(), 300u);
  EXPECT_EQ(sink.pages, (std::vector<int>{1, 2, 3}));
  ExpectNoReportLeft();
}

TEST_F(XrayScanTest, PersistentServerErrorIsReportedAndReportStillDeleted) {
  Configure({{"dataset", {{"generate", 1500}}},
             {"report_duration_ms", 0},
             {"faults", {{{"kind", "status"}, {"status", 503}, {"query", "page_num=2&"}}}}});
  env::FakeClock clock;
  CollectingSink sink;
  auto outcome = Client("good-token", false, false, FastOptions(), &clock)
                     ->RunApiScan(Target(), sink.AsSink(), {});
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().code, core::ErrorCode::kUnavailable);
  EXPECT_NE(outcome.error().message.find("page_num=2&num_of_rows=1000&order_by=severity returned "
                                         "503 after 5 attempts"),
            std::string::npos)
      << outcome.error().message;
  ExpectNoReportLeft();
}

TEST_F(XrayScanTest, PersistentlyMalformedPageIsDataLoss) {
  Configure({{"dataset", {{"generate", 1200}}},
             {"report_duration_ms", 0},
             {"faults", {{{"kind", "malformed"}, {"query", "page_num=2&"}}}}});
  CollectingSink sink;
  auto outcome =
      Client("good-token", false, false, FastOptions())->RunApiScan(Target(), sink.AsSink(), {});
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().code, core::ErrorCode::kDataLoss);
  EXPECT_NE(outcome.error().message.find("malformed"), std::string::npos);
  ExpectNoReportLeft();
}

TEST_F(XrayScanTest, FailedReportIsReportedWithReason) {
  Configure({{"report_failure", "indexer crashed"}, {"report_duration_ms", 0}});
  CollectingSink sink;
  auto outcome =
      Client("good-token", false, false, FastOptions())->RunApiScan(Target(), sink.AsSink(), {});
  ASSERT_FALSE(outcome);
  EXPECT_NE(outcome.error().message.find("indexer crashed"), std::string::npos);
  ExpectNoReportLeft();
}

TEST_F(XrayScanTest, CancelStopsTheScanAndDeletesTheReport) {
  Configure({{"dataset", {{"generate", 2000}}}, {"report_duration_ms", 0}});
  std::atomic<bool> cancel{false};
  int delivered = 0;
  PageSink sink = [&](int, std::string) -> core::Status {
    if (++delivered == 2) cancel = true;
    return core::Ok();
  };
  auto options = FastOptions();
  options.page_size = 100;
  auto outcome =
      Client("good-token", false, false, options)->RunApiScan(Target(), sink, {.cancel = &cancel});
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().code, core::ErrorCode::kCanceled);
  EXPECT_LT(delivered, 50);
  ExpectNoReportLeft();
}

TEST_F(XrayScanTest, ReportThatNeverCompletesTimesOutAndIsDeleted) {
  Configure({{"report_duration_ms", 100'000'000}});
  env::FakeClock clock;
  auto options = FastOptions();
  options.poll_initial = std::chrono::seconds(1);
  options.poll_max = std::chrono::seconds(5);
  options.report_timeout = std::chrono::seconds(60);
  CollectingSink sink;
  auto outcome =
      Client("good-token", false, false, options, &clock)->RunApiScan(Target(), sink.AsSink(), {});
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().code, core::ErrorCode::kDeadlineExceeded);
  EXPECT_NE(outcome.error().message.find("still"), std::string::npos) << outcome.error().message;
  ExpectNoReportLeft();
}

TEST_F(XrayScanTest, SinkErrorStopsTheScanAndDeletesTheReport) {
  Configure({{"dataset", {{"generate", 300}}}, {"report_duration_ms", 0}});
  PageSink sink = [](int page, std::string) -> core::Status {
    if (page == 2) return core::Fail(core::ErrorCode::kDataLoss, "ingest: row 7 is bad");
    return core::Ok();
  };
  auto options = FastOptions();
  options.page_size = 100;
  auto outcome = Client("good-token", false, false, options)->RunApiScan(Target(), sink, {});
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().message, "ingest: row 7 is bad");
  ExpectNoReportLeft();
}

TEST_F(XrayScanTest, TokenExpiringMidScanIsUnauthorized) {
  Configure({{"dataset", {{"generate", 3000}}},
             {"report_duration_ms", 0},
             {"tokens", {{"short", {{"admin", true}, {"expires_after_requests", 5}}}}}});
  CollectingSink sink;
  auto outcome =
      Client("short", false, false, FastOptions())->RunApiScan(Target(), sink.AsSink(), {});
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().code, core::ErrorCode::kUnauthenticated);
  EXPECT_NE(outcome.error().message.find(kHintUnauthorized), std::string::npos);
  EXPECT_NE(outcome.error().message.find("could not be deleted"), std::string::npos);
}

TEST_F(XrayScanTest, ReportNameAndPathPatternsAreSent) {
  Configure({{"report_duration_ms", 100'000'000}});
  std::atomic<bool> cancel{false};
  ScanTarget target = Target();
  target.include_path_patterns = {"app/**"};
  ScanControl control{.cancel = &cancel, .progress = [&](int, std::string_view) {
                        auto reports = State()["reports"];
                        if (!reports.empty()) {
                          EXPECT_EQ(reports[0]["name"], "bulwark-shop-scan-42");
                        }
                        cancel = true;
                      }};
  CollectingSink sink;
  auto outcome =
      Client("good-token", false, false, FastOptions())->RunApiScan(target, sink.AsSink(), control);
  EXPECT_FALSE(outcome);
  ExpectNoReportLeft();
}

}  // namespace
}  // namespace bulwark::scanners::xray
