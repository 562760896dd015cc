// The kdt-compatible API of the real `bulwark serve` (SQLite and PostgreSQL), driven with the
// exact request sequences the `kdt` CLI sends (specs/kdt-compat.md sections 1.4-1.6): same
// methods, paths, query strings, headers and bodies, asserting what kdt reads from each answer.
// The API-mode scan pulls its results from a real fake-xray process.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <random>
#include <sstream>
#include <thread>

#include "env/crypto.h"
#include "storage/store.h"
#include "test/fakes/fake_xray/fake_xray_process.h"
#include "test/integration/process.h"
#include "test/support/names.h"
#include "test/support/postgres_schema.h"

namespace bulwark::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kSecretKey =
    "4b1d0c2e3f405162738495a6b7c8d9eaf0112233445566778899aabbccddeeff";
constexpr const char* kProject = "Payments App";  // a space: kdt URL-escapes path segments
constexpr const char* kProjectPath = "Payments%20App";
// kdt's check of a scan id: 24 lowercase hex digits (a Mongo ObjectID).
bool IsObjectId(const std::string& id) {
  return id.size() == 24 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// One answer as kdt sees it: status and parsed body (kdt refuses a 2xx body that is not JSON).
struct Answer {
  int status = 0;
  json body;
};

class KdtApi : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bulwark-kdt-it-" + Unique());
    fs::create_directories(dir_ / "data");
    args_ = {"serve", "--listen", "127.0.0.1:0", "--data-dir", (dir_ / "data").string()};
    db_url_ = "sqlite://" + (dir_ / "data" / "bulwark.db").string();
    if (GetParam() == "postgresql") {
      std::string why;
      if (!pg_.Create("kdt_" + Unique(), why)) {
        if (PostgresSchema::SkipRequested()) GTEST_SKIP() << why;
        FAIL() << why;
      }
      db_url_ = pg_.url();
      args_.push_back("--database");
      args_.push_back(db_url_);
    }
    Start();
  }

  void TearDown() override {
    store_.reset();
    server_.reset();
    fake_.reset();
    fs::remove_all(dir_);
    pg_.Drop();
  }

  void Start() {
    server_ = std::make_unique<Process>(
        args_, std::map<std::string, std::string>{{"BULWARK_SECRET_KEY", kSecretKey}});
    url_ = server_->WaitForLine("listening on ");
    ASSERT_FALSE(url_.empty()) << server_->Stderr();
    const std::string out = server_->Stdout();
    auto at = out.find("API token:  ");
    ASSERT_NE(at, std::string::npos);
    token_ = out.substr(at + 12, out.find('\n', at) - at - 12);
    auto store = storage::OpenStore(db_url_);
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    storage::Project p;
    p.name = kProject;
    auto created = store_->Projects().Create(p);
    ASSERT_TRUE(created) << created.error().message;
    project_id_ = created->id;
  }

  // What the web UI does before kdt can trigger a bind scan: the JFrog Xray SCA integration
  // (API enabled, against fake-xray) and the project's scanner bound to a repository key.
  void ConfigureXrayScanner() {
    fake_ = fakes::FakeXrayProcess::Start(FAKE_XRAY_BINARY);
    ASSERT_NE(fake_, nullptr);
    auto answer =
        fake_->Control("POST", "/__fake/config",
                       R"({"dataset": {"generate": 40, "seed": 7}, "report_duration_ms": 200})");
    ASSERT_FALSE(answer.starts_with("error")) << answer;
    auto key = env::ParseSecretKey(kSecretKey);
    ASSERT_TRUE(key);
    storage::Integration integration;
    integration.kind = "jfrogxraysca";
    integration.active = true;
    integration.api_enabled = true;
    integration.url = fake_->http_url();
    integration.sealed_access_token = env::Seal(*key, "good-token");
    ASSERT_TRUE(store_->Integrations().Create(integration));
    storage::ScannerConfig config;
    config.project_id = project_id_;
    config.tool = "jfrogxraysca";
    config.repository_key = "npm-local";
    config.branch = "main";
    auto created = store_->ScannerConfigs().Create(config);
    ASSERT_TRUE(created) << created.error().message;
  }

  httplib::Headers KdtHeaders(const char* auth_header = "X-Cookie") {
    return {{auth_header, token_}, {"User-Agent", "KDT"}, {"Accept", "application/json"}};
  }

  Answer Check(const httplib::Result& res) {
    Answer a;
    EXPECT_TRUE(res) << "no answer";
    if (!res) return a;
    a.status = res->status;
    a.body = json::parse(res->body, nullptr, false);
    EXPECT_FALSE(a.body.is_discarded()) << "not JSON: " << res->body;
    if (a.status >= 300) {
      EXPECT_TRUE(a.body.contains("error")) << res->body;
    }
    return a;
  }

  Answer KdtGet(const std::string& path, const char* auth_header = "X-Cookie") {
    httplib::Client client(url_);
    client.set_read_timeout(30, 0);
    return Check(client.Get(path.c_str(), KdtHeaders(auth_header)));
  }

  Answer KdtPost(const std::string& path, const json& body) {
    httplib::Client client(url_);
    return Check(client.Post(path.c_str(), KdtHeaders(), body.dump(), "application/json"));
  }

  // kdt's scan PreRun and project/tool steps 1-3; returns the project id.
  std::string ValidateToolAndProject() {
    Answer tool = KdtGet(
        "/api/v2/scanners/"
        "active?labels=&limit=0&name=jfrogxraysca&types=sast,dast,sca,cs,iac,iast,cspm,mast,"
        "infra,fuzzing");
    EXPECT_EQ(tool.status, 200);
    EXPECT_EQ(tool.body["total"], 1);
    EXPECT_EQ(tool.body["active_scanners"][0]["type"], "sca");
    EXPECT_EQ(tool.body["active_scanners"][0]["disabled"], false);
    Answer scanner = KdtGet("/api/v2/scanners/active?name=jfrogxraysca&limit=1");
    EXPECT_EQ(scanner.body["total"], 1);
    const json labels = scanner.body["active_scanners"][0]["labels"];
    EXPECT_NE(std::find(labels.begin(), labels.end(), "bind"), labels.end()) << labels;
    EXPECT_TRUE(scanner.body["active_scanners"][0]["params"].contains("repository_key"));
    scanner_id_ = scanner.body["active_scanners"][0]["id"];
    Answer projects = KdtGet(std::string("/api/v2/projects?alm=&name=") + kProjectPath);
    EXPECT_EQ(projects.status, 200);
    EXPECT_EQ(projects.body["total"], 1);
    EXPECT_EQ(projects.body["projects"][0]["name"], kProject);
    const std::string id = projects.body["projects"][0].value("id", "");
    EXPECT_TRUE(IsObjectId(id)) << id;
    return id;
  }

  Answer FindScan(const std::string& branch) {
    return KdtGet(std::string("/api/v2/projects/") + kProjectPath +
                  "/scans?agent_id=&branch=" + branch +
                  "&environment=&fork_scan=false&fork_source_branch=&limit=1&manual=false&meta_"
                  "data=&pr=false&tool=jfrogxraysca");
  }

  // kdt's waitTillScanEnded: polls the event until `active` leaves 1, checking each answer.
  json WaitForEvent(const std::string& event_id) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
    json event;
    while (std::chrono::steady_clock::now() < deadline) {
      Answer a = KdtGet("/api/v2/events/" + event_id + "/status");
      EXPECT_EQ(a.status, 200);
      event = a.body;
      const int active = event.value("active", 99);
      const int status = event.value("status", 99);
      if (active != 1) return event;
      EXPECT_TRUE(status >= 0 && status <= 5) << event;
      EXPECT_FALSE(event.value("status_text", "").empty()) << event;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "event " << event_id << " still active: " << event;
    return event;
  }

  // After `active` 0 with status 6: the scan detail, then the release check kdt always runs.
  json ExpectFinishedAndReleasable(const json& event) {
    EXPECT_EQ(event["active"], 0) << event;
    EXPECT_EQ(event["status"], 6) << event;
    const std::string scan_id = event.value("scan_id", "");
    EXPECT_TRUE(IsObjectId(scan_id)) << event;
    Answer scan = KdtGet("/api/v2/scans/" + scan_id);
    EXPECT_EQ(scan.status, 200);
    const json& s = scan.body;
    EXPECT_EQ(s["id"], scan_id);
    EXPECT_EQ(s["project"], kProject);
    EXPECT_EQ(s["branch"], "main");
    EXPECT_EQ(s["tool"], "jfrogxraysca");
    EXPECT_EQ(s["scanner_type"], "sca");
    const std::string date = s.value("date", "");
    EXPECT_TRUE(date.size() >= 20 && date[4] == '-' && date[10] == 'T') << date;
    const json& sum = s["summary"];
    const int expected_score = 10 * sum.value("critical", 0) + 9 * sum.value("high", 0) +
                               4 * sum.value("medium", 0) + 2 * sum.value("low", 0);
    EXPECT_EQ(s["score"], expected_score) << s;
    Answer release = KdtGet(std::string("/api/v2/projects/") + kProjectPath +
                            "/release?branch=" + s.value("branch", ""));
    EXPECT_EQ(release.status, 200);
    EXPECT_EQ(release.body["progress_status"], "ready");
    EXPECT_NE(release.body["status"], "fail");
    EXPECT_EQ(release.body["status"], "undefined");
    EXPECT_EQ(release.body["sca"]["scan_id"], scan_id);
    return s;
  }

  httplib::Result Import(const std::string& file_name, const std::string& content,
                         const std::string& branch = "main") {
    httplib::MultipartFormDataItems items = {
        {"file", content, file_name, "application/octet-stream"},
        {"project", kProject, "", ""},
        {"branch", branch, "", ""},
        {"tool", "jfrogxraysca", "", ""},
        {"meta_data", "", "", ""},
        {"scan_tag", "", "", ""},
        {"target", "", "", ""},
        {"pr_number", "", "", ""},
        {"pr_decoration_scanner_types", "", "", ""},
        {"no_decoration", "false", "", ""},
        {"environment", "", "", ""},
        {"fork-scan", "false", "", ""},
        {"fork-source", "", "", ""},
        {"override-fork-source", "false", "", ""},
        {"override_old_analyze", "false", "", ""},
        {"incremental-scan", "false", "", ""},
        {"sbom_file_scan", "false", "", ""},
        {"api_file_scan", "false", "", ""}};
    httplib::Client client(url_);
    client.set_read_timeout(60, 0);
    return client.Post("/api/v2/scans/import", KdtHeaders(), items);
  }

  std::vector<std::string> args_;
  fs::path dir_;
  std::string db_url_, url_, token_, scanner_id_;
  PostgresSchema pg_;
  std::unique_ptr<Process> server_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<fakes::FakeXrayProcess> fake_;
  std::int64_t project_id_ = 0;
};

