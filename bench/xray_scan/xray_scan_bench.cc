// End-to-end timing of an API-based Xray scan (preflight, create report, poll, page, delete)
// against the fake-xray process over loopback, and concurrent vs sequential paging under latency.
// Reports medians and ratios measured in the same run (the machine is shared and noisy).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "env/clock.h"
#include "env/http_transport.h"
#include "scanners/xray/xray_client.h"
#include "test/fakes/fake_xray/fake_xray_process.h"

namespace {

using namespace bulwark;

// Stand-in for the ingest per-page reader: counts rows by their "issue_id" keys.
std::size_t CountRows(std::string_view body) {
  std::size_t count = 0;
  for (auto pos = body.find("\"issue_id\""); pos != std::string_view::npos;
       pos = body.find("\"issue_id\"", pos + 10)) {
    ++count;
  }
  return count;
}

struct Run {
  double seconds = 0;
  double paging_seconds = 0;  // from "report completed" to the end of the scan
  std::size_t rows = 0;
  std::size_t bytes = 0;
};

Run ScanOnce(fakes::FakeXrayProcess& fake, env::HttpTransport& transport, int concurrency,
             int page_size) {
  scanners::xray::XrayOptions options;
  options.page_concurrency = concurrency;
  options.page_size = page_size;
  options.poll_initial = std::chrono::milliseconds(50);
  scanners::xray::XrayClient client({.url = fake.http_url(), .access_token = "good-token"},
                                    {transport, env::Clock::System()}, options);
  Run run;
  scanners::PageSink sink = [&](int, std::string body) -> core::Status {
    run.rows += CountRows(body);
    run.bytes += body.size();
    return core::Ok();
  };
  auto start = std::chrono::steady_clock::now();
  auto completed = start;
  scanners::ScanControl control{.progress = [&](int percent, std::string_view phase) {
    if (percent == 100 && phase == "generating") completed = std::chrono::steady_clock::now();
  }};
  auto outcome = client.RunApiScan(
      {.project_name = "bench", .scan_id = "1", .repository_key = "npm-local"}, sink, control);
  auto end = std::chrono::steady_clock::now();
  run.seconds = std::chrono::duration<double>(end - start).count();
  run.paging_seconds = std::chrono::duration<double>(end - completed).count();
  if (!outcome) {
    fmt::print(stderr, "scan failed: {}\n", outcome.error().message);
    std::exit(1);
  }
  return run;
}

Run Median(fakes::FakeXrayProcess& fake, env::HttpTransport& transport, int concurrency,
           int page_size, int runs) {
  std::vector<Run> all;
  for (int i = 0; i < runs; ++i) all.push_back(ScanOnce(fake, transport, concurrency, page_size));
  std::ranges::sort(all, {}, &Run::seconds);
  return all[all.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Xray API-based scan benchmark against fake-xray"};
  std::string fake_binary = FAKE_XRAY_BINARY;
  std::size_t rows = 100'000;
  int page_size = 1000, runs = 3, latency_ms = 20;
  app.add_option("--fake", fake_binary, "path of the fake-xray executable");
  app.add_option("--rows", rows, "rows in the generated report");
  app.add_option("--page-size", page_size, "rows per content page");
  app.add_option("--runs", runs, "runs per configuration (the median is reported)");
  app.add_option("--latency-ms", latency_ms, "latency per request for the concurrency comparison");
  CLI11_PARSE(app, argc, argv);

  auto fake = fakes::FakeXrayProcess::Start(fake_binary, {"--generate-rows", std::to_string(rows)});
  if (!fake) {
    fmt::print(stderr, "cannot start {}\n", fake_binary);
    return 1;
  }
  auto transport = env::MakeCurlTransport();
  fake->Control("POST", "/__fake/config", R"({"report_duration_ms":0,"latency_ms":0})");
  fmt::print("xray_scan: {} rows, page size {}, median of {} runs\n", rows, page_size, runs);
  fmt::print(
      "sink: counts rows by a cheap scan for \"issue_id\" keys (the ingest per-page "
      "reader is not plugged in yet)\n");

  Run fast = Median(*fake, *transport, 4, page_size, runs);
  fmt::print("no latency, concurrency 4: {:.3f} s, {} rows, {:.1f} MB, {:.0f} rows/s\n",
             fast.seconds, fast.rows, fast.bytes / 1e6, fast.rows / fast.seconds);

  fake->Control("POST", "/__fake/config", nlohmann::json{{"latency_ms", latency_ms}}.dump());
  Run seq = Median(*fake, *transport, 1, page_size, runs);
  Run par = Median(*fake, *transport, 4, page_size, runs);
  fmt::print("{} ms latency, concurrency 1: {:.3f} s end-to-end, {:.3f} s paging\n", latency_ms,
             seq.seconds, seq.paging_seconds);
  fmt::print("{} ms latency, concurrency 4: {:.3f} s end-to-end, {:.3f} s paging\n", latency_ms,
             par.seconds, par.paging_seconds);
  fmt::print("ratio concurrency 4 vs 1: {:.2f}x paging, {:.2f}x end-to-end (goal >= 3x)\n",
             seq.paging_seconds / par.paging_seconds, seq.seconds / par.seconds);
  bool exact = fast.rows == rows && seq.rows == rows && par.rows == rows;
  fmt::print("rows match dataset: {}\n", exact ? "yes" : "NO");
  auto state = nlohmann::json::parse(fake->Control("GET", "/__fake/state"));
  fmt::print("reports left on the fake: {}\n", state["reports"].size());
  return exact && state["reports"].empty() ? 0 : 1;
}
