// The scanner schedule fields, the webhook delivery log, redelivery and test ping, and the job
// series of /metrics, through the real `bulwark serve` binary (SQLite and PostgreSQL) with a real
// webhook receiver on loopback.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <random>
#include <regex>
#include <thread>

#include "env/clock.h"
#include "storage/store.h"
#include "test/fakes/webhook_receiver/webhook_receiver.h"
#include "test/integration/process.h"
#include "test/support/api_call.h"
#include "test/support/names.h"
#include "test/support/postgres_schema.h"

namespace bulwark::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr char kKeyHex[] = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
constexpr char kHookSecret[] = "whsec-api-test";

class WebhookApi : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bulwark-hookapi-" + Unique());
    fs::create_directories(dir_ / "data");
    db_url_ = "sqlite://" + (dir_ / "data" / "bulwark.db").string();
    if (GetParam() == "postgresql") {
      std::string why;
      if (!pg_.Create("hookapi_" + Unique(), why)) {
        if (PostgresSchema::SkipRequested()) GTEST_SKIP() << why;
        FAIL() << why;
      }
      db_url_ = pg_.url();
    }
    config_ = {"--data-dir", (dir_ / "data").string(), "--database", db_url_};
    std::vector<std::string> args = {"serve",       "--listen", "127.0.0.1:0",
                                     "--job-lease", "2",        "--webhook-allow-private-networks",
                                     "true"};
    args.insert(args.end(), config_.begin(), config_.end());
    server_ = std::make_unique<Process>(args, Env());
    url_ = server_->WaitForLine("listening on ");
    ASSERT_FALSE(url_.empty()) << server_->Stderr();
    const std::string out = server_->Stdout();
    auto at = out.find("API token:  ");
    ASSERT_NE(at, std::string::npos) << out;
    admin_ = out.substr(at + 12, out.find('\n', at) - at - 12);
    member_ = CreateToken("member", "member");
    viewer_ = CreateToken("viewer", "viewer");
    auto project = Call("POST", "/api/v1/projects", member_, {{"name", "shop-" + Unique()}});
    ASSERT_EQ(project.status, 201) << project.raw;
    project_id_ = project.body["id"].get<std::int64_t>();
    scanners_ = "/api/v1/projects/" + std::to_string(project_id_) + "/scanners";
  }

  void TearDown() override {
    if (server_) {
      server_->Signal(SIGTERM);
      server_->Wait();
      EXPECT_EQ(server_->Stderr().find(kHookSecret), std::string::npos) << "secret in the log";
    }
    server_.reset();
    fs::remove_all(dir_);
    pg_.Drop();
  }

  static std::map<std::string, std::string> Env() { return {{"BULWARK_SECRET_KEY", kKeyHex}}; }

  std::string CreateToken(const std::string& name, const std::string& role) {
    std::vector<std::string> args = {"token", "create", "--name", name, "--role", role};
    args.insert(args.end(), config_.begin(), config_.end());
    Output o = RunBulwark(args, Env());
    EXPECT_EQ(o.exit_code, 0) << o.err;
    return o.out.substr(0, o.out.find('\n'));
  }

  Reply Call(const std::string& method, const std::string& path, const std::string& token,
             const json& body = nullptr) {
    Reply reply = CallApi(url_, method, path, token, body);
    EXPECT_EQ(reply.raw.find(kHookSecret), std::string::npos) << path << ": " << reply.raw;
    return reply;
  }

  // A scanner whose webhook goes to `hook_url` (signed with kHookSecret).
  std::string CreateScanner(const std::string& branch, const std::string& hook_url) {
    auto r = Call("POST", scanners_, member_,
                  {{"tool", "jfrogxraysca"},
                   {"repository_key", "npm-local"},
                   {"branch", branch},
                   {"webhook", {{"url", hook_url}, {"secret", kHookSecret}}}});
    EXPECT_EQ(r.status, 201) << r.raw;
    return scanners_ + "/" + std::to_string(r.body.value("id", 0));
  }

  // Imports a real Xray file through the upload endpoint for `branch` (its scanner's webhook is
  // told when the scan ends).
  void Import(const std::string& branch) {
    httplib::Client client(url_);
    client.set_read_timeout(60);
    std::ifstream in(BULWARK_SOURCE_DIR "/test/fixtures/xray/report.json", std::ios::binary);
    const std::string report((std::istreambuf_iterator<char>(in)), {});
    httplib::MultipartFormDataItems items = {{"file", report, "report.json", "application/json"},
                                             {"branch", branch, "", ""},
                                             {"tool", "jfrogxraysca", "", ""}};
    auto r = client.Post(("/api/v1/projects/" + std::to_string(project_id_) + "/imports").c_str(),
                         {{"Authorization", "Bearer " + member_}}, items);
    ASSERT_TRUE(r);
    ASSERT_LT(r->status, 300) << r->body;
  }

  std::string Metrics() {
    httplib::Client client(url_);
    auto r = client.Get("/metrics");
    return r ? r->body : "";
  }

  // The value of one series line (`name{labels} value`), or -1 when absent.
  static double Series(const std::string& text, const std::string& series) {
    auto at = text.find("\n" + series + " ");
    if (at == std::string::npos) return -1;
    return std::stod(text.substr(at + series.size() + 2));
  }

  template <typename Pred>
  static bool WaitFor(Pred pred, std::chrono::seconds timeout = 60s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred()) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  fs::path dir_;
  std::string db_url_, url_, admin_, member_, viewer_, scanners_;
  PostgresSchema pg_;
  std::vector<std::string> config_;
  std::unique_ptr<Process> server_;
  std::int64_t project_id_ = 0;
};

