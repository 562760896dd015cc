#include "cli/output.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace bulwark::cli {
namespace {

constexpr std::size_t kMinWidth = 8;
constexpr std::size_t kPadding = 4;

// Width in code points, as Go's tabwriter counts UTF-8 text.
std::size_t TextWidth(const std::string& s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string Or(const std::string& s, const char* fallback) { return s.empty() ? fallback : s; }

}  // namespace

std::string FormatTable(const std::vector<std::vector<std::string>>& input, bool header) {
  std::vector<std::vector<std::string>> rows = input;
  if (header && !rows.empty()) {
    std::vector<std::string> dashes;
    for (const std::string& h : rows[0]) dashes.push_back(std::string(TextWidth(h), '-'));
    rows.insert(rows.begin() + 1, dashes);
  }
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    for (std::size_t c = 0; c + 1 < row.size(); ++c) {  // the last cell is not in a column
      if (widths.size() <= c) widths.push_back(kMinWidth);
      widths[c] = std::max(widths[c], TextWidth(row[c]) + kPadding);
    }
  }
  std::string out;
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      out += row[c];
      if (c + 1 < row.size()) out += std::string(widths[c] - TextWidth(row[c]), ' ');
    }
    out += '\n';
  }
  return out;
}

std::string FormatScore(double score) {
  if (std::abs(score - std::round(score)) < 1e-9) return fmt::format("{}", std::llround(score));
  return fmt::format("{:.1f}", score);
}

std::string FormatScanTable(const std::vector<ScanInfo>& scans, bool with_link) {
  std::vector<std::vector<std::string>> rows{
      {"NAME", "ID", "BRANCH", "META", "TOOL", "CRIT", "HIGH", "MED", "LOW", "SCORE", "DATE"}};
  if (with_link) rows[0].push_back("UI Link");
  for (const ScanInfo& s : scans) {
    std::vector<std::string> row{Or(s.project_name, "-"),
                                 s.id,
                                 Or(s.branch, "-"),
                                 Or(s.meta_data, "-"),
                                 Or(s.tool, "-"),
                                 std::to_string(s.summary.critical),
                                 std::to_string(s.summary.high),
                                 std::to_string(s.summary.medium),
                                 std::to_string(s.summary.low),
                                 FormatScore(s.risk_score),
                                 Or(!s.finished_at.empty() ? s.finished_at : s.created_at, "-")};
    if (with_link) row.push_back(Or(s.html_link, "-"));
    rows.push_back(std::move(row));
  }
  return FormatTable(rows);
}

void Log::Write(std::ostream& os, const char* prefix, const std::string& message) {
  auto now = std::chrono::time_point_cast<std::chrono::seconds>(clock_.Now());
  os << fmt::format("{:%Y-%m-%dT%H:%M:%SZ} {}{}\n", now, prefix, message);
  os.flush();
}

std::string ProgressBar(double percent, const std::string& state, int width) {
  percent = std::clamp(percent, 0.0, 100.0);
  int filled = static_cast<int>(std::lround(percent * width / 100.0));
  return fmt::format("[{}{}] {:3d}% {}", std::string(static_cast<std::size_t>(filled), '#'),
                     std::string(static_cast<std::size_t>(width - filled), '.'),
                     static_cast<int>(std::lround(percent)), state);
}

nlohmann::json ScanReportJson(const ScanInfo& scan, const GateResult& gate,
                              const std::vector<FindingInfo>& offending, int exit_code) {
  nlohmann::json violations = nlohmann::json::array();
  for (const GateViolation& v : gate.violations) {
    violations.push_back({{"flag", v.flag}, {"message", v.message}});
  }
  nlohmann::json listed = nlohmann::json::array();
  for (std::size_t i = 0; i < offending.size() && i < kMaxListedFindings; ++i) {
    listed.push_back(offending[i].raw.is_null() ? nlohmann::json::object() : offending[i].raw);
  }
  return {{"scan", scan.raw.is_null() ? nlohmann::json::object() : scan.raw},
          {"gate",
           {{"passed", gate.Passed()},
            {"violations", violations},
            {"notes", gate.notes},
            {"offending_findings", listed},
            {"offending_total", offending.size()}}},
          {"exit_code", exit_code}};
}

}  // namespace bulwark::cli
