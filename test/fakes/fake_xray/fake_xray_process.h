// Starts the fake-xray executable on port 0 for a test or benchmark, reads the ports it prints,
// and stops it (SIGTERM) on destruction. Control calls go through the real HttpTransport.
#pragma once

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "env/http_transport.h"

extern char** environ;

namespace bulwark::fakes {

class FakeXrayProcess {
 public:
  // nullptr when the process could not be started or did not print its ports.
  static std::unique_ptr<FakeXrayProcess> Start(const std::string& binary,
                                                std::vector<std::string> args = {}) {
    int fds[2];
    if (pipe(fds) != 0) return nullptr;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    args.insert(args.begin(), binary);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    int rc = posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    if (rc != 0) {
      close(fds[0]);
      return nullptr;
    }
    std::unique_ptr<FakeXrayProcess> process(new FakeXrayProcess(pid));
    FILE* out = fdopen(fds[0], "r");
    bool want_tls = false;
    for (const auto& a : args) want_tls = want_tls || a == "--tls-port";
    char line[256];
    while (std::fgets(line, sizeof line, out) != nullptr) {
      std::string text(line);
      while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
      if (text.starts_with("listening on http://")) process->http_url_ = text.substr(13);
      if (text.starts_with("listening on https://")) process->https_url_ = text.substr(13);
      if (!process->http_url_.empty() && (!want_tls || !process->https_url_.empty())) break;
    }
    std::fclose(out);
    if (process->http_url_.empty()) return nullptr;
    return process;
  }

  ~FakeXrayProcess() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }

  const std::string& http_url() const { return http_url_; }
  const std::string& https_url() const { return https_url_; }

  // POST /__fake/config; returns the response body, or an error text starting with "error".
  std::string Control(const std::string& method, const std::string& path,
                      const std::string& body = "") {
    env::HttpRequest request;
    request.method = method;
    request.url = http_url_ + path;
    request.body = body;
    request.headers.emplace_back("Content-Type", "application/json");
    auto response = transport_->Send(request);
    if (!response) return "error: " + response.error().message;
    if (response->status != 200) return "error: " + response->body;
    return response->body;
  }

 private:
  explicit FakeXrayProcess(pid_t pid) : pid_(pid), transport_(env::MakeCurlTransport()) {}
  pid_t pid_;
  std::unique_ptr<env::HttpTransport> transport_;
  std::string http_url_;
  std::string https_url_;
};

}  // namespace bulwark::fakes
