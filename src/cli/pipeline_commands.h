// The pipeline commands as functions of their parsed flags and injected I/O (CommandIo), so tests
// run them whole against a fake server transport and a fake clock; the Register*Command functions
// (scan_command.cc, status_command.cc, list_command.cc) only parse flags and call these.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "cli/pipeline.h"

namespace bulwark::cli {

struct ScanArgs {
  ConnectionFlags connection;
  std::string project, tool, branch, file, meta, scan_tag, environment, scan_id;
  bool async = false;
  double timeout_minutes = 0;  // 0 = wait until the scan ends
  GateOptions gate;
  OutputOptions output;
  std::vector<std::string> ignored_flags;  // kdt flags given that have no meaning here
};

// Adds the `scan` (or, with `import`, the `import`) subcommand with kdt's flags; its callback
// hands the parsed flags to `run` and exits with the code it returns.
CLI::App* AddScanSubcommand(CLI::App& app, bool import, std::function<int(const ScanArgs&)> run);

// `bulwark scan` / `bulwark import`: start (or import, or rerun) a scan, wait for it, report and
// gate. Returns the exit code.
int RunScan(const ScanArgs& args, CommandIo& io);

struct StatusArgs {
  ConnectionFlags connection;
  std::string project, branch, tool, scan_id;
  GateOptions gate;
  OutputOptions output;
};

// `bulwark status`: with a scan id, that scan's state; otherwise the latest finished scan of the
// project and branch, reported and gated as `scan` does.
int RunStatus(const StatusArgs& args, CommandIo& io);

struct ReleaseArgs {
  ConnectionFlags connection;
  std::string project, branch;
  double timeout_minutes = 5;
  bool sca = false;           // --sca
  bool any_category = false;  // any of --sast ... --sbom or --sca was given
};

// `bulwark release`: the project branch's release status, as `kdt release`.
int RunRelease(const ReleaseArgs& args, CommandIo& io);

struct ListArgs {
  ConnectionFlags connection;
  std::string what;  // projects | scans | scanners
  std::string project, name, branch, tool;
  OutputOptions output;
};

int RunList(const ListArgs& args, CommandIo& io);

// Adds kdt's --threshold-{crit,high,med,low} and --threshold-risk, and --threshold-new-*.
void AddThresholdFlags(CLI::App* cmd, GateOptions& gate);

// $HOME, or "" when unset.
std::string HomeDirectory();
bool IsTerminal(int fd);

// The polling interval after `unchanged_polls` polls without a state change: 1 s doubling up to
// 10 s (kdt polls every 10 s).
std::chrono::milliseconds PollInterval(int unchanged_polls);

}  // namespace bulwark::cli
