#include "jobs/schedule.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

namespace bulwark::jobs {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::seconds;

env::TimePoint At(std::string_view text) {
  auto t = ParseUtc(text);
  EXPECT_TRUE(t) << text;
  return t.value_or(env::TimePoint{});
}

std::string Next(const Schedule& s, std::string_view after) {
  auto t = s.NextRun(At(after));
  return t ? FormatUtc(*t) : "none";
}

// The first n slots after `after`.
std::vector<std::string> Slots(const Schedule& s, std::string_view after, int n) {
  std::vector<std::string> out;
  auto t = s.NextRun(At(after));
  for (int i = 0; i < n && t; ++i, t = s.NextRun(*t)) out.push_back(FormatUtc(*t));
  return out;
}

Schedule Make(std::string_view frequency, std::string_view start, int interval = 1) {
  auto s = ParseSchedule({.enabled = "true",
                          .frequency = std::string(frequency),
                          .interval = std::to_string(interval),
                          .start_date = std::string(start)},
                         At("2020-01-01T00:00:00Z"));
  EXPECT_TRUE(s) << (s ? "" : s.error().message);
  return s.value_or(Schedule{});
}

TEST(ParseUtc, ReadsDateTimeAndDateAndRoundTrips) {
  EXPECT_EQ(FormatUtc(At("2006-01-02T15:04:05Z")), "2006-01-02T15:04:05Z");
  EXPECT_EQ(FormatUtc(At("2028-02-29")), "2028-02-29T00:00:00Z");
  EXPECT_EQ(At("1970-01-01T00:00:10Z"), env::TimePoint(seconds(10)));
}

TEST(ParseUtc, RejectsOffsetsImpossibleDatesAndJunk) {
  for (const char* bad :
       {"2006-01-02T15:04:05+02:00", "2027-02-29", "2026-13-01", "2026-01-01T24:00:00Z",
        "yesterday", "", "2026-1-1", "2026-01-01T10:00Z"}) {
    auto t = ParseUtc(bad);
    ASSERT_FALSE(t) << bad;
    EXPECT_NE(t.error().message.find("2006-01-02T15:04:05Z"), std::string::npos);
  }
}

TEST(ParseSchedule, ToggleAloneMeansDailyFromNowFiringAtOnce) {
  const auto now = At("2026-03-10T08:30:15Z") + milliseconds(700);
  auto s = ParseSchedule({.enabled = "on"}, now);
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->enabled);
  EXPECT_EQ(s->frequency, Frequency::kDaily);
  EXPECT_EQ(s->interval, 1);
  EXPECT_EQ(FormatUtc(s->start_date), "2026-03-10T08:30:15Z");
  auto due = Due(*s, std::nullopt, now);
  ASSERT_TRUE(due.due);
  EXPECT_EQ(FormatUtc(*due.due), "2026-03-10T08:30:15Z");
  EXPECT_EQ(FormatUtc(*due.next), "2026-03-11T08:30:15Z");
}

TEST(ParseSchedule, AcceptsKdtNumbersNamesAndLists) {
  auto s = ParseSchedule({.enabled = "1",
                          .frequency = "3",
                          .interval = "2",
                          .days_of_week = "[fri, 1, monday]",
                          .start_date = "2026-01-05",
                          .end_date = "2026-12-31T23:59:59Z",
                          .count = "10"},
                         At("2026-01-01"));
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->frequency, Frequency::kWeekly);
  EXPECT_EQ(s->interval, 2);
  EXPECT_EQ(s->days_of_week, (std::vector<int>{1, 5}));
  EXPECT_EQ(FormatUtc(*s->end_date), "2026-12-31T23:59:59Z");
  EXPECT_EQ(s->count, 10);
}

