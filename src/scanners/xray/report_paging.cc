// Concurrent paging of report content with in-order delivery, and the scan's top-level flow.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <map>
#include <thread>

#include "scanners/xray/xray_client.h"

namespace bulwark::scanners::xray {
namespace {

using core::ErrorCode;

// Pages fetched by workers, handed to the caller's thread in page order. Workers stay at most
// `window` pages ahead of delivery so memory stays bounded.
struct PageQueue {
  std::mutex mu;
  std::condition_variable cv;
  std::map<int, std::string> ready;  // guarded by mu
  int next_fetch = 0;                // guarded by mu
  int next_deliver = 0;              // guarded by mu
  std::optional<core::Error> error;  // guarded by mu; first worker failure
  bool stop = false;                 // guarded by mu
};

}  // namespace

core::Status XrayClient::FetchPageRange(const std::string& id, int first, int last,
                                        const PageSink& sink, const ScanControl& control,
                                        env::TimePoint deadline, ScanOutcome& outcome) {
  PageQueue queue;
  queue.next_fetch = first;
  queue.next_deliver = first;
  const int workers = std::min(options_.page_concurrency, last - first + 1);
  const int window = 2 * options_.page_concurrency;
  auto work = [&] {
    while (true) {
      int page;
      {
        std::unique_lock lock(queue.mu);
        queue.cv.wait(lock, [&] {
          return queue.stop || queue.next_fetch > last ||
                 queue.next_fetch < queue.next_deliver + window;
        });
        if (queue.stop || queue.next_fetch > last) return;
        page = queue.next_fetch++;
      }
      auto body = FetchPage(id, page, control.cancel);
      std::lock_guard lock(queue.mu);
      if (body) {
        queue.ready.emplace(page, std::move(*body));
      } else if (!queue.error) {
        queue.error = body.error();
        queue.stop = true;
      }
      queue.cv.notify_all();
    }
  };
  std::vector<std::jthread> threads;
  for (int i = 0; i < workers; ++i) threads.emplace_back(work);

  core::Status status = core::Ok();
  for (int page = first; page <= last && status; ++page) {
    std::string body;
    {
      std::unique_lock lock(queue.mu);
      queue.cv.wait(lock, [&] { return queue.error || queue.ready.contains(page); });
      if (!queue.ready.contains(page)) {
        status = std::unexpected(*queue.error);
        break;
      }
      body = std::move(queue.ready[page]);
      queue.ready.erase(page);
      queue.next_deliver = page + 1;
      queue.cv.notify_all();
    }
    if (control.cancel != nullptr && control.cancel->load()) {
      status = core::Fail(ErrorCode::kCanceled, fmt::format("xray: scan canceled (report {})", id));
    } else if (deps_.clock.Now() > deadline) {
      status = core::Fail(ErrorCode::kDeadlineExceeded,
                          fmt::format("xray: report {} paging exceeded the scan time limit at page "
                                      "{} of {}",
                                      id, page, last));
    } else {
      status = sink(page, std::move(body));
      ++outcome.pages;
      if (control.progress) control.progress(page * 100 / last, "retrieving");
    }
  }
  {
    std::lock_guard lock(queue.mu);
    queue.stop = true;
    queue.cv.notify_all();
  }
  threads.clear();
  return status;
}

bool XrayClient::DeleteReport(const std::string& id) {
  const std::string path = "/xray/api/v1/reports/" + id;
  auto response = Send({.method = "DELETE", .path = path});
  if (response && (response->status == 200 || response->status == 204 || response->status == 404 ||
                   response->body.find("failed to get report details") != std::string::npos)) {
    return true;
  }
  spdlog::warn(
      "xray: could not delete report {}: {}", id,
      response ? fmt::format("DELETE returned {}", response->status) : response.error().message);
  return false;
}

core::Result<ScanOutcome> XrayClient::RunApiScan(const ScanTarget& target, const PageSink& sink,
                                                 const ScanControl& control) {
  if (!settings_.api_enabled) {
    return core::Fail(ErrorCode::kInvalidArgument,
                      "xray: API access is disabled for this integration; enable \"Is API "
                      "Enabled\" or import a result file instead");
  }
  if (!base_url_) return std::unexpected(base_url_.error());
  if (target.repository_key.empty()) {
    return core::Fail(ErrorCode::kInvalidArgument,
                      "xray: the scanner has no Repository Key; set one to scan through the API");
  }
  if (auto ok = Preflight(target.repository_key, control.cancel); !ok) {
    return std::unexpected(ok.error());
  }
  auto id = CreateReport(target, control.cancel);
  if (!id) return std::unexpected(id.error());
  ScanOutcome outcome;
  outcome.report_id = *id;
  const auto deadline = deps_.clock.Now() + options_.report_timeout;
  core::Status status = [&]() -> core::Status {
    auto rows = WaitForReport(*id, control, deadline);
    if (!rows) return std::unexpected(rows.error());
    return FetchAllPages(*id, *rows, sink, control, deadline, outcome);
  }();
  outcome.report_deleted = DeleteReport(*id);
  if (!status) {
    auto error = status.error();
    if (!outcome.report_deleted) {
      error.message += fmt::format("; report {} could not be deleted", *id);
    }
    return std::unexpected(error);
  }
  return outcome;
}

}  // namespace bulwark::scanners::xray