TEST_P(WebhookApi, ScheduleTakesEveryApiRruleFieldAndStoresTheNextRun) {
  json schedule = {{"enabled", true},
                   {"frequency", 3},
                   {"interval", 2},
                   {"days_of_week", {1, "wed"}},
                   {"start_date", "2030-01-07T09:30:00Z"},  // a Monday
                   {"end_date", "2030-12-31"},
                   {"count", 10}};
  auto created = Call("POST", scanners_, member_,
                      {{"tool", "jfrogxraysca"},
                       {"repository_key", "npm-local"},
                       {"branch", "main"},
                       {"schedule", schedule}});
  ASSERT_EQ(created.status, 201) << created.raw;
  const json& s = created.body["schedule"];
  EXPECT_EQ(s["frequency"], "weekly");
  EXPECT_EQ(s["interval"], 2);
  EXPECT_EQ(s["days_of_week"], json({1, 3}));
  EXPECT_EQ(s["days"], json({"mon", "wed"}));
  EXPECT_EQ(s["start_date"], "2030-01-07T09:30:00Z");
  EXPECT_EQ(s["end_date"], "2030-12-31T00:00:00Z");
  EXPECT_EQ(s["count"], 10);
  EXPECT_EQ(s["next_run_at"], "2030-01-07T09:30:00Z") << created.raw;
  const std::string one = scanners_ + "/" + std::to_string(created.body["id"].get<int>());
  EXPECT_EQ(Call("GET", one, viewer_).body["schedule"], s) << "stored as answered";

  // Monthly on the 31st from a start in February: the first run is February's last day.
  auto monthly = Call("PATCH", one, member_,
                      {{"schedule",
                        {{"enabled", true},
                         {"frequency", "monthly"},
                         {"days_of_month", {31}},
                         {"start_date", "2031-02-01T06:00:00Z"}}}});
  ASSERT_EQ(monthly.status, 200) << monthly.raw;
  EXPECT_EQ(monthly.body["schedule"]["days_of_month"], json({31}));
  EXPECT_EQ(monthly.body["schedule"]["next_run_at"], "2031-02-28T06:00:00Z");

  // The toggle alone means daily.
  auto toggle = Call("PATCH", one, member_, {{"schedule", {{"enabled", true}}}});
  ASSERT_EQ(toggle.status, 200) << toggle.raw;
  EXPECT_EQ(toggle.body["schedule"]["frequency"], "daily");
  EXPECT_TRUE(toggle.body["schedule"]["next_run_at"].is_string());

  auto expect_field = [&](const json& bad, const std::string& field) {
    auto r = Call("PATCH", one, member_, {{"schedule", bad}});
    EXPECT_EQ(r.status, 400) << r.raw;
    EXPECT_NE(r.body.value("message", "").find("scanner.schedule." + field), std::string::npos)
        << r.raw;
  };
  expect_field({{"enabled", true}, {"days_of_month", {32}}}, "days_of_month");
  expect_field({{"enabled", true}, {"frequency", "yearly"}}, "frequency");
  expect_field({{"enabled", true}, {"start_date", "tomorrow"}}, "start_date");
  expect_field({{"enabled", true}, {"count", 0}}, "count");
  expect_field({{"enabled", true}, {"interval", 1.5}}, "interval");
  expect_field({{"enabled", "maybe"}}, "enabled");
  expect_field({{"enabled", true}, {"days_of_week", {{{"day", 1}}}}}, "days_of_week");
  auto off = Call("PATCH", one, member_, {{"schedule", {{"enabled", false}}}});
  ASSERT_EQ(off.status, 200) << off.raw;
  EXPECT_TRUE(off.body["schedule"]["next_run_at"].is_null());
}

