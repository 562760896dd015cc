#include "jobs/schedule.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>

namespace bulwark::jobs {
namespace {

using namespace std::chrono;
using core::ErrorCode;
using env::TimePoint;

constexpr int kMaxInterval = 1000;
constexpr int kMaxCount = 100'000;
constexpr int kMaxFilterSteps = 400;  // visits every weekday reachable by an hourly/daily step

int IsoWeekday(sys_days day) { return static_cast<int>(weekday(day).iso_encoding()); }

bool DayAllowed(const std::vector<int>& days_of_week, TimePoint t) {
  if (days_of_week.empty()) return true;
  int wd = IsoWeekday(floor<days>(t));
  return std::find(days_of_week.begin(), days_of_week.end(), wd) != days_of_week.end();
}

// Hourly and daily: start + k * step, filtered by weekday.
std::optional<TimePoint> NextStepped(const Schedule& s, TimePoint after) {
  const seconds step = (s.frequency == Frequency::kHourly ? hours(1) : hours(24)) * s.interval;
  long long k = 0;
  if (after >= s.start_date) k = floor<seconds>(after - s.start_date) / step + 1;
  for (int i = 0; i < kMaxFilterSteps; ++i, ++k) {
    TimePoint t = s.start_date + step * k;
    if (DayAllowed(s.days_of_week, t)) return t;
  }
  return std::nullopt;
}

std::optional<TimePoint> NextWeekly(const Schedule& s, TimePoint after) {
  const sys_days start_day = floor<days>(s.start_date);
  const auto time_of_day = s.start_date - start_day;
  const sys_days week0 = start_day - days(IsoWeekday(start_day) - 1);
  long long w = after < week0 ? 0 : floor<days>(after - week0).count() / 7;
  w -= w % s.interval;
  std::vector<int> wds = s.days_of_week;
  if (wds.empty()) wds.push_back(IsoWeekday(start_day));
  for (int i = 0; i < 3; ++i, w += s.interval) {
    for (int wd : wds) {
      TimePoint t = week0 + days(w * 7 + wd - 1) + time_of_day;
      if (t >= s.start_date && t > after) return t;
    }
  }
  return std::nullopt;
}

int MonthIndex(TimePoint t) {
  year_month_day ymd(floor<days>(t));
  return static_cast<int>(ymd.year()) * 12 + static_cast<int>(static_cast<unsigned>(ymd.month())) -
         1;
}

std::optional<TimePoint> NextMonthly(const Schedule& s, TimePoint after) {
  const sys_days start_day = floor<days>(s.start_date);
  const auto time_of_day = s.start_date - start_day;
  const int m0 = MonthIndex(s.start_date);
  long long k = after < s.start_date ? 0 : std::max(0, MonthIndex(after) - m0);
  k -= k % s.interval;
  std::vector<int> mdays = s.days_of_month;
  if (mdays.empty()) {
    mdays.push_back(static_cast<int>(static_cast<unsigned>(year_month_day(start_day).day())));
  }
  for (int i = 0; i < 3; ++i, k += s.interval) {
    const long long index = m0 + k;
    const year_month ym{year(static_cast<int>(index / 12)),
                        month(static_cast<unsigned>(index % 12 + 1))};
    const unsigned last =
        static_cast<unsigned>(year_month_day_last(ym.year(), month_day_last(ym.month())).day());
    std::vector<unsigned> actual;
    for (int d : mdays) actual.push_back(std::min(static_cast<unsigned>(d), last));
    actual.erase(std::unique(actual.begin(), actual.end()), actual.end());
    for (unsigned d : actual) {
      TimePoint t = sys_days(ym / day(d)) + time_of_day;
      if (t >= s.start_date && t > after) return t;
    }
  }
  return std::nullopt;
}

// The first slot after `after`, ignoring end_date and count.
std::optional<TimePoint> RawNext(const Schedule& s, TimePoint after) {
  switch (s.frequency) {
    case Frequency::kHourly:
    case Frequency::kDaily:
      return NextStepped(s, after);
    case Frequency::kWeekly:
      return NextWeekly(s, after);
    case Frequency::kMonthly:
      return NextMonthly(s, after);
  }
  return std::nullopt;
}

// The last slot allowed by end_date and count; nullopt = unbounded.
std::optional<TimePoint> LastAllowed(const Schedule& s) {
  std::optional<TimePoint> limit = s.end_date;
  if (s.count) {
    std::optional<TimePoint> t = RawNext(s, s.start_date - nanoseconds(1));
    for (int i = 1; t && i < *s.count; ++i) t = RawNext(s, *t);
    if (t && (!limit || *t < *limit)) limit = t;
  }
  return limit;
}

std::optional<TimePoint> Within(std::optional<TimePoint> t, std::optional<TimePoint> limit) {
  if (t && limit && *t > *limit) return std::nullopt;
  return t;
}

}  // namespace

std::string_view FrequencyName(Frequency frequency) {
  switch (frequency) {
    case Frequency::kHourly:
      return "hourly";
    case Frequency::kDaily:
      return "daily";
    case Frequency::kWeekly:
      return "weekly";
    case Frequency::kMonthly:
      return "monthly";
  }
  return "daily";
}

std::optional<TimePoint> Schedule::NextRun(TimePoint after) const {
  if (!enabled) return std::nullopt;
  return Within(RawNext(*this, after), LastAllowed(*this));
}

DueRun Due(const Schedule& schedule, std::optional<TimePoint> last_fired, TimePoint now) {
  DueRun run;
  if (!schedule.enabled) return run;
  const auto limit = LastAllowed(schedule);
  const TimePoint cursor = last_fired ? *last_fired : schedule.start_date - nanoseconds(1);
  auto slot = Within(RawNext(schedule, cursor), limit);
  while (slot && *slot <= now) {
    if (run.due) ++run.skipped;
    run.due = slot;
    slot = Within(RawNext(schedule, *slot), limit);
  }
  run.next = slot;
  return run;
}

core::Status ValidateSchedule(const Schedule& s) {
  if (s.interval < 1 || s.interval > kMaxInterval) {
    return core::Fail(ErrorCode::kInvalidArgument,
                      fmt::format("schedule.interval: {} is out of range; use 1 to {}", s.interval,
                                  kMaxInterval));
  }
  for (int d : s.days_of_week) {
    if (d < 1 || d > 7) {
      return core::Fail(ErrorCode::kInvalidArgument,
                        fmt::format("schedule.days_of_week: {} is not a day; use 1 (Monday) to 7 "
                                    "(Sunday)",
                                    d));
    }
  }
  for (int d : s.days_of_month) {
    if (d < 1 || d > 31) {
      return core::Fail(ErrorCode::kInvalidArgument,
                        fmt::format("schedule.days_of_month: {} is not a day; use 1 to 31", d));
    }
  }
  if (!std::is_sorted(s.days_of_week.begin(), s.days_of_week.end()) ||
      std::adjacent_find(s.days_of_week.begin(), s.days_of_week.end()) != s.days_of_week.end() ||
      !std::is_sorted(s.days_of_month.begin(), s.days_of_month.end()) ||
      std::adjacent_find(s.days_of_month.begin(), s.days_of_month.end()) != s.days_of_month.end()) {
    return core::Fail(ErrorCode::kInvalidArgument,
                      "schedule.days_of_week/days_of_month: days must be sorted and unique");
  }
  if (!s.days_of_month.empty() && s.frequency != Frequency::kMonthly) {
    return core::Fail(ErrorCode::kInvalidArgument,
                      fmt::format("schedule.days_of_month: only used with frequency monthly, not "
                                  "{}; remove it or use days_of_week",
                                  FrequencyName(s.frequency)));
  }
  if (s.frequency == Frequency::kMonthly && !s.days_of_week.empty()) {
    return core::Fail(ErrorCode::kInvalidArgument,
                      "schedule.days_of_week: not used with frequency monthly; use days_of_month");
  }
  if (s.end_date && *s.end_date < s.start_date) {
    return core::Fail(ErrorCode::kInvalidArgument,
                      fmt::format("schedule.end_date: {} is before start_date {}",
                                  FormatUtc(*s.end_date), FormatUtc(s.start_date)));
  }
  if (s.count && (*s.count < 1 || *s.count > kMaxCount)) {
    return core::Fail(
        ErrorCode::kInvalidArgument,
        fmt::format("schedule.count: {} is out of range; use 1 to {}", *s.count, kMaxCount));
  }
  if (!RawNext(s, s.start_date - nanoseconds(1))) {
    return core::Fail(
        ErrorCode::kInvalidArgument,
        fmt::format("schedule.days_of_week: no listed day is ever reached every {} "
                    "{}; change the interval or the days",
                    s.interval, s.frequency == Frequency::kHourly ? "hours" : "days"));
  }
  return core::Ok();
}

std::string FormatUtc(TimePoint t) {
  const sys_days day = floor<days>(t);
  const year_month_day ymd(day);
  const hh_mm_ss<seconds> tod(floor<seconds>(t - day));
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     tod.hours().count(), tod.minutes().count(), tod.seconds().count());
}

}  // namespace bulwark::jobs