TEST(ParseSchedule, ErrorsNameTheField) {
  const auto now = At("2026-01-01");
  struct Case {
    ScheduleInput input;
    const char* field;
  } cases[] = {
      {{.enabled = "maybe"}, "schedule.enabled:"},
      {{.frequency = "yearly"}, "schedule.frequency:"},
      {{.interval = "0"}, "schedule.interval:"},
      {{.interval = "two"}, "schedule.interval:"},
      {{.days_of_week = "1,8"}, "schedule.days_of_week:"},
      {{.frequency = "monthly", .days_of_month = "32"}, "schedule.days_of_month:"},
      {{.frequency = "weekly", .days_of_month = "1"}, "schedule.days_of_month:"},
      {{.frequency = "monthly", .days_of_week = "1"}, "schedule.days_of_week:"},
      {{.start_date = "01/02/2026"}, "schedule.start_date:"},
      {{.start_date = "2026-02-01", .end_date = "2026-01-01"}, "schedule.end_date:"},
      {{.count = "-1"}, "schedule.count:"},
      // Every 7 days from a Thursday never reaches a Monday.
      {{.frequency = "daily", .interval = "7", .days_of_week = "1", .start_date = "2026-01-01"},
       "schedule.days_of_week:"},
  };
  for (const auto& c : cases) {
    auto s = ParseSchedule(c.input, now);
    ASSERT_FALSE(s) << c.field;
    EXPECT_EQ(s.error().code, core::ErrorCode::kInvalidArgument);
    EXPECT_TRUE(s.error().message.starts_with(c.field)) << s.error().message;
  }
}

TEST(Schedule, DisabledNeverRuns) {
  Schedule s = Make("daily", "2026-01-01");
  s.enabled = false;
  EXPECT_EQ(s.NextRun(At("2026-01-01")), std::nullopt);
  auto due = Due(s, std::nullopt, At("2030-01-01"));
  EXPECT_FALSE(due.due);
  EXPECT_FALSE(due.next);
}

TEST(Schedule, HourlyWithIntervalKeepsStartPhaseAndIsStrictlyAfter) {
  Schedule s = Make("hourly", "2026-01-01T00:15:00Z", 3);
  EXPECT_EQ(Next(s, "2025-12-31T00:00:00Z"), "2026-01-01T00:15:00Z");
  EXPECT_EQ(Next(s, "2026-01-01T00:15:00Z"), "2026-01-01T03:15:00Z");
  EXPECT_EQ(Next(s, "2026-01-01T03:14:59Z"), "2026-01-01T03:15:00Z");
  EXPECT_EQ(Next(s, "2026-01-31T23:00:00Z"), "2026-02-01T00:15:00Z");
}

TEST(Schedule, DailyOnWeekdaysSkipsTheWeekend) {
  Schedule s = Make("daily", "2026-01-02T06:00:00Z");  // a Friday
  s.days_of_week = {1, 2, 3, 4, 5};
  EXPECT_EQ(Slots(s, "2026-01-01", 3),
            (std::vector<std::string>{"2026-01-02T06:00:00Z", "2026-01-05T06:00:00Z",
                                      "2026-01-06T06:00:00Z"}));
}

TEST(Schedule, DailyIntervalCountsFromStartAcrossMonthAndYearEnds) {
  Schedule s = Make("daily", "2027-12-30T12:00:00Z", 2);
  EXPECT_EQ(Slots(s, "2027-12-30T12:00:00Z", 3),
            (std::vector<std::string>{"2028-01-01T12:00:00Z", "2028-01-03T12:00:00Z",
                                      "2028-01-05T12:00:00Z"}));
  Schedule leap = Make("daily", "2028-02-28T00:00:00Z");
  EXPECT_EQ(Next(leap, "2028-02-28T00:00:00Z"), "2028-02-29T00:00:00Z");
}

TEST(Schedule, WeeklyDefaultsToTheStartWeekday) {
  Schedule s = Make("weekly", "2026-01-07T09:00:00Z");  // a Wednesday
  EXPECT_TRUE(s.days_of_week.empty());
  EXPECT_EQ(Slots(s, "2026-01-01", 3),
            (std::vector<std::string>{"2026-01-07T09:00:00Z", "2026-01-14T09:00:00Z",
                                      "2026-01-21T09:00:00Z"}));
}