TEST_P(WebhookApi, TestPingIsSignedAndAnswersTheOutcome) {
  WebhookReceiver receiver(kHookSecret);
  const std::string one = CreateScanner("main", receiver.Url("/hook"));
  auto ok = Call("POST", one + "/webhook/test", member_);
  ASSERT_EQ(ok.status, 200) << ok.raw;
  EXPECT_EQ(ok.body["delivered"], true);
  EXPECT_EQ(ok.body["status"], 204);
  EXPECT_EQ(ok.body["signed"], true);
  ASSERT_EQ(receiver.Requests().size(), 1u);
  const auto ping = receiver.Requests()[0];
  EXPECT_TRUE(ping.signature_valid) << ping.signature_problem;
  EXPECT_EQ(ping.headers.at("x-bulwark-event"), "ping");
  EXPECT_EQ(json::parse(ping.body)["event"], "ping");

  receiver.AnswerAlways(503);
  auto failed = Call("POST", one + "/webhook/test", member_);
  ASSERT_EQ(failed.status, 200) << failed.raw;
  EXPECT_EQ(failed.body["delivered"], false);
  EXPECT_EQ(failed.body["status"], 503);
  EXPECT_EQ(failed.body["retryable"], true);
  EXPECT_EQ(Call("POST", one + "/webhook/test", viewer_).status, 403);
  EXPECT_EQ(Call("POST", scanners_ + "/999999/webhook/test", member_).status, 404);

  auto audit = Call("GET", "/api/v1/audit?action=webhook.test", admin_);
  ASSERT_EQ(audit.status, 200) << audit.raw;
  EXPECT_NE(audit.raw.find("webhook.test"), std::string::npos) << audit.raw;
}

TEST_P(WebhookApi, DeliveriesAreListedWithAttemptsAndCanBeRedelivered) {
  WebhookReceiver receiver(kHookSecret);
  receiver.FailNext(1, 500);
  const std::string one = CreateScanner("main", receiver.Url("/hook"));
  Import("main");
  // The first attempt gets 500 and is retried after a backoff of at least 5 s.
  ASSERT_TRUE(receiver.WaitForRequests(2, 90s)) << server_->Stderr();
  Reply listed;
  ASSERT_TRUE(WaitFor([&] {
    listed = Call("GET", one + "/webhook/deliveries", viewer_);
    return listed.status == 200 && listed.body["deliveries"].size() == 1 &&
           listed.body["deliveries"][0]["state"] == "delivered";
  })) << listed.raw;
  const json d = listed.body["deliveries"][0];
  EXPECT_EQ(d["event"], "scan.finished");
  EXPECT_EQ(d["signed"], true);
  EXPECT_EQ(d["attempt_count"], 2);
  EXPECT_TRUE(d["next_attempt_at"].is_null());
  ASSERT_EQ(d["attempts"].size(), 2u);
  EXPECT_EQ(d["attempts"][0]["status"], 500);
  EXPECT_EQ(d["attempts"][0]["outcome"], "retry");
  EXPECT_EQ(d["attempts"][1]["outcome"], "delivered");
  EXPECT_EQ(d["target"].get<std::string>().find("/hook"), std::string::npos) << "path hidden";

  const std::string delivery_id = d["delivery_id"];
  EXPECT_EQ(Call("POST", one + "/webhook/deliveries/" + delivery_id + "/redeliver", viewer_).status,
            403);
  auto again = Call("POST", one + "/webhook/deliveries/" + delivery_id + "/redeliver", member_);
  ASSERT_EQ(again.status, 202) << again.raw;
  EXPECT_EQ(again.body["state"], "pending");
  ASSERT_TRUE(receiver.WaitForRequests(3, 60s));
  const auto requests = receiver.Requests();
  EXPECT_EQ(requests[2].headers.at("x-bulwark-delivery"), delivery_id);
  EXPECT_EQ(requests[2].body, requests[0].body) << "the same bytes on every attempt";
  EXPECT_EQ(receiver.Accepted(), 1);
  EXPECT_EQ(Call("POST", one + "/webhook/deliveries/00000000-0000-4000-8000-000000000000/redeliver",
                 member_)
                .status,
            404);

  // /metrics: the import's duration, the failed attempt's reason, no backlog left.
  std::string metrics;
  ASSERT_TRUE(WaitFor([&] {
    metrics = Metrics();
    return Series(metrics,
                  R"(bulwark_job_duration_seconds_count{kind="webhook",outcome="delivered"})") == 2;
  })) << metrics;
  EXPECT_EQ(
      Series(metrics, R"(bulwark_job_duration_seconds_count{kind="import",outcome="finished"})"), 1)
      << metrics;
  EXPECT_EQ(Series(metrics, R"(bulwark_webhook_delivery_failures_total{reason="http_5xx"})"), 1)
      << metrics;
  EXPECT_EQ(Series(metrics, R"(bulwark_jobs_waiting{queue="scans"})"), 0) << metrics;
  EXPECT_EQ(Series(metrics, R"(bulwark_jobs_waiting{queue="webhooks"})"), 0) << metrics;
}

