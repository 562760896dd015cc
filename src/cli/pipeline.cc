#include "cli/pipeline.h"

#include <fmt/format.h>
#include <unistd.h>

#include <fstream>

#include "cli/pipeline_commands.h"

namespace bulwark::cli {
namespace {

constexpr std::size_t kMaxPages = 50;

bool SameTool(const FindingInfo& f, const ScanInfo& scan) {
  return f.tool.empty() || scan.tool.empty() || f.tool == scan.tool;
}

}  // namespace

std::string HomeDirectory() {
  auto home = ProcessEnv("HOME");
  return home ? *home : "";
}

bool IsTerminal(int fd) { return isatty(fd) == 1; }

void AddOutputFlags(CLI::App* cmd, OutputOptions& output, bool sarif) {
  cmd->add_option(
         "--output", output.format,
         sarif ? "table (default), json or sarif (SARIF 2.1.0)" : "table (default) or json")
      ->check(sarif ? CLI::IsMember({"table", "json", "sarif"}) : CLI::IsMember({"table", "json"}));
  cmd->add_option("--output-file", output.file,
                  "write the --output document to this file instead of stdout");
}

Pipeline::Pipeline(CommandIo& io, const ConnectionFlags& flags, const OutputOptions& output)
    : io_(io),
      flags_(flags),
      output_(output),
      machine_on_stdout_(output.format != "table" && output.file.empty()),
      log_(std::make_unique<Log>(machine_on_stdout_ ? io.err : io.out, io.err, io.clock,
                                 flags.verbose)) {}

core::Status Pipeline::Connect() {
  auto resolved = ResolveConnection(flags_, io_.env, io_.home);
  if (!resolved) return std::unexpected(resolved.error());
  for (const std::string& note : resolved->notes) io_.err << note << "\n";
  log_ = std::make_unique<Log>(human(), io_.err, io_.clock, resolved->verbose);
  log_->Debug("server: " + resolved->connection.host);
  client_ = std::make_unique<ApiClient>(resolved->connection, io_.transport);
  return core::Ok();
}

core::Status Pipeline::WriteMachine(const nlohmann::json& doc) {
  const std::string text = doc.dump(2) + "\n";
  if (output_.file.empty()) {
    io_.out << text;
    io_.out.flush();
    return core::Ok();
  }
  std::ofstream file(output_.file, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  if (!file) {
    return core::Fail(core::ErrorCode::kInvalidArgument,
                      fmt::format("--output-file {}: cannot be written", output_.file));
  }
  log_->Info(fmt::format("{} written to {}", output_.format, output_.file));
  return core::Ok();
}

int Pipeline::Finish(int code) {
  if (flags_.exit_code && *flags_.exit_code != code) {
    log_->Info(fmt::format("overriding exit code [{}] as [{}]", code, *flags_.exit_code));
    return *flags_.exit_code;
  }
  return code;
}

int Pipeline::Fail(const core::Error& error) {
  log_->Error(error.message);
  return Finish(kExitFailed);
}

core::Result<GateInput> Pipeline::GatherGateInput(const ScanInfo& scan, const GateOptions& gate,
                                                  std::optional<ScanDiff>& diff) {
  GateInput input;
  input.summary = scan.summary;
  input.risk_score = scan.risk_score;
  if (gate.NeedsNewCounts() || gate.risk) {
    auto got = client_->Diff(scan.id);
    if (got) {
      diff = *got;
    } else if (got.error().code == core::ErrorCode::kNotFound) {
      // No diff route on this server: the findings first seen by the branch's latest scan.
      log_->Debug("no scan diff (" + got.error().message + "); using findings in state new");
      auto fresh = OpenFindings(scan, "", "new", SIZE_MAX);
      if (!fresh) return std::unexpected(fresh.error().Wrap("reading the new findings"));
      diff = ScanDiff{};
      diff->lists = true;
      for (FindingInfo& f : *fresh) {
        if (f.state == "new") diff->new_findings.push_back(std::move(f));
      }
      diff->new_total = static_cast<int>(diff->new_findings.size());
    } else {
      return std::unexpected(got.error().Wrap("reading the findings new in this scan"));
    }
    if (diff->lists) {
      input.new_counts = CountOpen(diff->new_findings);
    } else if (diff->new_counts) {
      input.new_counts = diff->new_counts;
    }
  }
  if (gate.risk) {
    std::optional<ScanInfo> previous;
    std::string cursor;
    for (std::size_t page = 0; page < kMaxPages; ++page) {
      auto scans = client_->ListScans(scan.project_id, scan.branch, scan.tool, cursor);
      if (!scans) return std::unexpected(scans.error().Wrap("reading the previous scan"));
      for (const ScanInfo& s : scans->items) {
        if (s.id == scan.id || s.state != "finished") continue;
        if (s.tool != scan.tool || s.branch != scan.branch) continue;
        if (!scan.created_at.empty() && s.created_at > scan.created_at) continue;
        if (!previous || s.created_at > previous->created_at) previous = s;
      }
      cursor = scans->next_cursor;
      if (cursor.empty()) break;
    }
    if (previous) {
      input.previous_risk = previous->risk_score;
      log_->Debug(fmt::format("previous scan {}: risk score {}", previous->id,
                              FormatScore(previous->risk_score)));
    }
  }
  return input;
}

core::Result<std::vector<FindingInfo>> Pipeline::OpenFindings(const ScanInfo& scan,
                                                              const std::string& severity,
                                                              const std::string& state,
                                                              std::size_t enough) {
  std::vector<FindingInfo> found;
  FindingQuery query{scan.branch, scan.tool, severity, state, 200, ""};
  for (std::size_t page = 0; page < kMaxPages && found.size() < enough; ++page) {
    auto got = client_->ListFindings(scan.project_id, query);
    if (!got) return std::unexpected(got.error());
    for (FindingInfo& f : got->items) {
      if (!f.Triaged() && !f.Fixed() && SameTool(f, scan)) found.push_back(std::move(f));
    }
    query.cursor = got->next_cursor;
    if (query.cursor.empty()) break;
  }
  return found;
}

std::vector<FindingInfo> Pipeline::Offending(const ScanInfo& scan, const GateResult& result,
                                             const std::optional<ScanDiff>& diff,
                                             std::size_t& total) {
  std::vector<FindingInfo> offending;
  total = 0;
  for (const GateViolation& v : result.violations) {
    if (v.new_only) {
      if (!diff || !diff->lists) continue;
      for (const FindingInfo& f : diff->new_findings) {
        if (Offends(v, f, true)) offending.push_back(f);
      }
      continue;
    }
    if (!v.severity) continue;
    total += static_cast<std::size_t>(scan.summary.Get(*v.severity));
    auto found =
        OpenFindings(scan, std::string(domain::SeverityName(*v.severity)), "", kMaxListedFindings);
    if (!found) {
      log_->Warn("could not list the offending findings: " + found.error().message);
      continue;
    }
    for (FindingInfo& f : *found) {
      if (f.severity == *v.severity) offending.push_back(std::move(f));
    }
  }
  SortBySeverity(offending);
  total = std::max(total, offending.size());
  return offending;
}

core::Status Pipeline::CheckRelease(const ScanInfo& scan) {
  auto release = client_->Release(scan.project_id, scan.branch);
  if (!release) {
    if (release.error().code == core::ErrorCode::kNotFound) {
      log_->Debug("no release status (" + release.error().message + "); treated as undefined");
      return core::Ok();
    }
    return std::unexpected(release.error().Wrap("reading the release status"));
  }
  if (release->status != "failed") {
    log_->Debug("release status: " + release->status);
    return core::Ok();
  }
  for (const ReleaseViolationInfo& v : release->violations) {
    human() << fmt::format("[!] {} findings: {} open, the release policy allows {}\n", v.severity,
                           v.count, v.max);
  }
  human().flush();
  return core::Fail(core::ErrorCode::kConflict,
                    "scan failed to pass release criteria: project does not pass release criteria "
                    "due to [SCA] failure");
}

int Pipeline::Report(const ScanInfo& scan, const GateOptions& gate, bool release_check) {
  human() << FormatScanTable({scan}, true);
  if (!scan.html_link.empty()) human() << "link: " << scan.html_link << "\n";
  human().flush();
  GateResult result;
  std::optional<ScanDiff> diff;
  if (gate.Any()) {
    auto input = GatherGateInput(scan, gate, diff);
    if (!input) return Fail(input.error());
    result = EvaluateGate(gate, *input);
  }
  for (const std::string& note : result.notes) log_->Info(note);
  std::vector<FindingInfo> offending;
  std::size_t total = 0;
  if (!result.Passed()) offending = Offending(scan, result, diff, total);
  std::optional<core::Error> release_failure;
  if (result.Passed() && release_check) {
    if (auto released = CheckRelease(scan); !released) release_failure = released.error();
  }
  const int code = result.Passed() && !release_failure ? kExitOk : kExitFailed;
  if (output_.format == "json") {
    if (auto s = WriteMachine(ScanReportJson(scan, result, offending, code)); !s) {
      return Fail(s.error());
    }
  } else if (output_.format == "sarif") {
    auto findings = OpenFindings(scan, "", "", SIZE_MAX);
    if (!findings) return Fail(findings.error().Wrap("reading the findings for SARIF"));
    SortBySeverity(*findings);
    if (auto s = WriteMachine(BuildSarif(scan, *findings, BULWARK_VERSION)); !s) {
      return Fail(s.error());
    }
  }
  if (release_failure) {
    log_->Error(release_failure->message);
  } else if (result.Passed()) {
    log_->Info("scan passed security tests successfully");
  } else {
    human() << ExplainGate(result, offending, total, scan.html_link);
    human().flush();
    log_->Error("scan could not pass security tests");
  }
  return Finish(code);
}

}  // namespace bulwark::cli
