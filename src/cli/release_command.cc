// `bulwark release -p PROJECT [-b BRANCH] [--sca ...]`: kdt's release command (kdt-compat.md
// section 1.6) over GET /api/v1/projects/{id}/release. No policy: "project has no release
// criteria", exit 0. Otherwise the status table; a failed release exits 1 naming the failed
// category, unless category flags were given and SCA (Bulwark's one category) is not among them.
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/pipeline_commands.h"

namespace bulwark::cli {

int RunRelease(const ReleaseArgs& args, CommandIo& io) {
  Pipeline p(io, args.connection, OutputOptions{});
  if (args.project.empty()) {
    return p.Fail({core::ErrorCode::kInvalidArgument, "-p/--project is required"});
  }
  if (auto s = p.Connect(); !s) return p.Fail(s.error());
  auto project = p.client().FindProject(args.project);
  if (!project) return p.Fail(project.error());
  auto release = p.client().Release(project->id, args.branch);
  if (!release) return p.Fail(release.error().Wrap("reading the release status"));
  if (release->status == "undefined") {
    p.log().Info("project has no release criteria");
    return p.Finish(kExitOk);
  }
  const std::string sca = release->status == "failed" ? "fail" : "success";
  p.human() << FormatTable(
      {{"STATUS", "SAST", "DAST", "PENTEST", "IAST", "SCA", "CS", "IAC", "MAST", "SBOM"},
       {sca, "-", "-", "-", "-", sca, "-", "-", "-", "-"}});
  for (const ReleaseViolationInfo& v : release->violations) {
    p.human() << fmt::format("[!] {} findings: {} open, the release policy allows {}\n", v.severity,
                             v.count, v.max);
  }
  p.human().flush();
  if (release->status != "failed") return p.Finish(kExitOk);
  if (args.any_category && !args.sca) {
    p.log().Info("project passes release criteria");
    return p.Finish(kExitOk);
  }
  return p.Fail(
      {core::ErrorCode::kConflict, "project does not pass release criteria due to [SCA] failure"});
}

void RegisterReleaseCommand(CLI::App& app) {
  auto args = std::make_shared<ReleaseArgs>();
  auto* cmd = app.add_subcommand(
      "release", "Check a project branch against its release policy (as kdt release)");
  cmd->add_option("-p,--project", args->project, "project name or id")->required();
  cmd->add_option("-b,--branch", args->branch, "branch (default: the project's default branch)");
  cmd->add_option("--timeout", args->timeout_minutes,
                  "minutes to wait for the release status (accepted for kdt; it is immediate)");
  auto categories = std::make_shared<std::map<std::string, bool>>();
  for (const char* category : {"sast", "dast", "pentest", "iast", "cs", "iac", "mast", "sbom"}) {
    cmd->add_flag(fmt::format("--{}", category), (*categories)[category],
                  fmt::format("only a {} failure counts (no such scanner here)", category));
  }
  cmd->add_flag("--sca", args->sca, "only an SCA failure counts");
  AddConnectionFlags(cmd, args->connection);
  cmd->callback([args, categories] {
    args->any_category = args->sca;
    for (const auto& [name, set] : *categories) args->any_category = args->any_category || set;
    auto transport = env::MakeCurlTransport();
    CommandIo io{*transport, env::Clock::System(), ProcessEnv, HomeDirectory(), std::cout,
                 std::cerr,  IsTerminal(2)};
    int code = RunRelease(*args, io);
    std::cout.flush();
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace bulwark::cli