// Scans that cannot be claimed (the head of their configuration is leased to a live process)
// show on /metrics as backlog with their age.
TEST_P(WebhookApi, MetricsShowTheWaitingScansAndTheOldestAge) {
  auto store = storage::OpenStore(db_url_);
  ASSERT_TRUE(store) << store.error().message;
  auto created =
      Call("POST", scanners_, member_,
           {{"tool", "jfrogxraysca"}, {"repository_key", "npm-local"}, {"branch", "main"}});
  ASSERT_EQ(created.status, 201) << created.raw;
  const auto now = env::Clock::System().Now();
  storage::Scan s;
  s.project_id = project_id_;
  s.scanner_config_id = created.body["id"].get<std::int64_t>();
  s.tool = "jfrogxraysca";
  s.method = "bind";
  s.branch = "main";
  s.created_at = now - 300s;
  // In one transaction, so the server cannot take the head first: the head is leased to another,
  // live owner for an hour and started; the two scans behind it cannot be claimed.
  auto queued = (*store)->WithTransaction([&](storage::Repositories& r) -> core::Status {
    auto head = r.Scans().Create(s);
    if (!head) return std::unexpected(head.error());
    auto claimed = r.Scans().ClaimNext("ghost:1", now, now + 1h);
    if (!claimed || !*claimed || (**claimed).id != head->id) {
      return core::Fail(core::ErrorCode::kInternal, "the head was not claimed");
    }
    if (auto st = r.Scans().Transition(head->id, storage::ScanState::kStarting, 5, now); !st) {
      return st;
    }
    s.created_at = now - 120s;
    for (int i = 0; i < 2; ++i) {
      if (auto c = r.Scans().Create(s); !c) return std::unexpected(c.error());
    }
    return core::Ok();
  });
  ASSERT_TRUE(queued) << queued.error().message;
  std::string metrics = Metrics();
  const double waiting = Series(metrics, R"(bulwark_jobs_waiting{queue="scans"})");
  const double age = Series(metrics, R"(bulwark_jobs_oldest_waiting_age_seconds{queue="scans"})");
  EXPECT_EQ(waiting, 2) << metrics;
  EXPECT_GE(age, 120) << metrics;
  EXPECT_LT(age, 600) << metrics;
}

TEST_P(WebhookApi, OpenApiDescribesTheScannerAndWebhookRoutes) {
  auto doc = Call("GET", "/api/v1/openapi.json", "");
  ASSERT_EQ(doc.status, 200) << doc.raw;
  EXPECT_EQ(doc.body["openapi"], "3.0.3");
  const json& paths = doc.body["paths"];
  const std::string base = "/api/v1/projects/{id}/scanners/{sid}/webhook";
  EXPECT_TRUE(paths[base + "/deliveries"].contains("get")) << doc.raw;
  EXPECT_TRUE(paths[base + "/deliveries/{d}/redeliver"].contains("post"));
  EXPECT_TRUE(paths[base + "/test"].contains("post"));
  EXPECT_EQ(paths[base + "/test"]["post"]["x-bulwark-role"], "member");
  EXPECT_TRUE(doc.body["components"]["schemas"]["Schedule"]["properties"].contains("next_run_at"));
}

INSTANTIATE_TEST_SUITE_P(Backends, WebhookApi, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace bulwark::testing
