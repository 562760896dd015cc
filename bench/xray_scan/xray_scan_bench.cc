// End-to-end timing of API-based Xray scans against the fake-xray process over loopback:
//  1. the client alone (preflight, create report, poll, page, delete) with the real ingest page
//     reader and finding set as the sink — the baseline of the run;
//  2. the same report through the real server: `bulwark serve` (SQLite), POST scan -> state
//     finished, ingest and lifecycle included, with the time spent in each scan state;
//  3. with latency per request, concurrent paging vs one page at a time, with the ingest page
//     reader as the sink and with the fetch alone.
// The client fetch alone (no ingest) is printed first: it measures the transport and the fake.
// Reports medians and ratios measured in the same run (the machine is shared and noisy).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string_view>
#include <thread>
#include <vector>

#include "domain/finding_set.h"
#include "env/clock.h"
#include "env/http_transport.h"
#include "ingest/ingest.h"
#include "scanners/xray/xray_client.h"
#include "test/fakes/fake_xray/fake_xray_process.h"
#include "test/integration/process.h"

namespace {

using namespace bulwark;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// What the scan runner does with each page: read it with the ingest page reader into a set.
class SetSink final : public ingest::FindingSink {
 public:
  core::Status Consume(std::span<const domain::Finding> batch) override {
    set.Add(batch);
    return core::Ok();
  }
  domain::FindingSet set;
};

struct Run {
  double seconds = 0;
  double paging_seconds = 0;  // from "report completed" to the end of the scan
  std::size_t rows = 0;
  std::map<std::string, double> phases;  // server runs: seconds spent in each scan state
};

// One API scan by the client alone. With `ingest` the pages go through the ingest page reader
// into a finding set (what the scan runner does); without, they are only checked for their row
// count, which leaves the transport and the fake (the fetch alone).
Run ClientScan(fakes::FakeXrayProcess& fake, env::HttpTransport& transport, int concurrency,
               int page_size, bool ingest = true) {
  scanners::xray::XrayOptions options;
  options.page_concurrency = concurrency;
  options.page_size = page_size;
  options.poll_initial = std::chrono::milliseconds(50);
  scanners::xray::XrayClient client({.url = fake.http_url(), .access_token = "good-token"},
                                    {transport, env::Clock::System()}, options);
  SetSink findings;
  std::size_t fetched_rows = 0;
  scanners::PageSink sink = [&](int, std::string body) -> core::Status {
    if (!ingest) {
      // Every generated row has one "issue_id".
      for (auto at = body.find("\"issue_id\""); at != std::string::npos;
           at = body.find("\"issue_id\"", at + 10)) {
        ++fetched_rows;
      }
      return core::Ok();
    }
    auto rows = ingest::ParseReportPage(body, findings);
    if (!rows) return std::unexpected(rows.error());
    return core::Ok();
  };
  const auto start = Clock::now();
  auto completed = start;
  scanners::ScanControl control{.progress = [&](int percent, std::string_view phase) {
    if (percent == 100 && phase == "generating") completed = Clock::now();
  }};
  auto outcome = client.RunApiScan(
      {.project_name = "bench", .scan_id = "1", .repository_key = "npm-local"}, sink, control);
  const auto end = Clock::now();
  if (!outcome) {
    fmt::print(stderr, "scan failed: {}\n", outcome.error().message);
    std::exit(1);
  }
  return {Seconds(end - start),
          Seconds(end - completed),
          ingest ? findings.set.size() : fetched_rows,
          {}};
}

// `bulwark serve` on SQLite in a temporary directory, its integration pointed at the fake.
class Server {
 public:
  Server(env::HttpTransport& transport, const std::string& fake_url) : transport_(transport) {
    dir_ = std::filesystem::temp_directory_path() / fmt::format("bulwark-bench-{}", getpid());
    std::filesystem::remove_all(dir_);
    process_ = std::make_unique<testing::Process>(
        std::vector<std::string>{"serve", "--listen", "127.0.0.1:0", "--data-dir",
                                 (dir_ / "data").string()},
        std::map<std::string, std::string>{});
    url_ = process_->WaitForLine("listening on ");
    const std::string out = process_->Stdout();
    const auto at = out.find("API token:  ");
    if (url_.empty() || at == std::string::npos) {
      fmt::print(stderr, "bulwark serve did not start:\n{}\n", process_->Stderr());
      std::exit(1);
    }
    token_ = out.substr(at + 12, out.find('\n', at) - at - 12);
    Call("PUT", "/api/v1/integrations/jfrogxraysca",
         {{"active", true},
          {"api_enabled", true},
          {"url", fake_url},
          {"access_token", "good-token"}});
  }
  ~Server() {
    process_->Signal(SIGTERM);
    process_->Wait();
    std::filesystem::remove_all(dir_);
  }

