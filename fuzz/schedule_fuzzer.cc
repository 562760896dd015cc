// Fuzz target: the schedule parser (src/jobs/schedule.h) over every field as text, as forms,
// query strings and JSON bodies send it. An accepted schedule satisfies ValidateSchedule, its next
// run lies after the given instant, and the dates round-trip through FormatUtc / ParseUtc.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>

#include "jobs/schedule.h"

namespace {

std::optional<std::string> Field(FuzzedDataProvider& in) {
  if (!in.ConsumeBool()) return std::nullopt;
  return in.ConsumeRandomLengthString(40);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bulwark;
  FuzzedDataProvider in(data, size);
  jobs::ScheduleInput input;
  input.enabled = Field(in);
  input.frequency = Field(in);
  input.interval = Field(in);
  input.days_of_week = Field(in);
  input.days_of_month = Field(in);
  input.start_date = Field(in);
  input.end_date = Field(in);
  input.count = Field(in);
  const env::TimePoint now = env::TimePoint(
      std::chrono::seconds(in.ConsumeIntegralInRange<std::int64_t>(0, 4'102'444'800)));
  auto schedule = jobs::ParseSchedule(input, now);
  if (auto utc = jobs::ParseUtc(in.ConsumeRemainingBytesAsString())) {
    auto back = jobs::ParseUtc(jobs::FormatUtc(*utc));
    if (!back || std::chrono::floor<std::chrono::seconds>(*back) !=
                     std::chrono::floor<std::chrono::seconds>(*utc)) {
      std::abort();
    }
  }
  if (!schedule) {
    if (schedule.error().message.empty()) std::abort();
    return 0;
  }
  if (!jobs::ValidateSchedule(*schedule)) std::abort();
  if (auto next = schedule->NextRun(now); next && *next <= now) std::abort();
  (void)jobs::Due(*schedule, std::nullopt, now);
  return 0;
}
