// How the pipeline commands print: kdt's tables (Go tabwriter layout: minimum width 8, padding 4,
// spaces; a dashes row under the header), kdt's log lines ("<RFC3339> INF: message"), the state
// progress bar for terminals, and the machine formats (--output json, --output sarif).
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "cli/api_client.h"
#include "cli/gate.h"
#include "env/clock.h"

namespace bulwark::cli {

// Lays rows out as Go's text/tabwriter does with minwidth 8, tabwidth 8, padding 4 and space
// padding: every cell but the last of a row is padded to its column's width, which is the widest
// cell of the column plus 4, at least 8. When `header` is set, a row of dashes as long as each
// header name follows the first row.
std::string FormatTable(const std::vector<std::vector<std::string>>& rows, bool header = true);

// kdt's scan summary table: NAME ID BRANCH META TOOL CRIT HIGH MED LOW SCORE DATE [UI Link].
std::string FormatScanTable(const std::vector<ScanInfo>& scans, bool with_link);

// A risk score as kdt shows it (no decimals when whole).
std::string FormatScore(double score);

// Log lines as kdt writes them. Debug lines only when verbose.
class Log {
 public:
  Log(std::ostream& out, std::ostream& err, const env::Clock& clock, bool verbose)
      : out_(out), err_(err), clock_(clock), verbose_(verbose) {}
  void Info(const std::string& message) { Write(out_, "INF: ", message); }
  void Warn(const std::string& message) { Write(err_, "WRN: ", message); }
  void Error(const std::string& message) { Write(err_, "ERR: ", message); }
  void Debug(const std::string& message) {
    if (verbose_) Write(err_, "DBG: ", message);
  }
  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }

 private:
  void Write(std::ostream& os, const char* prefix, const std::string& message);

  std::ostream& out_;
  std::ostream& err_;
  const env::Clock& clock_;
  bool verbose_;
};

// "[#########...........]  45% running" for a terminal, rewritten in place with '\r'.
std::string ProgressBar(double percent, const std::string& state, int width = 30);

// --output json for scan and status: the scan as the server sent it, the gate verdict and the
// offending findings.
nlohmann::json ScanReportJson(const ScanInfo& scan, const GateResult& gate,
                              const std::vector<FindingInfo>& offending, int exit_code);

// SARIF 2.1.0: one run, one rule per vulnerability (issue id, else CVE list) and one result per
// finding, with level and security-severity from the finding's severity.
nlohmann::json BuildSarif(const ScanInfo& scan, const std::vector<FindingInfo>& findings,
                          const std::string& version);

}  // namespace bulwark::cli
