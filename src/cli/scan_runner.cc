// RunScan: kdt's scan flow against Bulwark's /api/v1 — choose the mode (import a file, rerun a
// scan, or scan a project with a tool), start it, wait while printing each state change, then
// report and gate (pipeline.cc).
#include <fmt/format.h>

#include <algorithm>

#include "cli/pipeline_commands.h"

namespace bulwark::cli {
namespace {

using core::ErrorCode;

core::Status Invalid(std::string message) {
  return core::Fail(ErrorCode::kInvalidArgument, std::move(message));
}

core::Status CheckThreshold(const std::optional<int>& value, const char* flag) {
  if (value && *value < 0) return Invalid(fmt::format("{} must be 0 or more", flag));
  return core::Ok();
}

core::Status Validate(const ScanArgs& a) {
  if (!a.file.empty()) {
    if (a.project.empty()) return Invalid("-p/--project is required with -f/--file");
    if (a.tool.empty()) return Invalid("-t/--tool is required with -f/--file (e.g. jfrogxraysca)");
    if (a.branch.empty()) return Invalid("-b/--branch is required with -f/--file");
  } else if (a.scan_id.empty() && (a.project.empty() || a.tool.empty())) {
    return Invalid(
        "nothing to scan: give -p/--project and -t/--tool to start a scan, add -f/--file to "
        "import a result file, or give -s/--scan-id to rerun a scan");
  }
  if (a.timeout_minutes < 0) return Invalid("--timeout must be 0 (no limit) or more minutes");
  const GateOptions& g = a.gate;
  for (auto [v, flag] : {std::pair{g.crit, "--threshold-crit"},
                         {g.high, "--threshold-high"},
                         {g.med, "--threshold-med"},
                         {g.low, "--threshold-low"},
                         {g.new_crit, "--threshold-new-crit"},
                         {g.new_high, "--threshold-new-high"},
                         {g.new_med, "--threshold-new-med"},
                         {g.new_low, "--threshold-new-low"}}) {
    if (auto s = CheckThreshold(v, flag); !s) return s;
  }
  if (!a.output.file.empty() && a.output.format == "table") {
    return Invalid("--output-file needs --output json or --output sarif");
  }
  return core::Ok();
}

// The project's scanner configuration for this tool (and branch, meta data, environment when
// given), or nullopt when there is none and the server should use the tool and branch directly.
core::Result<std::optional<ScannerInfo>> ChooseScanner(Pipeline& p, const ProjectInfo& project,
                                                       const ScanArgs& a) {
  std::vector<ScannerInfo> matches;
  std::string cursor;
  do {
    auto page = p.client().ListScanners(project.id, cursor);
    if (!page) return std::unexpected(page.error());
    for (const ScannerInfo& s : page->items) {
      if (s.tool != a.tool) continue;
      if (!a.branch.empty() && !s.branch.empty() && s.branch != a.branch) continue;
      if (!a.meta.empty() && s.meta_data != a.meta) continue;
      if (!a.environment.empty() && s.environment != a.environment) continue;
      matches.push_back(s);
    }
    cursor = page->next_cursor;
  } while (!cursor.empty());
  if (matches.empty()) return std::nullopt;
  if (matches.size() > 1 && !a.branch.empty()) {
    std::erase_if(matches, [&](const ScannerInfo& s) { return s.branch != a.branch; });
    if (matches.empty()) return std::nullopt;
  }
  if (matches.size() > 1) {
    std::string ids;
    for (const ScannerInfo& s : matches) {
      ids += fmt::format("\n  scanner {} (branch '{}', meta '{}', environment '{}')", s.id,
                         s.branch, s.meta_data, s.environment);
    }
    return core::Fail(ErrorCode::kConflict,
                      fmt::format("project '{}' has {} {} scanners that match; narrow the choice "
                                  "with -b/--branch, -m/--meta or --env:{}",
                                  project.name, matches.size(), a.tool, ids));
  }
  return matches.front();
}

core::Result<ScanInfo> Rerun(Pipeline& p, const ScanArgs& a) {
  auto old = p.client().GetScan(a.scan_id);
  if (!old) return std::unexpected(old.error().Wrap("reading the scan to rerun"));
  StartScanRequest req;
  req.scanner_id = old->scanner_id;
  if (req.scanner_id.empty()) {
    req.tool = old->tool;
    req.branch = old->branch;
  }
  req.environment = a.environment.empty() ? old->environment : a.environment;
  req.meta_data = a.meta.empty() ? old->meta_data : a.meta;
  req.scan_tag = a.scan_tag.empty() ? old->scan_tag : a.scan_tag;
  p.log().Info(fmt::format("restarting scan [{}]", a.scan_id));
  return p.client().StartScan(old->project_id, req);
}

core::Result<ScanInfo> Start(Pipeline& p, const ScanArgs& a) {
  if (a.file.empty() && !a.scan_id.empty() && a.project.empty()) return Rerun(p, a);
  auto project = p.client().FindProject(a.project);
  if (!project) return std::unexpected(project.error());
  if (!a.file.empty()) {
    p.log().Info(fmt::format("importing {} into project [{}] ({} on branch {})", a.file,
                             project->name, a.tool, a.branch));
    return p.client().Import(project->id,
                             {a.file, a.tool, a.branch, a.environment, a.meta, a.scan_tag});
  }
  if (!a.scan_id.empty()) return Rerun(p, a);
  auto scanner = ChooseScanner(p, *project, a);
  if (!scanner) return std::unexpected(scanner.error());
  StartScanRequest req;
  req.environment = a.environment;
  req.meta_data = a.meta;
  req.scan_tag = a.scan_tag;
  if (*scanner) {
    req.scanner_id = (*scanner)->id;
    p.log().Debug(fmt::format("using scanner {} of project {}", req.scanner_id, project->name));
  } else {
    req.tool = a.tool;
    req.branch = a.branch.empty() ? project->default_branch : a.branch;
  }
  return p.client().StartScan(project->id, req);
}

// Polls until the scan ends; nullopt when --timeout passed first.
core::Result<std::optional<ScanInfo>> Wait(Pipeline& p, ScanInfo scan, double timeout_minutes) {
  CommandIo& io = p.io();
  const auto started = io.clock.Now();
  const auto limit = std::chrono::milliseconds(static_cast<long long>(timeout_minutes * 60'000));
  std::string last_state;
  int unchanged = 0, transient_failures = 0;
  bool bar_drawn = false;
  while (true) {
    if (scan.state != last_state) {
      if (bar_drawn) io.err << "\r\033[K";
      p.log().Info(fmt::format("scan status is [{}]", scan.state));
      last_state = scan.state;
      unchanged = 0;
    }
    if (io.tty && !scan.Terminal()) {
      io.err << "\r" << ProgressBar(scan.progress, scan.state) << std::flush;
      bar_drawn = true;
    }
    if (scan.Terminal()) break;
    const auto elapsed = io.clock.Now() - started;
    if (timeout_minutes > 0 && elapsed >= limit) {
      if (bar_drawn) io.err << "\n";
      return std::nullopt;
    }
    auto wait = PollInterval(unchanged++);
    if (timeout_minutes > 0) {
      wait = std::min(wait, std::chrono::duration_cast<std::chrono::milliseconds>(limit - elapsed));
    }
    io.clock.SleepFor(wait);
    auto next = p.client().GetScan(scan.id);
    if (!next) {
      if (next.error().code == ErrorCode::kUnavailable && ++transient_failures < 6) {
        p.log().Warn(next.error().message + " (will retry)");
        continue;
      }
      return std::unexpected(next.error().Wrap("following the scan"));
    }
    transient_failures = 0;
    scan = *next;
  }
  if (bar_drawn) io.err << "\r\033[K" << std::flush;
  return scan;
}

int ReportFailed(Pipeline& p, const ScanInfo& scan) {
  p.human() << FormatTable({{"SCAN ID", "STATE", "UI Link"},
                            {scan.id, scan.state, scan.html_link.empty() ? "-" : scan.html_link}});
  if (p.machine_output()) {
    GateResult none;
    (void)p.WriteMachine(ScanReportJson(scan, none, {}, kExitFailed));
  }
  std::string message =
      scan.state == "canceled"
          ? "scan was canceled"
          : "scan failed: " + (scan.error.empty() ? std::string("no reason given") : scan.error);
  if (!scan.hint.empty()) message += " (hint: " + scan.hint + ")";
  return p.Fail({ErrorCode::kUnavailable, "failed to wait for scan to finish: " + message});
}

}  // namespace

std::chrono::milliseconds PollInterval(int unchanged_polls) {
  const int shift = std::clamp(unchanged_polls, 0, 4);
  return std::min(std::chrono::milliseconds(1000 << shift), std::chrono::milliseconds(10'000));
}

int RunScan(const ScanArgs& args, CommandIo& io) {
  Pipeline p(io, args.connection, args.output);
  for (const std::string& flag : args.ignored_flags) {
    io.err << "note: " << flag << " is accepted for kdt compatibility and has no effect here\n";
  }
  if (auto s = Validate(args); !s) return p.Fail(s.error());
  if (auto s = p.Connect(); !s) return p.Fail(s.error());
  auto started = Start(p, args);
  if (!started) return p.Fail(started.error().Wrap("failed to start scan"));
  p.log().Info(fmt::format("scan [{}] created ({} on branch {} of project {})", started->id,
                           started->tool, started->branch, started->project_name));
  if (args.async) {
    p.human() << FormatTable({{"SCAN ID"}, {started->id}});
    if (p.machine_output()) {
      if (auto s = p.WriteMachine({{"scan", started->raw}}); !s) return p.Fail(s.error());
    }
    p.log().Info("scan has been started with async parameter, exiting.");
    return p.Finish(kExitOk);
  }
  auto ended = Wait(p, *started, args.timeout_minutes);
  if (!ended) return p.Fail(ended.error());
  if (!*ended) {
    p.log().Info(
        fmt::format("scan duration exceeds timeout, it will continue running async in "
                    "the background (follow it with `bulwark status -e {}`)",
                    started->id));
    return p.Finish(kExitOk);
  }
  const ScanInfo& scan = **ended;
  if (scan.state != "finished") return ReportFailed(p, scan);
  p.log().Info("scan finished successfully");
  return p.Report(scan, args.gate, /*release_check=*/true);
}

}  // namespace bulwark::cli