// `kdt scan -p "Payments App" -t jfrogxraysca -b main`, twice, then `--threshold-risk`.
TEST_P(KdtApi, ScanByProjectAndToolRunsTheBoundXrayScanThenRestartsIt) {
  ConfigureXrayScanner();
  Answer version = KdtGet("/core/version");
  EXPECT_EQ(version.status, 200);
  ValidateToolAndProject();
  Answer previous = FindScan("main");
  EXPECT_EQ(previous.body["total"], 0);
  Answer params = KdtGet(std::string("/api/v2/projects/") + kProjectPath +
                         "/scanparams?agent=&branch=&environment=&fork_scan=false&fork_source_"
                         "branch=&limit=1&manual=false&meta_data=&pr=false&target=&tool_id=" +
                         scanner_id_);
  ASSERT_EQ(params.body["total"], 1) << params.body;
  EXPECT_EQ(params.body["scanparams"][0]["bind_name"], "npm-local");
  const json create_body = {{"scanparams_id", params.body["scanparams"][0]["id"]},
                            {"branch", "main"},
                            {"project", kProject},
                            {"pr",
                             {{"ok", false},
                              {"target", ""},
                              {"pr_number", ""},
                              {"no_decoration", false},
                              {"pr_decoration_scanner_types", json::array()}}},
                            {"custom", {{"type", 0}, {"params", nullptr}}},
                            {"meta_data", ""},
                            {"scan_tag", ""},
                            {"fork_scan", false},
                            {"fork_source_branch", ""},
                            {"override_fork_source_branch", false},
                            {"environment", ""}};
  Answer created = KdtPost("/api/v2/scans/create", create_body);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string event_id = created.body.value("event_id", "");
  ASSERT_TRUE(IsObjectId(event_id)) << created.body;
  const json first = ExpectFinishedAndReleasable(WaitForEvent(event_id));
  EXPECT_GT(first["summary"].value("critical", 0) + first["summary"].value("high", 0) +
                first["summary"].value("medium", 0) + first["summary"].value("low", 0),
            0)
      << first;
  EXPECT_EQ(first["scan_type"], "kdt");

  // Second run: kdt finds the completed scan with the same parameters and restarts it.
  ValidateToolAndProject();
  Answer found = FindScan("main");
  ASSERT_EQ(found.body["total"], 1) << found.body;
  EXPECT_EQ(found.body["scans"][0]["id"], first["id"]);
  httplib::Client client(url_);
  Answer restarted = Check(
      client.Get(("/api/v2/scans/" + found.body["scans"][0].value("id", "") + "/restart").c_str(),
                 KdtHeaders()));
  ASSERT_EQ(restarted.status, 201) << restarted.body;
  const std::string second_event = restarted.body.value("event", "");
  ASSERT_TRUE(IsObjectId(second_event)) << restarted.body;
  EXPECT_NE(second_event, event_id);
  const json second = ExpectFinishedAndReleasable(WaitForEvent(second_event));
  EXPECT_EQ(second["summary"], first["summary"]);

  // --threshold-risk: last vs previous of the same project, tool and branch.
  Answer last = KdtGet("/api/v2/scans/" + second.value("id", "") + "/last_results");
  ASSERT_EQ(last.status, 200);
  ASSERT_TRUE(last.body.contains("last") && last.body.contains("previous")) << last.body;
  EXPECT_EQ(last.body["last"]["score"], second["score"]);
  EXPECT_EQ(last.body["previous"]["score"], first["score"]);
  EXPECT_EQ(last.body["last"]["summary"], second["summary"]);
  // The first scan has no predecessor: kdt reports "missing score records".
  Answer only = KdtGet("/api/v2/scans/" + first.value("id", "") + "/last_results");
  EXPECT_TRUE(only.body.contains("last"));
  EXPECT_FALSE(only.body.contains("previous")) << only.body;
}

