#include "env/thread_priority.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <string>
#include <thread>

namespace bulwark::env {
namespace {

// On Linux, PRIO_PROCESS with a thread id addresses that one thread.
id_t CurrentThreadId() { return static_cast<id_t>(::syscall(SYS_gettid)); }

}  // namespace

core::Status SetCurrentThreadNice(int nice) {
  if (nice < 0 || nice > kMaxNice) {
    return core::Fail(
        core::ErrorCode::kInvalidArgument,
        "nice value " + std::to_string(nice) + " is outside 0-" + std::to_string(kMaxNice));
  }
  if (::setpriority(PRIO_PROCESS, CurrentThreadId(), nice) != 0) {
    const int error = errno;
    return core::Fail(error == EPERM || error == EACCES ? core::ErrorCode::kPermissionDenied
                                                        : core::ErrorCode::kUnavailable,
                      "setpriority(nice " + std::to_string(nice) + "): " + std::strerror(error));
  }
  return core::Ok();
}

int CurrentThreadNice() {
  errno = 0;
  const int nice = ::getpriority(PRIO_PROCESS, CurrentThreadId());
  return errno == 0 ? nice : 0;
}

void RunAtNice(int nice, const std::function<void()>& fn) {
  if (nice <= 0) return fn();
  std::exception_ptr failure;
  std::thread worker([&] {
    (void)SetCurrentThreadNice(nice);  // best effort: the work matters more than its priority
    try {
      fn();
    } catch (...) {
      failure = std::current_exception();
    }
  });
  worker.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace bulwark::env
