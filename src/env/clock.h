// Clock: the one way Bulwark reads time and waits. Schedulers, backoff, leases and token expiry
// take a Clock& so tests advance a FakeClock instead of sleeping. Thread-safe.
#pragma once

#include <chrono>
#include <mutex>

namespace bulwark::env {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time, UTC.
  virtual TimePoint Now() const = 0;
  // Blocks the calling thread for `d` (a FakeClock advances instead of blocking).
  virtual void SleepFor(std::chrono::milliseconds d) = 0;

  // The process-wide real clock.
  static Clock& System();
};

// A clock for tests: starts at a fixed instant; SleepFor and Advance move it forward at once.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(
      TimePoint start = TimePoint(std::chrono::seconds(1'767'225'600)))  // 2026-01-01
      : now_(start) {}
  TimePoint Now() const override {
    std::lock_guard lock(mu_);
    return now_;
  }
  void SleepFor(std::chrono::milliseconds d) override { Advance(d); }
  void Advance(std::chrono::milliseconds d) {
    std::lock_guard lock(mu_);
    now_ += d;
    slept_ += d;
  }
  // Total time passed through SleepFor/Advance.
  std::chrono::milliseconds Slept() const {
    std::lock_guard lock(mu_);
    return slept_;
  }

 private:
  mutable std::mutex mu_;
  TimePoint now_;                       // guarded by mu_
  std::chrono::milliseconds slept_{0};  // guarded by mu_
};

}  // namespace bulwark::env
