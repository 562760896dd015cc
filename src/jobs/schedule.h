// Schedule: when a scanner configuration runs on its own. A value type with the fields of kdt's
// `api_rrule` (enabled, frequency, interval, days of week, days of month, start and end date,
// count), parsed and checked once where it enters (ParseSchedule), and pure functions that turn
// it into fire times. All times are UTC; there is no daylight saving, so a day is 86 400 s.
//
// Slots. The start date fixes the time of day and the phase of the interval:
//   hourly  every `interval` hours from start (on days_of_week only, when given);
//   daily   every `interval` days from start at start's time of day (days_of_week filters);
//   weekly  every `interval`-th week (weeks begin Monday, counted from start's week) on each of
//           days_of_week; with no days it fires on start's weekday;
//   monthly every `interval`-th month (counted from start's month) on each of days_of_month;
//           with no days it fires on start's day of month. A day past the end of a short month
//           (29-31) fires on that month's last day, once even if several listed days fold onto
//           it (31 in April fires on the 30th; 29, 30, 31 in February 2027 fire once on the 28th).
// No slot precedes start; none follows end_date (inclusive); with `count` the count-th slot is
// the last.
//
// Missed runs: the scheduler stores the slot it last fired; Due() then returns at most one due
// slot however many passed while the server was down, plus the next slot after now to store.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "env/clock.h"

namespace bulwark::jobs {

enum class Frequency { kHourly = 1, kDaily = 2, kWeekly = 3, kMonthly = 4 };  // kdt's numbers

std::string_view FrequencyName(Frequency frequency);  // "hourly", "daily", ...

struct Schedule {
  bool enabled = false;
  Frequency frequency = Frequency::kDaily;
  int interval = 1;                // 1..1000
  std::vector<int> days_of_week;   // 1 = Monday .. 7 = Sunday; sorted, unique
  std::vector<int> days_of_month;  // 1..31; sorted, unique; monthly only
  env::TimePoint start_date;       // whole seconds
  std::optional<env::TimePoint> end_date;
  std::optional<int> count;  // at most this many slots in total, 1..100000

  // The first slot strictly after `after`; nullopt when disabled or no slot remains.
  std::optional<env::TimePoint> NextRun(env::TimePoint after) const;

  friend bool operator==(const Schedule&, const Schedule&) = default;
};

// Checks the invariants above; the error names the field ("schedule.interval: ...").
core::Status ValidateSchedule(const Schedule& schedule);

// The schedule as it arrives from a form, a query string or a JSON body: every field optional
// text. Accepted spellings: enabled true/false/on/off/1/0; frequency hourly|daily|weekly|monthly
// or kdt's 1..4; days_of_week "1,3,5" or "mon,wed,fri"; days_of_month "1,15,31"; dates
// "2006-01-02T15:04:05Z" or "2006-01-02" (midnight UTC).
struct ScheduleInput {
  std::optional<std::string> enabled{};
  std::optional<std::string> frequency{};
  std::optional<std::string> interval{};
  std::optional<std::string> days_of_week{};
  std::optional<std::string> days_of_month{};
  std::optional<std::string> start_date{};
  std::optional<std::string> end_date{};
  std::optional<std::string> count{};
};

// Parses and validates. Defaults: enabled with nothing else set means daily, interval 1,
// starting at `now` (truncated to the second), so the first run is due at once.
core::Result<Schedule> ParseSchedule(const ScheduleInput& input, env::TimePoint now);

// Outcome of one scheduler poll.
struct DueRun {
  std::optional<env::TimePoint> due;   // the slot to fire now: the latest one <= now not fired
  int skipped = 0;                     // older unfired slots folded into `due` (downtime)
  std::optional<env::TimePoint> next;  // the first slot after now: store and show it
};

// `last_fired` is the slot recorded when the schedule last fired (nullopt: never). Fires at most
// once per call, whatever the downtime.
DueRun Due(const Schedule& schedule, std::optional<env::TimePoint> last_fired, env::TimePoint now);

// "2006-01-02T15:04:05Z", and its parser (also accepts "2006-01-02").
std::string FormatUtc(env::TimePoint t);
core::Result<env::TimePoint> ParseUtc(std::string_view text);

}  // namespace bulwark::jobs