// `kdt scan -p "Payments App" -t jfrogxraysca -b main -f results.json`.
TEST_P(KdtApi, ImportsAResultFileAndRefusesABadOneStoringNothing) {
  ValidateToolAndProject();
  const fs::path fixtures = fs::path(BULWARK_SOURCE_DIR) / "test" / "fixtures" / "xray";
  Answer bad = Check(Import("results.json", ReadAll(fixtures / "malformed.json")));
  EXPECT_GE(bad.status, 400);
  EXPECT_LT(bad.status, 500);
  EXPECT_NE(bad.body.value("error", "").find("results.json"), std::string::npos) << bad.body;
  Answer none = KdtGet(std::string("/api/v2/projects/") + kProjectPath + "/scans?limit=0");
  EXPECT_EQ(none.body["total"], 0) << none.body;

  Answer imported = Check(Import("results.json", ReadAll(fixtures / "report.json")));
  ASSERT_EQ(imported.status, 200) << imported.body;
  EXPECT_EQ(imported.body["message"], "scan results have been imported successfully");
  const std::string event_id = imported.body.value("event_id", "");
  ASSERT_TRUE(IsObjectId(event_id)) << imported.body;
  const json scan = ExpectFinishedAndReleasable(WaitForEvent(event_id));
  EXPECT_EQ(scan["scan_type"], "import");
  EXPECT_EQ(scan["summary"]["high"], 1) << scan;  // report.json: lodash (High) + one more
  EXPECT_EQ(scan["summary"].value("critical", 0) + scan["summary"].value("high", 0) +
                scan["summary"].value("medium", 0) + scan["summary"].value("low", 0) +
                scan["summary"].value("info", 0),
            2)
      << scan;
  // An imported scan is manual: kdt's project/tool mode must not restart it.
  EXPECT_EQ(FindScan("main").body["total"], 0);
}

