// A child process running the real `bulwark` binary, with its stdout and stderr captured by
// reader threads so a test can wait for a line (no sleeps) and inspect all output afterwards.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace bulwark::testing {

class Process {
 public:
  // Starts BULWARK_BINARY_DIR/bulwark with `args`; `env` entries are added to (or override) the
  // test's environment.
  Process(const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
    int out[2], err[2];
    if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) std::abort();
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    std::vector<std::string> argv_s{BULWARK_BINARY_DIR "/bulwark"};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::map<std::string, std::string> merged;
    for (char** e = environ; *e; ++e) {
      std::string kv(*e);
      auto eq = kv.find('=');
      if (eq != std::string::npos) merged[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    for (const auto& [k, v] : env) merged[k] = v;
    std::vector<std::string> env_s;
    for (const auto& [k, v] : merged) env_s.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& e : env_s) envp.push_back(e.data());
    envp.push_back(nullptr);
    if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), envp.data()) != 0) {
      std::abort();
    }
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    close(err[1]);
    out_reader_ = std::thread([this, fd = out[0]] { Pump(fd, stdout_); });
    err_reader_ = std::thread([this, fd = err[0]] { Pump(fd, stderr_); });
  }

  ~Process() {
    if (!exited_) {
      kill(pid_, SIGKILL);
      Wait();
    }
  }

  // Waits until stdout has a line starting with `prefix`; returns the rest of it, or "" when the
  // process ended or `timeout` passed first.
  std::string WaitForLine(const std::string& prefix,
                          std::chrono::seconds timeout = std::chrono::seconds(60)) {
    std::unique_lock lock(mu_);
    std::string found;
    cv_.wait_for(lock, timeout, [&] {
      size_t pos = 0;
      while (pos < stdout_.size()) {
        size_t nl = stdout_.find('\n', pos);
        if (nl == std::string::npos) break;
        std::string line = stdout_.substr(pos, nl - pos);
        if (line.starts_with(prefix)) {
          found = line.substr(prefix.size());
          return true;
        }
        pos = nl + 1;
      }
      return closed_ == 2;
    });
    return found;
  }

  void Signal(int sig) { kill(pid_, sig); }
  pid_t pid() const { return pid_; }

  // Waits for the process to end and its output to drain; returns the exit code (128+signal
  // when killed by a signal).
  int Wait() {
    if (!exited_) {
      int status = 0;
      waitpid(pid_, &status, 0);
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      exited_ = true;
      out_reader_.join();
      err_reader_.join();
    }
    return exit_code_;
  }

  std::string Stdout() {
    std::lock_guard lock(mu_);
    return stdout_;
  }
  std::string Stderr() {
    std::lock_guard lock(mu_);
    return stderr_;
  }

 private:
  void Pump(int fd, std::string& sink) {
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
      std::lock_guard lock(mu_);
      sink.append(buf, static_cast<size_t>(n));
      cv_.notify_all();
    }
    close(fd);
    std::lock_guard lock(mu_);
    ++closed_;
    cv_.notify_all();
  }

  pid_t pid_ = -1;
  bool exited_ = false;
  int exit_code_ = -1;
  std::mutex mu_;
  std::condition_variable cv_;
  std::string stdout_, stderr_;  // guarded by mu_
  int closed_ = 0;               // guarded by mu_
  std::thread out_reader_, err_reader_;
};

struct Output {
  int exit_code;
  std::string out, err;
};

// Runs bulwark to completion.
inline Output RunBulwark(const std::vector<std::string>& args,
                         const std::map<std::string, std::string>& env = {}) {
  Process p(args, env);
  int code = p.Wait();
  return Output{code, p.Stdout(), p.Stderr()};
}

}  // namespace bulwark::testing
