// `bulwark scan` and `bulwark import` (= scan with -f): kdt's scan flags with the same meanings,
// so a pipeline switches from kdt by changing one word. kdt flags for features Bulwark has no use
// for (ALM and pull-request decoration, agents, images, project auto-creation, custom params) are
// accepted and ignored with a one-line note.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/pipeline_commands.h"

namespace bulwark::cli {
namespace {

// kdt flags accepted for compatibility; `value` flags take an argument.
struct IgnoredFlag {
  const char* names;
  bool value;
};

constexpr IgnoredFlag kIgnoredFlags[] = {
    {"-I,--image", true},
    {"-a,--agent", true},
    {"--release-timeout", true},
    {"-M,--merge-target", true},
    {"--override", false},
    {"--pr-number", true},
    {"--pr-decoration-scanner-types", true},
    {"--no-decoration", false},
    {"-B,--fork-scan", false},
    {"--fork-source", true},
    {"--override-fork-source", false},
    {"--break-by-scanner-type", false},
    {"--create-project", false},
    {"--project-name", true},
    {"-l,--labels", true},
    {"-T,--team", true},
    {"-r,--repo-id", true},
    {"-A,--alm-tool", true},
    {"-P,--product-name", true},
    {"--disable-clone", false},
    {"--feature-branch-retention", true},
    {"--feature-branch-infinite-retention", false},
    {"--default-branch", true},
    {"--scope-include-empty", false},
    {"--scope-included-paths", true},
    {"--scope-included-files", true},
    {"--criticality-level", true},
    {"--params", true},
    {"-i,--incremental-scan", false},
};

struct ScanCommandState {
  ScanArgs args;
  std::vector<std::pair<CLI::Option*, std::string>> ignored;
  std::vector<std::vector<std::string>> ignored_values{std::size(kIgnoredFlags)};
  std::vector<int> ignored_switches = std::vector<int>(std::size(kIgnoredFlags));
};

void AddScanFlags(CLI::App* cmd, ScanCommandState& st, bool import) {
  ScanArgs& a = st.args;
  cmd->add_option("-p,--project", a.project, "project name or id");
  cmd->add_option("-t,--tool", a.tool, "scanner tool, e.g. jfrogxraysca");
  cmd->add_option("-b,--branch", a.branch, "branch");
  auto* file = cmd->add_option("-f,--file", a.file,
                               "result file to import (jf scan / jf audit / Xray export)");
  if (import) file->required();
  cmd->add_option("-m,--meta", a.meta, "meta data");
  cmd->add_option("--scan-tag", a.scan_tag, "scan tag");
  cmd->add_option("--env", a.environment, "environment: production, staging, develop, feature");
  cmd->add_option("-s,--scan-id", a.scan_id, "rerun the scan with this id");
  cmd->add_flag("--async", a.async, "do not wait: print the scan id and exit 0");
  cmd->add_option("--timeout", a.timeout_minutes,
                  "minutes to wait; when exceeded, exit 0 and leave the scan running");
  AddThresholdFlags(cmd, a.gate);
  AddOutputFlags(cmd, a.output, /*sarif=*/true);
  AddConnectionFlags(cmd, a.connection);
  auto* group = cmd->add_option_group("kdt compatibility",
                                      "kdt flags accepted and ignored (no effect in Bulwark)");
  for (std::size_t i = 0; i < std::size(kIgnoredFlags); ++i) {
    const IgnoredFlag& f = kIgnoredFlags[i];
    CLI::Option* opt = nullptr;
    if (f.value) {
      opt = group->add_option(f.names, st.ignored_values[i], "ignored (kdt compatibility)")
                ->type_size(1)
                ->expected(1)
                ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    } else {
      opt = group->add_flag(f.names, st.ignored_switches[i], "ignored (kdt compatibility)");
    }
    st.ignored.emplace_back(opt, opt->get_name());
  }
}

int RunWithCurl(const ScanArgs& args) {
  auto transport = env::MakeCurlTransport();
  CommandIo io{*transport, env::Clock::System(), ProcessEnv, HomeDirectory(), std::cout,
               std::cerr,  IsTerminal(2)};
  int code = RunScan(args, io);
  std::cout.flush();
  return code;
}

}  // namespace

CLI::App* AddScanSubcommand(CLI::App& app, bool import, std::function<int(const ScanArgs&)> run) {
  auto st = std::make_shared<ScanCommandState>();
  auto* cmd = app.add_subcommand(
      import ? "import" : "scan",
      import ? "Import a result file as a scan, wait and gate: scan -f"
             : "Start a scan (or import a result file with -f), wait for it and gate the "
               "pipeline (kdt scan's flags)");
  AddScanFlags(cmd, *st, import);
  cmd->callback([st, run = std::move(run)] {
    ScanArgs args = st->args;
    for (const auto& [opt, flag] : st->ignored) {
      if (opt->count() > 0) args.ignored_flags.push_back(flag);
    }
    int code = run(args);
    if (code != 0) throw CLI::RuntimeError(code);
  });
  return cmd;
}

void RegisterScanCommand(CLI::App& app) { AddScanSubcommand(app, false, RunWithCurl); }

void RegisterImportCommand(CLI::App& app) { AddScanSubcommand(app, true, RunWithCurl); }

}  // namespace bulwark::cli
