// CPU priority of the calling thread. Background work (import parsing, the findings lifecycle of
// a scan) runs at a lower priority than request handling, so that on a busy machine the HTTP
// threads get the CPU first and imports take what is left (docs/operations.md, "Background
// priority"). Linux keeps a nice value per thread; elsewhere this reports kUnavailable.
//
// A thread may always lower its own priority; raising it again needs privileges
// (CAP_SYS_NICE or RLIMIT_NICE), so work that must end at the normal priority runs on a thread of
// its own (RunAtNice).
#pragma once

#include <functional>

#include "core/error.h"

namespace bulwark::env {

// The highest nice value (the lowest priority) Linux accepts.
inline constexpr int kMaxNice = 19;

// Sets the calling thread's nice value to `nice` (0 = normal .. kMaxNice). kInvalidArgument
// outside that range; kPermissionDenied when it would raise the priority without the privilege.
core::Status SetCurrentThreadNice(int nice);

// The calling thread's nice value.
int CurrentThreadNice();

// Runs `fn` on a new thread at `nice` and waits for it; runs it on the calling thread when `nice`
// is 0. `fn` still runs (at the caller's priority) when the nice value cannot be set.
void RunAtNice(int nice, const std::function<void()>& fn);

}  // namespace bulwark::env