  json Call(const std::string& method, const std::string& path, const json& body = nullptr) {
    env::HttpRequest request;
    request.method = method;
    request.url = url_ + path;
    request.headers = {{"Authorization", "Bearer " + token_}, {"Content-Type", "application/json"}};
    if (!body.is_null()) request.body = body.dump();
    auto response = transport_.Send(request);
    if (!response || response->status >= 300) {
      fmt::print(stderr, "{} {}: {}\n", method, path,
                 response ? response->body : response.error().message);
      std::exit(1);
    }
    return json::parse(response->body);
  }

  // A fresh project (every finding new) with a scanner on npm-local; POST scan -> finished.
  Run Scan(int number) {
    json project = Call("POST", "/api/v1/projects", {{"name", fmt::format("bench-{}", number)}});
    const std::string base = fmt::format("/api/v1/projects/{}", project["id"].get<long>());
    json scanner =
        Call("POST", base + "/scanners",
             {{"tool", "jfrogxraysca"}, {"repository_key", "npm-local"}, {"branch", "main"}});
    const auto start = Clock::now();
    json scan = Call("POST", base + "/scans", {{"scanner_id", scanner["id"]}});
    const std::string path = fmt::format("/api/v1/scans/{}", scan["id"].get<long>());
    Run run;
    std::string state = scan["state"];
    auto since = start;
    while (state != "finished") {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      scan = Call("GET", path);
      if (scan["state"] == state) continue;
      const auto now = Clock::now();
      run.phases[state] += Seconds(now - since);
      since = now;
      state = scan["state"];
      if (state == "failed" || state == "canceled") {
        fmt::print(stderr, "server scan {}: {}\n", state, scan["error"].dump());
        std::exit(1);
      }
    }
    run.seconds = Seconds(Clock::now() - start);
    const json& s = scan["summary"];
    for (const char* k : {"critical", "high", "medium", "low", "info"}) run.rows += s[k].get<int>();
    return run;
  }

