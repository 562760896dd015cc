// `bulwark parse FILE [--format auto|<name>] [--output summary|json] [--timing]`: offline import
// check. Prints what Bulwark would import from a file; a refused file exits 2 with the reason on
// stderr.
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "cli/commands.h"
#include "core/json_text.h"
#include "ingest/ingest.h"

namespace bulwark::cli {
namespace {

void AppendEscaped(std::string& out, std::string_view text) { core::AppendJsonString(out, text); }

void AppendStrings(std::string& out, const std::vector<std::string>& items) {
  core::AppendJsonStrings(out, items);
}

void AppendCvss(std::string& out, std::string_view name, const domain::Cvss& cvss) {
  if (!cvss.score && cvss.vector.empty()) return;
  out += fmt::format(",\"{}\":{{\"score\":", name);
  out += cvss.score ? fmt::format("{}", *cvss.score) : "null";
  out += ",\"vector\":";
  AppendEscaped(out, cvss.vector);
  out += '}';
}

void AppendFinding(std::string& out, const domain::Finding& f) {
  out += "{\"fingerprint\":\"" + f.Fingerprint() + "\",\"kind\":\"";
  out += domain::FindingKindName(f.kind);
  out += "\"";
  if (f.violation_type != domain::ViolationType::kNone)
    out += fmt::format(",\"violation_type\":\"{}\"", domain::ViolationTypeName(f.violation_type));
  out +=
      fmt::format(",\"severity\":\"{}\",\"vulnerability_key\":", domain::SeverityName(f.severity));
  AppendEscaped(out, f.VulnerabilityKey());
  out += ",\"issue_id\":";
  AppendEscaped(out, f.issue_id);
  out += ",\"component\":{\"type\":";
  AppendEscaped(out, f.component.type);
  out += ",\"name\":";
  AppendEscaped(out, f.component.name);
  out += ",\"version\":";
  AppendEscaped(out, f.component.version);
  out += ",\"id\":";
  AppendEscaped(out, f.component.id);
  out += "},\"cves\":[";
  for (std::size_t i = 0; i < f.cves.size(); ++i) {
    if (i > 0) out += ',';
    out += "{\"id\":";
    AppendEscaped(out, f.cves[i].id);
    AppendCvss(out, "cvss_v2", f.cves[i].v2);
    AppendCvss(out, "cvss_v3", f.cves[i].v3);
    AppendCvss(out, "cvss_v4", f.cves[i].v4);
    out += '}';
  }
  out += "],\"cwes\":";
  AppendStrings(out, f.cwes);
  out += ",\"fixed_versions\":";
  AppendStrings(out, f.fixed_versions);
  out += ",\"locations\":[";
  for (std::size_t i = 0; i < f.locations.size(); ++i) {
    const domain::Location& l = f.locations[i];
    if (i > 0) out += ',';
    out += "{\"artifact\":";
    AppendEscaped(out, l.artifact);
    out += ",\"path\":";
    AppendEscaped(out, l.path);
    out += ",\"impact_paths\":[";
    for (std::size_t j = 0; j < l.impact_paths.size(); ++j) {
      if (j > 0) out += ',';
      AppendStrings(out, l.impact_paths[j]);
    }
    out += "]}";
  }
  out += "],\"applicability\":";
  AppendEscaped(out, f.applicability);
  out += ",\"license\":";
  AppendEscaped(out, f.license);
  out += ",\"watch\":";
  AppendEscaped(out, f.watch);
  out += ",\"policies\":";
  AppendStrings(out, f.policies);
  out += ",\"references\":";
  AppendStrings(out, f.references);
  out += ",\"published\":";
  AppendEscaped(out, f.published);
  out += ",\"summary\":";
  AppendEscaped(out, f.summary);
  out += ",\"description\":";
  AppendEscaped(out, f.description);
  out += '}';
}

// Streams findings to stdout as one JSON array.
class JsonPrinter : public ingest::FindingSink {
 public:
  core::Status Consume(std::span<const domain::Finding> batch) override {
    std::string out;
    for (const domain::Finding& f : batch) {
      out += first_ ? "[\n" : ",\n";
      first_ = false;
      AppendFinding(out, f);
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    return core::Ok();
  }
  void Finish() { std::fputs(first_ ? "[]\n" : "\n]\n", stdout); }

 private:
  bool first_ = true;
};

class CountingSink : public ingest::FindingSink {
 public:
  core::Status Consume(std::span<const domain::Finding>) override { return core::Ok(); }
  bool WantsFindings() const override { return false; }  // the summary prints counts only
};

void PrintSummary(const ingest::ParseReport& r, std::optional<double> seconds) {
  std::string out = fmt::format("format: {}\n", ingest::FormatName(r.format));
  for (ingest::Format member : r.member_formats)
    out += fmt::format("member: {}\n", ingest::FormatName(member));
  out += fmt::format("bytes: {}\nrows: {}\nfindings: {}\nskipped: {}\n", r.bytes, r.rows,
                     r.findings, r.skipped);
  for (auto kind : {domain::FindingKind::kVulnerability, domain::FindingKind::kLicense,
                    domain::FindingKind::kViolation})
    out += fmt::format("kind.{}: {}\n", domain::FindingKindName(kind),
                       r.by_kind[static_cast<std::size_t>(kind)]);
  for (int s = 4; s >= 0; --s)
    out += fmt::format("severity.{}: {}\n", domain::SeverityName(static_cast<domain::Severity>(s)),
                       r.by_severity[static_cast<std::size_t>(s)]);
  for (const std::string& w : r.warnings) out += fmt::format("warning: {}\n", w);
  if (seconds) out += fmt::format("parse_seconds: {:.6f}\nwindows: {}\n", *seconds, r.windows);
  std::fputs(out.c_str(), stdout);
}

// `timing`: also print the seconds ParseFile took in this process (reading, detection, parsing
// and normalisation; not the process start-up nor the printing of findings).
int RunParse(const std::string& file, const std::string& format_name, const std::string& output,
             bool timing) {
  auto format = ingest::ParseFormatName(format_name);
  if (!format) {
    std::fprintf(stderr, "bulwark parse: unknown --format %s (one of: %s)\n", format_name.c_str(),
                 std::string(ingest::FormatNameList()).c_str());
    return 2;
  }
  ingest::ParseOptions options;
  core::Result<ingest::ParseReport> report;
  std::optional<double> seconds;
  auto timed_parse = [&](ingest::FindingSink& sink) {
    const auto start = std::chrono::steady_clock::now();
    report = ingest::ParseFile(file, *format, sink, options);
    if (timing)
      seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  if (output == "json") {
    options.validate_before_emit = true;  // print nothing for a refused file
    JsonPrinter printer;
    timed_parse(printer);  // includes writing the findings: the printer is the sink
    if (report) printer.Finish();
    if (report && seconds) std::fprintf(stderr, "parse_seconds: %.6f\n", *seconds);
  } else {
    CountingSink sink;
    timed_parse(sink);
    if (report) PrintSummary(*report, seconds);
  }
  if (!report) {
    std::fprintf(stderr, "bulwark parse: %s\n", report.error().message.c_str());
    auto code = report.error().code;
    return code == core::ErrorCode::kDataLoss || code == core::ErrorCode::kInvalidArgument ||
                   code == core::ErrorCode::kTooLarge
               ? 2
               : 1;
  }
  return 0;
}

}  // namespace

void RegisterParseCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "parse", "Parse a JFrog Xray result file offline and print what would be imported");
  auto file = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>("auto");
  auto output = std::make_shared<std::string>("summary");
  auto timing = std::make_shared<bool>(false);
  cmd->add_option("FILE", *file, "JSON file or ZIP export")->required();
  cmd->add_option("--format", *format, "auto or one of the format names (docs/formats.md)")
      ->capture_default_str();
  cmd->add_option("--output", *output, "summary or json")
      ->check(CLI::IsMember({"summary", "json"}))
      ->capture_default_str();
  cmd->add_flag("--timing", *timing,
                "Also print parse_seconds: the time spent reading and parsing the file in this "
                "process, without process start-up (summary: on stdout; json: on stderr)");
  cmd->callback([file, format, output, timing] {
    int code = RunParse(*file, *format, *output, *timing);
    std::fflush(stdout);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace bulwark::cli