TEST(Schedule, WeeklyEveryOtherWeekOnListedDaysNeverBeforeStart) {
  Schedule s = Make("weekly", "2026-01-07T09:00:00Z", 2);  // Wednesday of the week of Jan 5
  s.days_of_week = {1, 5};                                 // Monday, Friday
  // Monday Jan 5 precedes the start; Friday Jan 9 is the first slot; the week of Jan 12 is off.
  EXPECT_EQ(Slots(s, "2026-01-01", 4),
            (std::vector<std::string>{"2026-01-09T09:00:00Z", "2026-01-19T09:00:00Z",
                                      "2026-01-23T09:00:00Z", "2026-02-02T09:00:00Z"}));
  EXPECT_EQ(Next(s, "2026-01-13T00:00:00Z"), "2026-01-19T09:00:00Z");
}

TEST(Schedule, WeeklyOnSundayAcrossTheYearEnd) {
  Schedule s = Make("weekly", "2026-12-20T23:30:00Z");  // a Sunday
  s.days_of_week = {7};
  EXPECT_EQ(Slots(s, "2026-12-21", 2),
            (std::vector<std::string>{"2026-12-27T23:30:00Z", "2027-01-03T23:30:00Z"}));
}

TEST(Schedule, MonthlyOnThe31stFiresOnTheLastDayOfShortMonths) {
  Schedule s = Make("monthly", "2027-01-31T02:00:00Z");
  EXPECT_EQ(Slots(s, "2027-01-01", 5),
            (std::vector<std::string>{"2027-01-31T02:00:00Z", "2027-02-28T02:00:00Z",
                                      "2027-03-31T02:00:00Z", "2027-04-30T02:00:00Z",
                                      "2027-05-31T02:00:00Z"}));
}

TEST(Schedule, MonthlyLeapYearAndFoldedDaysFireOnce) {
  Schedule s = Make("monthly", "2028-01-01T00:00:00Z");
  s.days_of_month = {15, 29, 30, 31};
  EXPECT_EQ(Slots(s, "2028-02-01", 4),
            (std::vector<std::string>{"2028-02-15T00:00:00Z", "2028-02-29T00:00:00Z",
                                      "2028-03-15T00:00:00Z", "2028-03-29T00:00:00Z"}));
  Schedule common = Make("monthly", "2027-01-01T00:00:00Z");
  common.days_of_month = {29, 30, 31};
  EXPECT_EQ(Slots(common, "2027-02-01", 2),
            (std::vector<std::string>{"2027-02-28T00:00:00Z", "2027-03-29T00:00:00Z"}));
}

TEST(Schedule, MonthlyEveryThirdMonthAcrossTheYear) {
  Schedule s = Make("monthly", "2026-11-10T10:00:00Z", 3);
  EXPECT_EQ(Slots(s, "2026-11-10T10:00:00Z", 3),
            (std::vector<std::string>{"2027-02-10T10:00:00Z", "2027-05-10T10:00:00Z",
                                      "2027-08-10T10:00:00Z"}));
  EXPECT_EQ(Next(s, "2027-03-01"), "2027-05-10T10:00:00Z");
}

TEST(Schedule, EndDateIsInclusiveAndStopsTheSchedule) {
  Schedule s = Make("daily", "2026-01-01T10:00:00Z");
  s.end_date = At("2026-01-03T10:00:00Z");
  EXPECT_EQ(Next(s, "2026-01-02T10:00:00Z"), "2026-01-03T10:00:00Z");
  EXPECT_EQ(Next(s, "2026-01-03T10:00:00Z"), "none");
  auto due = Due(s, At("2026-01-03T10:00:00Z"), At("2026-02-01"));
  EXPECT_FALSE(due.due);
  EXPECT_FALSE(due.next);
}