 private:
  env::HttpTransport& transport_;
  std::filesystem::path dir_;
  std::unique_ptr<testing::Process> process_;
  std::string url_, token_;
};

template <typename F>
Run Median(int runs, F&& once) {
  std::vector<Run> all;
  for (int i = 0; i < runs; ++i) all.push_back(once(i));
  std::ranges::sort(all, {}, &Run::seconds);
  return all[all.size() / 2];
}

std::string Phases(const Run& run) {
  std::string out;
  for (const char* s :
       {"waiting", "starting", "running", "retrieving_results", "analyzing", "notifying"}) {
    auto it = run.phases.find(s);
    if (it != run.phases.end())
      out += fmt::format("{}{} {:.2f} s", out.empty() ? "" : ", ", s, it->second);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Xray API-based scan benchmark against fake-xray (client, server, latency)"};
  std::string fake_binary = FAKE_XRAY_BINARY;
  std::size_t rows = 100'000;
  int page_size = 1000, runs = 3, latency_ms = 20;
  int concurrency = scanners::xray::XrayOptions{}.page_concurrency;
  bool skip_server = false;
  app.add_option("--fake", fake_binary, "path of the fake-xray executable");
  app.add_option("--rows", rows, "rows in the generated report");
  app.add_option("--page-size", page_size, "rows per content page");
  app.add_option("--runs", runs, "runs per configuration (the median is reported)");
  app.add_option("--latency-ms", latency_ms, "latency per request for the concurrency comparison");
  app.add_option("--concurrency", concurrency, "page concurrency compared with one page at a time");
  app.add_flag("--skip-server", skip_server, "leave out the scan through `bulwark serve`");
  CLI11_PARSE(app, argc, argv);

  auto fake = fakes::FakeXrayProcess::Start(fake_binary, {"--generate-rows", std::to_string(rows)});
  if (!fake) {
    fmt::print(stderr, "cannot start {}\n", fake_binary);
    return 1;
  }
  auto transport = env::MakeCurlTransport();
  fake->Control("POST", "/__fake/config", R"({"report_duration_ms":0,"latency_ms":0})");
  fmt::print(
      "xray_scan: {} rows, page size {}, page concurrency {} (default {}), median of {} runs\n",
      rows, page_size, concurrency, scanners::xray::XrayOptions{}.page_concurrency, runs);

  Run fetch = Median(
      runs, [&](int) { return ClientScan(*fake, *transport, concurrency, page_size, false); });
  fmt::print("client fetch only (no ingest), no latency: {:.3f} s, {} rows, {:.0f} rows/s\n",
             fetch.seconds, fetch.rows, rows / fetch.seconds);
  Run client =
      Median(runs, [&](int) { return ClientScan(*fake, *transport, concurrency, page_size); });
  fmt::print(
      "client scan (fetch + ingest page reader), no latency: {:.3f} s, {} findings, "
      "{:.0f} rows/s  [baseline]; the fetch alone is {:.2f}x of it\n",
      client.seconds, client.rows, rows / client.seconds, fetch.seconds / client.seconds);
  bool exact = client.rows == rows && fetch.rows == rows;
  if (!skip_server) {
    Server server(*transport, fake->http_url());
    Run full = Median(runs, [&](int i) { return server.Scan(i); });
    fmt::print(
        "server scan POST -> finished (ingest + lifecycle, SQLite): {:.3f} s, {} findings; "
        "{:.2f}x the client scan; goal < 10 s: {}\n",
        full.seconds, full.rows, full.seconds / client.seconds,
        full.seconds < 10 ? "met" : "NOT met");
    fmt::print("  time per scan state: {}\n", Phases(full));
    exact = exact && full.rows == rows;
  }

  fake->Control("POST", "/__fake/config", json{{"latency_ms", latency_ms}}.dump());
  Run seq = Median(runs, [&](int) { return ClientScan(*fake, *transport, 1, page_size); });
  Run par =
      Median(runs, [&](int) { return ClientScan(*fake, *transport, concurrency, page_size); });
  Run seq_fetch =
      Median(runs, [&](int) { return ClientScan(*fake, *transport, 1, page_size, false); });
  Run par_fetch = Median(
      runs, [&](int) { return ClientScan(*fake, *transport, concurrency, page_size, false); });
  fmt::print(
      "{} ms latency, one page at a time: {:.3f} s whole scan, {:.3f} s paging  [baseline]\n",
      latency_ms, seq.seconds, seq.paging_seconds);
  fmt::print("{} ms latency, concurrency {}: {:.3f} s whole scan, {:.3f} s paging\n", latency_ms,
             concurrency, par.seconds, par.paging_seconds);
  const double ratio = seq.seconds / par.seconds;
  fmt::print(
      "ratio concurrent vs one page at a time: {:.2f}x whole scan, {:.2f}x paging; goal >= "
      "3x: {}\n",
      ratio, seq.paging_seconds / par.paging_seconds, ratio >= 3 ? "met" : "NOT met");
  fmt::print(
      "fetch only (no ingest): one page at a time {:.3f} s, concurrency {} {:.3f} s: {:.2f}x\n",
      seq_fetch.seconds, concurrency, par_fetch.seconds, seq_fetch.seconds / par_fetch.seconds);
  exact = exact && seq.rows == rows && par.rows == rows && seq_fetch.rows == rows &&
          par_fetch.rows == rows;
  fmt::print("findings match dataset: {}\n", exact ? "yes" : "NO");
  auto state = json::parse(fake->Control("GET", "/__fake/state"));
  fmt::print("reports left on the fake: {}\n", state["reports"].size());
  return exact && state["reports"].empty() ? 0 : 1;
}
