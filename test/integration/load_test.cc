// Load against the real `bulwark serve` (SQLite, 127.0.0.1 port 0): readers of the findings list
// and importers run at the same time for a bounded time. Every read answers 200, every import
// submitted reaches "finished", and the server lists exactly the scans that were submitted. No
// timing is asserted (the figures come from bench/load/run.sh).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "test/integration/process.h"

namespace bulwark::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr auto kLoadTime = std::chrono::seconds(15);
constexpr int kReaders = 4;
constexpr int kWriters = 2;
constexpr int kRows = 1500;

// A deterministic Xray report export (the "rows" format) of `rows` distinct findings.
std::string Report(int rows) {
  static const char* kSeverities[] = {"Critical", "High", "Medium", "Low", "Unknown"};
  json out = {{"total_rows", rows}, {"rows", json::array()}};
  for (int i = 0; i < rows; ++i) {
    const std::string comp = fmt::format("npm://pkg{}:1.{}.{}", i % 400, i % 7, i % 13);
    const std::string artifact = fmt::format("docker://team/service{}:1.0", i % 20);
    out["rows"].push_back(
        {{"cves",
          json::array({{{"cve", fmt::format("CVE-2024-{}", 10000 + i)},
                        {"cvss_v3_score", 7.5},
                        {"cvss_v3_vector", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}})},
         {"summary", fmt::format("Vulnerability {} in a package", i)},
         {"severity", kSeverities[i % 5]},
         {"vulnerable_component", comp},
         {"impacted_artifact", artifact},
         {"impact_path", json::array({artifact, comp})},
         {"path", "docker-local/service/1.0/"},
         {"fixed_versions", json::array({"2.0.0"})},
         {"issue_id", fmt::format("XRAY-{}", 100000 + i)},
         {"package_type", "npm"},
         {"provider", "JFrog"},
         {"description", "A description."},
         {"references", json::array()}});
  }
  return out.dump();
}

std::string Unique() {
  return std::to_string(getpid()) + "_" + std::to_string(std::random_device{}());
}

class Load : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bulwark-load-it-" + Unique());
    fs::create_directories(dir_ / "data");
    process_ = std::make_unique<Process>(
        std::vector<std::string>{"serve", "--listen", "127.0.0.1:0", "--data-dir",
                                 (dir_ / "data").string(), "--log-level", "warn"},
        std::map<std::string, std::string>{});
    addr_ = process_->WaitForLine("listening on ");
    ASSERT_FALSE(addr_.empty()) << process_->Stderr();
    const std::string out = process_->Stdout();
    auto at = out.find("API token:  ");
    ASSERT_NE(at, std::string::npos);
    token_ = out.substr(at + 12, out.find('\n', at) - at - 12);
  }
  void TearDown() override {
    process_.reset();
    fs::remove_all(dir_);
  }

  std::unique_ptr<httplib::Client> Client() const {
    auto c = std::make_unique<httplib::Client>(addr_);
    c->set_bearer_token_auth(token_.c_str());
    c->set_read_timeout(120, 0);
    c->set_keep_alive(true);
    return c;
  }

  fs::path dir_;
  std::unique_ptr<Process> process_;
  std::string addr_;
  std::string token_;
};

// Imports `report` into `branch` and polls the scan to a final state; returns that state, or a
// description of what went wrong.
std::string ImportAndAwait(httplib::Client& c, std::int64_t project, const std::string& branch,
                           const std::string& report) {
  httplib::MultipartFormDataItems items = {{"file", report, "report.json", "application/json"},
                                           {"tool", "jfrogxraysca", "", ""},
                                           {"branch", branch, "", ""}};
  auto res = c.Post(fmt::format("/api/v1/projects/{}/imports", project).c_str(), items);
  if (!res) return "upload: " + httplib::to_string(res.error());
  if (res->status != 202) return fmt::format("upload: HTTP {}: {}", res->status, res->body);
  const auto id = json::parse(res->body)["id"].get<std::int64_t>();
  const auto deadline = Clock::now() + std::chrono::seconds(180);
  while (Clock::now() < deadline) {
    auto got = c.Get(fmt::format("/api/v1/scans/{}", id).c_str());
    if (!got || got->status != 200) return fmt::format("scan {}: poll failed", id);
    const std::string state = json::parse(got->body).value("state", "");
    if (state == "finished" || state == "failed" || state == "canceled") return state;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return fmt::format("scan {}: no final state after 180 s", id);
}

TEST_F(Load, ReadersAndImportsTogetherLoseNothingAndFailNothing) {
  auto admin = Client();
  auto created = admin->Post("/api/v1/projects", R"({"name": "load"})", "application/json");
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  const auto project = json::parse(created->body)["id"].get<std::int64_t>();
  const std::string report = Report(kRows);
  ASSERT_EQ(ImportAndAwait(*admin, project, "main", report), "finished");

  std::atomic<bool> stop{false};
  std::atomic<int> reads{0}, submitted{0}, finished{0};
  std::mutex mu;
  std::vector<std::string> failures;  // guarded by mu
  auto fail = [&](std::string what) {
    std::lock_guard lock(mu);
    if (failures.size() < 10) failures.push_back(std::move(what));
  };
  std::vector<std::thread> threads;
  for (int r = 0; r < kReaders; ++r) {
    threads.emplace_back([&] {
      auto c = Client();
      const std::string path =
          fmt::format("/api/v1/projects/{}/findings?severity=high&limit=100", project);
      while (!stop) {
        auto res = c->Get(path.c_str());
        if (!res) {
          fail("read: " + httplib::to_string(res.error()));
        } else if (res->status != 200) {
          fail(fmt::format("read: HTTP {}: {}", res->status, res->body.substr(0, 200)));
        } else if (json::parse(res->body)["findings"].empty()) {
          fail("read: an empty page while findings exist");
        }
        ++reads;
      }
    });
  }
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      auto c = Client();
      for (int round = 0; !stop; ++round) {
        ++submitted;
        const std::string state =
            ImportAndAwait(*c, project, fmt::format("load-{}-{}", w, round % 3), report);
        if (state == "finished") {
          ++finished;
        } else {
          fail("import: " + state);
        }
      }
    });
  }
  std::this_thread::sleep_for(kLoadTime);  // the bounded load period itself
  stop = true;
  for (auto& t : threads) t.join();

  for (const auto& f : failures) ADD_FAILURE() << f;
  EXPECT_GT(reads.load(), 0);
  EXPECT_GT(submitted.load(), 0);
  EXPECT_EQ(finished.load(), submitted.load());
  auto scans = admin->Get(fmt::format("/api/v1/projects/{}/scans?limit=1000", project).c_str());
  ASSERT_TRUE(scans);
  ASSERT_EQ(scans->status, 200) << scans->body;
  const json listed = json::parse(scans->body);
  int listed_finished = 0;
  for (const auto& s : listed["scans"]) listed_finished += s["state"] == "finished" ? 1 : 0;
  EXPECT_EQ(listed_finished, submitted.load() + 1) << "scans the server lists as finished";
  EXPECT_EQ(listed["scans"].size(), static_cast<size_t>(submitted.load() + 1));
}

}  // namespace
}  // namespace bulwark::testing