// `kdt scan ... --async`: create answers an event at once; its status is well formed.
TEST_P(KdtApi, AsyncScanAnswersTheEventAtOnce) {
  ConfigureXrayScanner();
  ValidateToolAndProject();
  Answer created = KdtPost("/api/v2/scans/create", {{"project", kProject}, {"branch", "main"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string event_id = created.body.value("event_id", "");
  ASSERT_TRUE(IsObjectId(event_id));
  Answer status = KdtGet("/api/v2/events/" + event_id + "/status");
  EXPECT_EQ(status.status, 200);
  EXPECT_EQ(status.body["id"], event_id);
  EXPECT_TRUE(status.body["active"] == 1 || status.body["active"] == 0) << status.body;
  EXPECT_TRUE(status.body["links"].contains("html"));
  ExpectFinishedAndReleasable(WaitForEvent(event_id));
}

// A scan that fails on the Xray side: kdt reads active -1 and prints `message`.
TEST_P(KdtApi, FailedScanEndsWithActiveMinusOneAndAMessage) {
  ConfigureXrayScanner();
  auto answer =
      fake_->Control("POST", "/__fake/config", R"({"report_failure": "index is corrupt"})");
  ASSERT_FALSE(answer.starts_with("error")) << answer;
  Answer created = KdtPost("/api/v2/scans/create", {{"project", kProject}, {"branch", "main"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const json event = WaitForEvent(created.body.value("event_id", ""));
  EXPECT_EQ(event["active"], -1) << event;
  EXPECT_EQ(event["status"], -1) << event;
  EXPECT_FALSE(event.value("message", "").empty()) << event;
  EXPECT_TRUE(event["links"].contains("html"));
}

TEST_P(KdtApi, AspmPrefixTakesXAuthAndErrorsUseTheKdtBody) {
  Answer version = KdtGet("/api/aspm/v1/core/version", "X-Auth");
  EXPECT_EQ(version.status, 200);
  Answer health = KdtGet("/api/aspm/v1/api/v2/health/check", "X-Auth");
  EXPECT_EQ(health.status, 200);
  Answer projects =
      KdtGet(std::string("/api/aspm/v1/api/v2/projects?alm=&name=") + kProjectPath, "X-Auth");
  EXPECT_EQ(projects.body["total"], 1);
  Answer legacy = KdtGet("/api/v2/health/check");
  EXPECT_EQ(legacy.status, 200);

  Answer wrong_header = KdtGet("/api/aspm/v1/api/v2/health/check", "X-Cookie");
  EXPECT_EQ(wrong_header.status, 401);
  EXPECT_EQ(wrong_header.body, json({{"error", "failed to authorize"}}));
  token_ = "bwk_not_a_real_token_at_all";
  EXPECT_EQ(KdtGet("/api/v2/health/check").body, json({{"error", "failed to authorize"}}));
}

TEST_P(KdtApi, IdsAreObjectIdsAndProjectsResolveByNameOrId) {
  const std::string id = ValidateToolAndProject();
  char expected[32];
  std::snprintf(expected, sizeof expected, "%024llx", static_cast<unsigned long long>(project_id_));
  EXPECT_EQ(id, expected);
  EXPECT_EQ(KdtGet("/api/v2/projects/" + id + "/scans").status, 200);
  EXPECT_EQ(KdtGet("/api/v2/projects/" + std::to_string(project_id_) + "/scans").status, 200);
  Answer missing = KdtGet("/api/v2/projects/nope/scans");
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.value("error", "").find("nope"), std::string::npos);
  EXPECT_EQ(KdtGet("/api/v2/scans/0000000000000000000003e7").status, 404);
  EXPECT_EQ(KdtGet("/api/v2/events/not-an-id/status").status, 400);
  Answer other = KdtGet("/api/v2/scanners/active?name=jfrog&limit=1");
  EXPECT_EQ(other.body["total"], 0);

  Answer made = KdtPost("/api/v2/projects", {{"name", "web shop"}, {"default_branch", "main"}});
  ASSERT_EQ(made.status, 201) << made.body;
  EXPECT_EQ(made.body["project"]["name"], "web shop");
  Answer params =
      KdtPost("/api/v2/projects/" + made.body["project"].value("id", "") + "/scanparams",
              {{"tool", {{"id", scanner_id_}}},
               {"project", {{"id", made.body["project"]["id"]}}},
               {"bind_name", "libs-release-local"},
               {"branch", "main"},
               {"scan_type", "kdt"},
               {"custom", {{"type", 0}, {"params", {{"exclude_patterns", "test/**"}}}}}});
  ASSERT_EQ(params.status, 201) << params.body;
  EXPECT_EQ(params.body["scanparams"]["bind_name"], "libs-release-local");
  EXPECT_EQ(params.body["scanparams"]["custom"]["params"]["exclude_patterns"],
            json::array({"test/**"}));
  Answer unbound = KdtPost("/api/v2/projects/web%20shop/scanparams",
                           {{"tool", {{"id", scanner_id_}}}, {"branch", "dev"}});
  EXPECT_EQ(unbound.status, 400);
  EXPECT_NE(unbound.body.value("error", "").find("bind_name"), std::string::npos);
}

// kdt's release check after the thresholds (kdt-compat.md 1.6) against a project policy set
// through the native API; the same import seen through the native diff, release and sort
// routes; the upload is deleted once its scan is final.
TEST_P(KdtApi, ReleaseCheckFollowsTheProjectPolicyAndTheUploadIsDeleted) {
  ValidateToolAndProject();
  httplib::Client native(url_);
  native.set_bearer_token_auth(token_);
  const std::string project = "/api/v1/projects/" + std::to_string(project_id_);
  auto put = native.Put((project + "/policy").c_str(), R"({"max_critical": 0, "max_high": 0})",
                        "application/json");
  ASSERT_TRUE(put);
  ASSERT_EQ(put->status, 200) << put->body;
  auto bad_policy =
      native.Put((project + "/policy").c_str(), R"({"max_high": -1})", "application/json");
  ASSERT_TRUE(bad_policy);
  EXPECT_EQ(bad_policy->status, 400);
  EXPECT_NE(bad_policy->body.find("max_high"), std::string::npos) << bad_policy->body;

  const fs::path fixtures = fs::path(BULWARK_SOURCE_DIR) / "test" / "fixtures" / "xray";
  Answer imported = Check(Import("results.json", ReadAll(fixtures / "report.json")));
  ASSERT_EQ(imported.status, 200) << imported.body;
  const json event = WaitForEvent(imported.body.value("event_id", ""));
  ASSERT_EQ(event["status"], 6) << event;
  const std::string scan_id = event.value("scan_id", "");
  Answer release =
      KdtGet(std::string("/api/aspm/v1/api/v2/projects/") + kProjectPath + "/release?branch=main",
             "X-Auth");
  ASSERT_EQ(release.status, 200);
  EXPECT_EQ(release.body["progress_status"], "ready");
  EXPECT_EQ(release.body["status"], "fail") << release.body;
  EXPECT_EQ(release.body["sca"]["status"], "fail");
  EXPECT_EQ(release.body["sca"]["scan_id"], scan_id);
  EXPECT_EQ(release.body["sast"]["status"], "undefined");

  auto native_release = native.Get((project + "/release?branch=main").c_str());
  ASSERT_TRUE(native_release);
  const json r = json::parse(native_release->body);
  EXPECT_EQ(r["status"], "failed") << r;
  EXPECT_EQ(r["counts"]["high"], 1);
  ASSERT_EQ(r["violations"].size(), 1u) << r;
  EXPECT_EQ(r["violations"][0], json({{"severity", "high"}, {"count", 1}, {"max", 0}}));

  ASSERT_TRUE(native.Put((project + "/policy").c_str(), R"({"max_high": 1})", "application/json"));
  EXPECT_EQ(KdtGet(std::string("/api/v2/projects/") + kProjectPath + "/release?branch=main")
                .body["status"],
            "success");

  const std::int64_t numeric_scan = std::stoll(scan_id, nullptr, 16);
  auto diff = native.Get(("/api/v1/scans/" + std::to_string(numeric_scan) + "/diff").c_str());
  ASSERT_TRUE(diff);
  ASSERT_EQ(diff->status, 200) << diff->body;
  const json d = json::parse(diff->body);
  EXPECT_EQ(d["scan"]["id"], numeric_scan);
  EXPECT_TRUE(d["against"].is_null());
  EXPECT_EQ(d["counts"], json({{"new", 2}, {"fixed", 0}, {"unchanged", 0}}));
  EXPECT_EQ(d["new"][0]["severity"], "high") << d;
  auto branches = native.Get((project + "/diff?from=main&to=dev").c_str());
  ASSERT_TRUE(branches);
  EXPECT_EQ(json::parse(branches->body)["counts"]["fixed"], 2) << branches->body;
  auto no_to = native.Get((project + "/diff?from=main").c_str());
  ASSERT_TRUE(no_to);
  EXPECT_EQ(no_to->status, 400);
  auto sorted = native.Get((project + "/findings?sort=-last_seen&limit=1").c_str());
  ASSERT_TRUE(sorted);
  EXPECT_EQ(json::parse(sorted->body)["total"], 2) << sorted->body;
  auto unsorted = native.Get((project + "/findings?sort=name").c_str());
  ASSERT_TRUE(unsorted);
  EXPECT_EQ(unsorted->status, 400);
  EXPECT_NE(unsorted->body.find("-vulnerability_key"), std::string::npos) << unsorted->body;
  auto openapi = native.Get("/api/v1/openapi.json");
  ASSERT_TRUE(openapi);
  EXPECT_TRUE(json::parse(openapi->body)["paths"].contains("/api/v1/scans/{id}/diff"));

  // The scan is final: its upload is deleted right after the final state is stored.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::vector<fs::path> left;
  do {
    left.clear();
    for (const auto& e : fs::directory_iterator(dir_ / "data" / "uploads")) {
      left.push_back(e.path());
    }
    if (!left.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (!left.empty() && std::chrono::steady_clock::now() < deadline);
  EXPECT_TRUE(left.empty()) << left.front();
}

INSTANTIATE_TEST_SUITE_P(Backends, KdtApi, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace bulwark::testing
