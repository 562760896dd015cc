// What scan, import, status and list share: the process's I/O (injected so tests run a whole
// command against a fake transport and a fake clock), the connection, kdt's log lines, where the
// human and the machine output go, the report-and-gate step and the exit code (--exit-code
// replaces it, success included, as kdt does).
#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "cli/api_client.h"
#include "cli/connection.h"
#include "cli/gate.h"
#include "cli/output.h"
#include "env/clock.h"
#include "env/http_transport.h"

namespace bulwark::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;  // scan failed, gate failed or error (kdt)

struct CommandIo {
  env::HttpTransport& transport;
  env::Clock& clock;
  EnvLookup env;
  std::string home;  // holds the default .bulwark.toml
  std::ostream& out;
  std::ostream& err;
  bool tty = false;  // stderr is a terminal: draw the progress bar
};

struct OutputOptions {
  std::string format = "table";  // table | json | sarif
  std::string file;              // --output-file; "" = stdout
};

// Adds --output and --output-file.
void AddOutputFlags(CLI::App* cmd, OutputOptions& output, bool sarif);

class Pipeline {
 public:
  Pipeline(CommandIo& io, const ConnectionFlags& flags, const OutputOptions& output);

  // Resolves the connection (printing kdt deprecation notes) and builds the client.
  core::Status Connect();
  ApiClient& client() { return *client_; }
  Log& log() { return *log_; }
  CommandIo& io() { return io_; }
  // Where tables and progress go: stdout, unless the machine output goes to stdout.
  std::ostream& human() { return machine_on_stdout_ ? io_.err : io_.out; }
  bool machine_output() const { return output_.format != "table"; }

  // Writes the --output json|sarif document to --output-file or stdout.
  core::Status WriteMachine(const nlohmann::json& doc);

  // The final exit code, with --exit-code applied (and logged).
  int Finish(int code);
  // Logs the error and finishes with kExitFailed.
  int Fail(const core::Error& error);

  // Prints a finished scan's table and link, checks the gate (fetching what its flags need),
  // explains a failure, writes the --output document, and returns the exit code to finish with.
  // With `release_check` (`scan`, as kdt), a passed gate is followed by the release check of
  // the scan's project and branch: "failed" fails the build, "undefined" passes.
  int Report(const ScanInfo& scan, const GateOptions& gate, bool release_check = false);

 private:
  core::Result<GateInput> GatherGateInput(const ScanInfo& scan, const GateOptions& gate,
                                          std::optional<ScanDiff>& diff);
  // The release check: an error naming the failure when the release status is "failed".
  core::Status CheckRelease(const ScanInfo& scan);
  std::vector<FindingInfo> Offending(const ScanInfo& scan, const GateResult& result,
                                     const std::optional<ScanDiff>& diff, std::size_t& total);
  // Open, untriaged findings of the scan's branch and tool (optionally of one severity or
  // state), until at least `enough` are gathered or the pages end.
  core::Result<std::vector<FindingInfo>> OpenFindings(const ScanInfo& scan,
                                                      const std::string& severity,
                                                      const std::string& state, std::size_t enough);

  CommandIo& io_;
  ConnectionFlags flags_;
  OutputOptions output_;
  bool machine_on_stdout_;
  std::unique_ptr<Log> log_;
  std::unique_ptr<ApiClient> client_;
};

}  // namespace bulwark::cli