TEST(Schedule, CountLimitsTheNumberOfSlots) {
  Schedule s = Make("hourly", "2026-01-01T00:00:00Z", 2);
  s.count = 3;
  EXPECT_EQ(Slots(s, "2025-12-31", 10),
            (std::vector<std::string>{"2026-01-01T00:00:00Z", "2026-01-01T02:00:00Z",
                                      "2026-01-01T04:00:00Z"}));
}

TEST(Due, NothingBeforeTheFirstSlot) {
  Schedule s = Make("daily", "2026-01-05T06:00:00Z");
  auto due = Due(s, std::nullopt, At("2026-01-05T05:59:59Z"));
  EXPECT_FALSE(due.due);
  EXPECT_EQ(FormatUtc(*due.next), "2026-01-05T06:00:00Z");
}

TEST(Due, FiresExactlyAtTheSlotAndThenWaitsForTheNext) {
  Schedule s = Make("daily", "2026-01-05T06:00:00Z");
  env::FakeClock clock(At("2026-01-05T06:00:00Z"));
  auto first = Due(s, std::nullopt, clock.Now());
  ASSERT_TRUE(first.due);
  EXPECT_EQ(first.skipped, 0);
  clock.Advance(hours(23));
  auto again = Due(s, first.due, clock.Now());
  EXPECT_FALSE(again.due);
  EXPECT_EQ(FormatUtc(*again.next), "2026-01-06T06:00:00Z");
  clock.Advance(hours(1));
  auto second = Due(s, first.due, clock.Now());
  ASSERT_TRUE(second.due);
  EXPECT_EQ(FormatUtc(*second.due), "2026-01-06T06:00:00Z");
}

TEST(Due, MissedRunsAfterDowntimeFireOnce) {
  Schedule s = Make("hourly", "2026-01-01T00:00:00Z");
  const auto last = At("2026-01-01T05:00:00Z");
  const auto now = At("2026-01-03T12:30:00Z");  // 55 slots passed while down
  auto due = Due(s, last, now);
  ASSERT_TRUE(due.due);
  EXPECT_EQ(FormatUtc(*due.due), "2026-01-03T12:00:00Z");
  EXPECT_EQ(due.skipped, 54);
  EXPECT_EQ(FormatUtc(*due.next), "2026-01-03T13:00:00Z");
  auto after = Due(s, due.due, now);
  EXPECT_FALSE(after.due);
  EXPECT_EQ(after.next, due.next);
}

TEST(Due, MissedMonthlyRunsAcrossALeapFebruaryFireOnce) {
  Schedule s = Make("monthly", "2027-12-31T00:00:00Z");
  auto due = Due(s, At("2027-12-31T00:00:00Z"), At("2028-03-01T00:00:00Z"));
  ASSERT_TRUE(due.due);
  EXPECT_EQ(FormatUtc(*due.due), "2028-02-29T00:00:00Z");
  EXPECT_EQ(due.skipped, 1);
  EXPECT_EQ(FormatUtc(*due.next), "2028-03-31T00:00:00Z");
}

TEST(Due, AMissedLastSlotBeforeTheEndStillFiresOnce) {
  Schedule s = Make("daily", "2026-01-01T00:00:00Z");
  s.end_date = At("2026-01-10T00:00:00Z");
  auto due = Due(s, At("2026-01-02T00:00:00Z"), At("2026-03-01"));
  ASSERT_TRUE(due.due);
  EXPECT_EQ(FormatUtc(*due.due), "2026-01-10T00:00:00Z");
  EXPECT_FALSE(due.next);
}

}  // namespace
}  // namespace bulwark::jobs

