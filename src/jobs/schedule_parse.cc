// ParseSchedule / ParseUtc: text from forms, query strings and JSON bodies into a Schedule.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <chrono>

#include "jobs/schedule.h"

namespace bulwark::jobs {
namespace {

using namespace std::chrono;
using core::ErrorCode;
using env::TimePoint;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::unexpected<core::Error> Bad(std::string_view field, std::string message) {
  return std::unexpected(
      core::Error{ErrorCode::kInvalidArgument, fmt::format("schedule.{}: {}", field, message)});
}

std::optional<int> ToInt(std::string_view text) {
  text = Trim(text);
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

core::Result<bool> ParseBool(std::string_view text) {
  std::string v = Lower(Trim(text));
  if (v == "true" || v == "on" || v == "1" || v == "yes") return true;
  if (v == "false" || v == "off" || v == "0" || v == "no" || v.empty()) return false;
  return Bad("enabled", fmt::format("\"{}\" is not a switch value; use true or false", text));
}

core::Result<Frequency> ParseFrequency(std::string_view text) {
  std::string v = Lower(Trim(text));
  if (v == "hourly" || v == "1") return Frequency::kHourly;
  if (v == "daily" || v == "2") return Frequency::kDaily;
  if (v == "weekly" || v == "3") return Frequency::kWeekly;
  if (v == "monthly" || v == "4") return Frequency::kMonthly;
  return Bad(
      "frequency",
      fmt::format("unknown value \"{}\"; use hourly, daily, weekly or monthly (or 1-4)", text));
}

std::optional<int> WeekdayNumber(std::string_view item) {
  static constexpr std::array<std::string_view, 7> kNames = {"mon", "tue", "wed", "thu",
                                                             "fri", "sat", "sun"};
  std::string v = Lower(item);
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (v.size() >= 3 && v.compare(0, 3, kNames[i]) == 0) return static_cast<int>(i) + 1;
  }
  return ToInt(item);
}

// "1,3,5", "[1, 3]", "mon,wed"; an empty list is allowed.
core::Result<std::vector<int>> ParseDays(std::string_view field, std::string_view text, int max,
                                         bool names) {
  std::string_view rest = Trim(text);
  if (rest.starts_with('[') && rest.ends_with(']')) rest = Trim(rest.substr(1, rest.size() - 2));
  std::vector<int> days;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view item = Trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    std::optional<int> day = names ? WeekdayNumber(item) : ToInt(item);
    if (!day || *day < 1 || *day > max) {
      return Bad(field, fmt::format("\"{}\" is not a day; use {}", item,
                                    names ? "1 (Monday) to 7 (Sunday) or mon..sun" : "1 to 31"));
    }
    days.push_back(*day);
  }
  std::sort(days.begin(), days.end());
  days.erase(std::unique(days.begin(), days.end()), days.end());
  return days;
}

core::Result<int> ParseBounded(std::string_view field, std::string_view text, int max) {
  auto value = ToInt(text);
  if (!value || *value < 1 || *value > max) {
    return Bad(field, fmt::format("\"{}\" is not a whole number from 1 to {}", text, max));
  }
  return *value;
}

core::Result<TimePoint> ParseDate(std::string_view field, std::string_view text) {
  auto t = ParseUtc(text);
  if (!t) return Bad(field, t.error().message);
  return *t;
}

// Everything but `enabled`, which decides whether the rest matters.
core::Status ParseFields(const ScheduleInput& in, Schedule& s) {
  if (in.frequency && !Trim(*in.frequency).empty()) {
    auto f = ParseFrequency(*in.frequency);
    if (!f) return std::unexpected(f.error());
    s.frequency = *f;
  }
  if (in.interval && !Trim(*in.interval).empty()) {
    auto n = ParseBounded("interval", *in.interval, 1000);
    if (!n) return std::unexpected(n.error());
    s.interval = *n;
  }
  if (in.days_of_week) {
    auto d = ParseDays("days_of_week", *in.days_of_week, 7, true);
    if (!d) return std::unexpected(d.error());
    s.days_of_week = std::move(*d);
  }
  if (in.days_of_month) {
    auto d = ParseDays("days_of_month", *in.days_of_month, 31, false);
    if (!d) return std::unexpected(d.error());
    s.days_of_month = std::move(*d);
  }
  if (in.start_date && !Trim(*in.start_date).empty()) {
    auto t = ParseDate("start_date", *in.start_date);
    if (!t) return std::unexpected(t.error());
    s.start_date = *t;
  }
  if (in.end_date && !Trim(*in.end_date).empty()) {
    auto t = ParseDate("end_date", *in.end_date);
    if (!t) return std::unexpected(t.error());
    s.end_date = *t;
  }
  if (in.count && !Trim(*in.count).empty()) {
    auto n = ParseBounded("count", *in.count, 100'000);
    if (!n) return std::unexpected(n.error());
    s.count = *n;
  }
  return core::Ok();
}

bool TakeDigits(std::string_view& s, size_t n, int& out) {
  if (s.size() < n) return false;
  out = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    out = out * 10 + (s[i] - '0');
  }
  s.remove_prefix(n);
  return true;
}

bool TakeChar(std::string_view& s, char c) {
  if (s.empty() || s.front() != c) return false;
  s.remove_prefix(1);
  return true;
}

}  // namespace

core::Result<TimePoint> ParseUtc(std::string_view text) {
  std::string_view s = Trim(text);
  const auto bad = core::Fail(
      ErrorCode::kInvalidArgument,
      fmt::format("\"{}\" is not a UTC time; use 2006-01-02T15:04:05Z or 2006-01-02", text));
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!TakeDigits(s, 4, y) || !TakeChar(s, '-') || !TakeDigits(s, 2, mo) || !TakeChar(s, '-') ||
      !TakeDigits(s, 2, d)) {
    return bad;
  }
  if (!s.empty()) {
    if (!(TakeChar(s, 'T') || TakeChar(s, ' ')) || !TakeDigits(s, 2, h) || !TakeChar(s, ':') ||
        !TakeDigits(s, 2, mi) || !TakeChar(s, ':') || !TakeDigits(s, 2, sec) || !TakeChar(s, 'Z') ||
        !s.empty()) {
      return bad;
    }
  }
  const year_month_day ymd{year(y), month(static_cast<unsigned>(mo)),
                           day(static_cast<unsigned>(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 59) return bad;
  return TimePoint(sys_days(ymd) + hours(h) + minutes(mi) + seconds(sec));
}

core::Result<Schedule> ParseSchedule(const ScheduleInput& input, TimePoint now) {
  Schedule s;
  s.start_date = floor<seconds>(now);
  if (input.enabled) {
    auto enabled = ParseBool(*input.enabled);
    if (!enabled) return std::unexpected(enabled.error());
    s.enabled = *enabled;
  }
  if (auto status = ParseFields(input, s); !status) return std::unexpected(status.error());
  if (auto status = ValidateSchedule(s); !status) return std::unexpected(status.error());
  return s;
}

}  // namespace bulwark::jobs
