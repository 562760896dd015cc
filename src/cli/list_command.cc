// `bulwark list projects [NAME] | scans -p PROJECT [-b BRANCH] [-t TOOL] | scanners -p PROJECT`,
// each as a kdt-style table or, with --output json, as one JSON document.
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/pipeline_commands.h"

namespace bulwark::cli {
namespace {

constexpr int kMaxPages = 100;

int ListProjects(Pipeline& p, const ListArgs& args) {
  std::vector<std::vector<std::string>> rows{{"NAME", "ID", "BRANCH", "DESCRIPTION"}};
  nlohmann::json items = nlohmann::json::array();
  std::string cursor;
  for (int page = 0; page < kMaxPages; ++page) {
    auto got = p.client().ListProjects(args.name, cursor);
    if (!got) return p.Fail(got.error());
    for (const ProjectInfo& pr : got->items) {
      rows.push_back({pr.name, pr.id, pr.default_branch.empty() ? "-" : pr.default_branch,
                      pr.description.empty() ? "-" : pr.description});
      items.push_back({{"id", pr.id},
                       {"name", pr.name},
                       {"default_branch", pr.default_branch},
                       {"description", pr.description}});
    }
    cursor = got->next_cursor;
    if (cursor.empty()) break;
  }
  if (p.machine_output()) {
    if (auto s = p.WriteMachine({{"projects", items}}); !s) return p.Fail(s.error());
  } else {
    p.human() << FormatTable(rows);
  }
  return p.Finish(kExitOk);
}

core::Result<ProjectInfo> RequireProject(Pipeline& p, const ListArgs& args) {
  if (args.project.empty()) {
    return core::Fail(core::ErrorCode::kInvalidArgument,
                      fmt::format("list {} needs -p/--project", args.what));
  }
  return p.client().FindProject(args.project);
}

int ListScans(Pipeline& p, const ListArgs& args) {
  auto project = RequireProject(p, args);
  if (!project) return p.Fail(project.error());
  std::vector<ScanInfo> scans;
  nlohmann::json items = nlohmann::json::array();
  std::string cursor;
  for (int page = 0; page < kMaxPages; ++page) {
    auto got = p.client().ListScans(project->id, args.branch, args.tool, cursor);
    if (!got) return p.Fail(got.error());
    for (ScanInfo& s : got->items) {
      if (s.project_name.empty()) s.project_name = project->name;
      items.push_back(s.raw);
      scans.push_back(std::move(s));
    }
    cursor = got->next_cursor;
    if (cursor.empty()) break;
  }
  if (p.machine_output()) {
    if (auto s = p.WriteMachine({{"scans", items}}); !s) return p.Fail(s.error());
  } else {
    p.human() << FormatScanTable(scans, false);
  }
  return p.Finish(kExitOk);
}

int ListScanners(Pipeline& p, const ListArgs& args) {
  auto project = RequireProject(p, args);
  if (!project) return p.Fail(project.error());
  std::vector<std::vector<std::string>> rows{
      {"TOOL", "ID", "BRANCH", "ENVIRONMENT", "REPOSITORY", "META", "TAG"}};
  nlohmann::json items = nlohmann::json::array();
  std::string cursor;
  auto dash = [](const std::string& s) { return s.empty() ? std::string("-") : s; };
  for (int page = 0; page < kMaxPages; ++page) {
    auto got = p.client().ListScanners(project->id, cursor);
    if (!got) return p.Fail(got.error());
    for (const ScannerInfo& s : got->items) {
      rows.push_back({s.tool, s.id, dash(s.branch), dash(s.environment), dash(s.repository_key),
                      dash(s.meta_data), dash(s.scan_tag)});
      items.push_back({{"id", s.id},
                       {"tool", s.tool},
                       {"branch", s.branch},
                       {"environment", s.environment},
                       {"repository_key", s.repository_key},
                       {"meta_data", s.meta_data},
                       {"scan_tag", s.scan_tag}});
    }
    cursor = got->next_cursor;
    if (cursor.empty()) break;
  }
  if (p.machine_output()) {
    if (auto s = p.WriteMachine({{"scanners", items}}); !s) return p.Fail(s.error());
  } else {
    p.human() << FormatTable(rows);
  }
  return p.Finish(kExitOk);
}

}  // namespace

int RunList(const ListArgs& args, CommandIo& io) {
  Pipeline p(io, args.connection, args.output);
  if (auto s = p.Connect(); !s) return p.Fail(s.error());
  if (args.what == "projects") return ListProjects(p, args);
  if (args.what == "scans") return ListScans(p, args);
  if (args.what == "scanners") return ListScanners(p, args);
  return p.Fail(
      {core::ErrorCode::kInvalidArgument, "list what? one of: projects, scans, scanners"});
}

void RegisterListCommand(CLI::App& app) {
  auto* list = app.add_subcommand("list", "List projects, scans or scanners (as kdt list)");
  list->require_subcommand(1);
  auto add = [list](const char* what, const char* help) {
    auto args = std::make_shared<ListArgs>();
    args->what = what;
    auto* cmd = list->add_subcommand(what, help);
    if (args->what == "projects") {
      cmd->add_option("NAME", args->name, "only projects whose name matches");
    } else {
      cmd->add_option("-p,--project", args->project, "project name or id")->required();
    }
    if (args->what == "scans") {
      cmd->add_option("-b,--branch", args->branch, "only scans of this branch");
      cmd->add_option("-t,--tool", args->tool, "only scans of this tool");
    }
    AddOutputFlags(cmd, args->output, /*sarif=*/false);
    AddConnectionFlags(cmd, args->connection);
    cmd->callback([args] {
      auto transport = env::MakeCurlTransport();
      CommandIo io{*transport, env::Clock::System(), ProcessEnv, HomeDirectory(), std::cout,
                   std::cerr,  IsTerminal(2)};
      int code = RunList(*args, io);
      std::cout.flush();
      if (code != 0) throw CLI::RuntimeError(code);
    });
  };
  add("projects", "Projects visible to the token: NAME ID BRANCH DESCRIPTION");
  add("scans", "Scans of a project: NAME ID BRANCH META TOOL CRIT HIGH MED LOW SCORE DATE");
  add("scanners", "Scanners configured on a project");
}

}  // namespace bulwark::cli