namespace bulwark::jobs {
namespace {

using namespace std::chrono;

// An independent oracle: walks day by day and asks whether each day holds a slot.
bool OracleDayMatches(const Schedule& s, sys_days day) {
  const sys_days start_day = floor<days>(s.start_date);
  const int wd = static_cast<int>(weekday(day).iso_encoding());
  auto listed = [](const std::vector<int>& v, int x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  };
  switch (s.frequency) {
    case Frequency::kDaily:
      return (day - start_day).count() % s.interval == 0 &&
             (s.days_of_week.empty() || listed(s.days_of_week, wd));
    case Frequency::kWeekly: {
      const sys_days week0 =
          start_day - days(static_cast<int>(weekday(start_day).iso_encoding()) - 1);
      const long weeks = (day - week0).count() / 7;
      const int start_wd = static_cast<int>(weekday(start_day).iso_encoding());
      return weeks % s.interval == 0 &&
             (s.days_of_week.empty() ? wd == start_wd : listed(s.days_of_week, wd));
    }
    case Frequency::kMonthly: {
      const year_month_day ymd(day), start_ymd(start_day);
      const int months = (static_cast<int>(ymd.year()) - static_cast<int>(start_ymd.year())) * 12 +
                         static_cast<int>(static_cast<unsigned>(ymd.month())) -
                         static_cast<int>(static_cast<unsigned>(start_ymd.month()));
      if (months % s.interval != 0) return false;
      const int last = static_cast<int>(static_cast<unsigned>(
          year_month_day_last(ymd.year(), month_day_last(ymd.month())).day()));
      const int d = static_cast<int>(static_cast<unsigned>(ymd.day()));
      std::vector<int> wanted = s.days_of_month;
      if (wanted.empty())
        wanted.push_back(static_cast<int>(static_cast<unsigned>(start_ymd.day())));
      for (int w : wanted) {
        if (std::min(w, last) == d) return true;
      }
      return false;
    }
    case Frequency::kHourly:
      return false;
  }
  return false;
}

TEST(Schedule, AgreesWithADayByDayOracleOnRandomSchedules) {
  std::mt19937 rng(20260101);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  for (int round = 0; round < 300; ++round) {
    Schedule s;
    s.enabled = true;
    s.frequency = static_cast<Frequency>(pick(2, 4));
    s.interval = pick(1, 5);
    s.start_date = sys_days(year(pick(2024, 2027)) / pick(1, 12) / pick(1, 28)) +
                   hours(pick(0, 23)) + minutes(pick(0, 59));
    std::set<int> set;
    for (int i = pick(0, 3); i > 0; --i) {
      set.insert(s.frequency == Frequency::kMonthly ? pick(25, 31) : pick(1, 7));
    }
    (s.frequency == Frequency::kMonthly ? s.days_of_month : s.days_of_week)
        .assign(set.begin(), set.end());
    if (!ValidateSchedule(s)) continue;
    const auto time_of_day = s.start_date - floor<days>(s.start_date);
    std::vector<env::TimePoint> expected, actual;
    for (sys_days day = floor<days>(s.start_date); expected.size() < 25; day += days(1)) {
      if (OracleDayMatches(s, day)) expected.push_back(day + time_of_day);
    }
    auto t = s.NextRun(s.start_date - seconds(1));
    for (size_t i = 0; i < expected.size() && t; ++i, t = s.NextRun(*t)) actual.push_back(*t);
    ASSERT_EQ(actual, expected) << FrequencyName(s.frequency) << " every " << s.interval << " from "
                                << FormatUtc(s.start_date);
    // NextRun from arbitrary moments, not only from slots.
    for (int probe = 0; probe < 20; ++probe) {
      const auto m = s.start_date - hours(30) + minutes(pick(0, 60 * 24 * 200));
      auto first_after = std::upper_bound(expected.begin(), expected.end(), m);
      if (first_after == expected.end()) continue;
      ASSERT_EQ(s.NextRun(m), *first_after)
          << FrequencyName(s.frequency) << " every " << s.interval << " from "
          << FormatUtc(s.start_date) << " after " << FormatUtc(m);
    }
    // Due agrees with NextRun at a random moment.
    const auto now = expected[10] + minutes(pick(-30, 30));
    auto due = Due(s, expected[3], now);
    ASSERT_TRUE(due.due);
    EXPECT_LE(*due.due, now);
    EXPECT_EQ(due.next, s.NextRun(now));
    EXPECT_FALSE(Due(s, due.due, now).due);
  }
}

}  // namespace
}  // namespace bulwark::jobs
