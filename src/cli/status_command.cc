// `bulwark status -p PROJECT [-b BRANCH] [-t TOOL] [-e SCAN] [--threshold-*] [--output json]`:
// kdt's status command. With -e, the state of that scan (and, once finished, its report and
// gate); otherwise the latest finished scan of the project's branch, reported and gated.
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/pipeline_commands.h"

namespace bulwark::cli {
namespace {

core::Result<ScanInfo> LatestFinished(Pipeline& p, const ProjectInfo& project,
                                      const std::string& branch, const std::string& tool) {
  std::optional<ScanInfo> latest;
  std::string cursor;
  for (int page = 0; page < 50; ++page) {
    auto scans = p.client().ListScans(project.id, branch, tool, cursor);
    if (!scans) return std::unexpected(scans.error());
    for (const ScanInfo& s : scans->items) {
      if (s.state != "finished") continue;
      if (!latest || s.created_at > latest->created_at) latest = s;
    }
    cursor = scans->next_cursor;
    if (cursor.empty()) break;
  }
  if (!latest) {
    return core::Fail(
        core::ErrorCode::kNotFound,
        fmt::format("project '{}' has no finished scan on branch '{}'{}", project.name, branch,
                    tool.empty() ? "" : fmt::format(" with tool {}", tool)));
  }
  return *latest;
}

}  // namespace

int RunStatus(const StatusArgs& args, CommandIo& io) {
  Pipeline p(io, args.connection, args.output);
  if (args.scan_id.empty() && args.project.empty()) {
    return p.Fail({core::ErrorCode::kInvalidArgument,
                   "give -p/--project (and -b/--branch) for the latest scan of a branch, or "
                   "-e/--event with a scan id"});
  }
  if (auto s = p.Connect(); !s) return p.Fail(s.error());
  ScanInfo scan;
  if (!args.scan_id.empty()) {
    auto got = p.client().GetScan(args.scan_id);
    if (!got) return p.Fail(got.error());
    scan = *got;
    if (scan.state != "finished") {
      p.human() << FormatTable({{"SCAN ID", "STATE", "PROGRESS", "UI Link"},
                                {scan.id, scan.state, fmt::format("{:.0f}%", scan.progress),
                                 scan.html_link.empty() ? "-" : scan.html_link}});
      if (p.machine_output()) {
        if (auto s = p.WriteMachine({{"scan", scan.raw}}); !s) return p.Fail(s.error());
      }
      if (!scan.error.empty()) p.log().Error("scan failed: " + scan.error);
      return p.Finish(scan.state == "failed" || scan.state == "canceled" ? kExitFailed : kExitOk);
    }
  } else {
    auto project = p.client().FindProject(args.project);
    if (!project) return p.Fail(project.error());
    const std::string branch = args.branch.empty() ? project->default_branch : args.branch;
    auto latest = LatestFinished(p, *project, branch, args.tool);
    if (!latest) return p.Fail(latest.error());
    scan = *latest;
  }
  return p.Report(scan, args.gate);
}

void AddThresholdFlags(CLI::App* cmd, GateOptions& gate) {
  cmd->add_option("--threshold-crit", gate.crit, "fail when critical findings are more than this");
  cmd->add_option("--threshold-high", gate.high, "fail when high findings are more than this");
  cmd->add_option("--threshold-med", gate.med, "fail when medium findings are more than this");
  cmd->add_option("--threshold-low", gate.low, "fail when low findings are more than this");
  cmd->add_flag("--threshold-risk", gate.risk,
                "fail when the risk score rose since the previous scan of the tool and branch");
  cmd->add_option("--threshold-new-crit", gate.new_crit,
                  "fail when critical findings new since the previous scan are more than this");
  cmd->add_option("--threshold-new-high", gate.new_high,
                  "fail when new high findings are more than this");
  cmd->add_option("--threshold-new-med", gate.new_med,
                  "fail when new medium findings are more than this");
  cmd->add_option("--threshold-new-low", gate.new_low,
                  "fail when new low findings are more than this");
}

void RegisterStatusCommand(CLI::App& app) {
  auto args = std::make_shared<StatusArgs>();
  auto* cmd = app.add_subcommand(
      "status", "Show a scan's state, or report and gate the latest scan of a branch (as kdt)");
  cmd->add_option("-p,--project", args->project, "project name or id");
  cmd->add_option("-b,--branch", args->branch, "branch (default: the project's default branch)");
  cmd->add_option("-t,--tool", args->tool, "only scans of this tool (e.g. jfrogxraysca)");
  cmd->add_option("-e,--event,--scan", args->scan_id, "a scan id (kdt's event id)");
  AddThresholdFlags(cmd, args->gate);
  AddOutputFlags(cmd, args->output, /*sarif=*/true);
  AddConnectionFlags(cmd, args->connection);
  cmd->callback([args] {
    auto transport = env::MakeCurlTransport();
    CommandIo io{*transport, env::Clock::System(), ProcessEnv, HomeDirectory(), std::cout,
                 std::cerr,  IsTerminal(2)};
    int code = RunStatus(*args, io);
    std::cout.flush();
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace bulwark::cli
