// /api/v1/projects/{id}/scanners: a project's scanner configurations (JFrog Xray SCA: repository
// key, branch, path patterns, meta data, scan tag, schedule, webhook). Every field is checked
// here and errors name it ("scanner.repository_key: required"); the webhook secret is sealed and
// answered only as `secret_set`; the schedule's next run is computed and shown.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "http/audit.h"
#include "http/auth.h"
#include "http/errors.h"
#include "http/request_json.h"
#include "http/routes.h"
#include "jobs/schedule.h"
#include "jobs/scheduler.h"
#include "jobs/webhook_dispatcher.h"

namespace bulwark::http {
namespace {

using core::ErrorCode;
using nlohmann::json;

const std::vector<std::string>& Environments() {
  static const std::vector<std::string> e = {"production", "staging", "develop", "feature"};
  return e;
}

// One schedule field as parser text: strings as they are, numbers and booleans spelled out,
// arrays joined with commas; nullopt for absent or null. Objects and nested arrays are refused.
core::Result<std::optional<std::string>> ScheduleText(const JsonFields& f, const json& obj,
                                                      std::string_view field) {
  auto it = obj.find(std::string(field));
  if (it == obj.end() || it->is_null()) return std::optional<std::string>();
  auto scalar = [](const json& v) -> std::optional<std::string> {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
    if (v.is_number()) return v.dump();  // 1.5: refused by the parser with the value named
    return std::nullopt;
  };
  if (it->is_array()) {
    std::vector<std::string> items;
    for (const json& item : *it) {
      auto text = scalar(item);
      if (!text) return std::unexpected(f.FieldError(field, "items must be numbers or strings"));
      items.push_back(*text);
    }
    return std::optional<std::string>(fmt::format("{}", fmt::join(items, ",")));
  }
  auto text = scalar(*it);
  if (!text) return std::unexpected(f.FieldError(field, "must be a string, number or list"));
  return std::optional<std::string>(*text);
}

// The schedule object of a scanner: kdt's api_rrule fields (enabled, frequency, interval,
// days_of_week, days_of_month, start_date, end_date, count); "recurrence" and "days" are
// accepted as older names of frequency and days_of_week. It replaces the stored schedule.
core::Status ApplySchedule(const JsonFields& parent, const json& obj, storage::Time created_at,
                           storage::Schedule& out) {
  JsonFields f(obj, parent.prefix() + ".schedule");
  jobs::ScheduleInput in;
  struct Field {
    std::string_view name;
    std::optional<std::string>* target;
  };
  for (Field field :
       {Field{"enabled", &in.enabled}, Field{"recurrence", &in.frequency},
        Field{"frequency", &in.frequency}, Field{"interval", &in.interval},
        Field{"days", &in.days_of_week}, Field{"days_of_week", &in.days_of_week},
        Field{"days_of_month", &in.days_of_month}, Field{"start_date", &in.start_date},
        Field{"end_date", &in.end_date}, Field{"count", &in.count}}) {
    auto text = ScheduleText(f, obj, field.name);
    if (!text) return std::unexpected(text.error());
    if (*text) *field.target = std::move(*text);
  }
  const auto anchor = std::chrono::floor<std::chrono::seconds>(created_at);
  if (!in.start_date || in.start_date->empty()) in.start_date = jobs::FormatUtc(anchor);
  auto parsed = jobs::ParseSchedule(in, anchor);
  if (!parsed) {
    return core::Fail(ErrorCode::kInvalidArgument, parent.prefix() + "." + parsed.error().message);
  }
  storage::Schedule s;
  s.enabled = parsed->enabled;
  if (s.enabled || (in.frequency && !in.frequency->empty())) {
    s.recurrence = std::string(jobs::FrequencyName(parsed->frequency));
  }
  s.interval = parsed->interval;
  static constexpr std::string_view kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  for (int d : parsed->days_of_week) s.days.emplace_back(kDays[d - 1]);
  s.days_of_month = parsed->days_of_month;
  if (parsed->start_date != anchor) s.start_at = parsed->start_date;
  s.end_at = parsed->end_date;
  s.count = parsed->count;
  out = s;
  return core::Ok();
}

core::Status ApplyWebhook(ApiContext& ctx, const JsonFields& parent, const json& obj,
                          storage::ScannerConfig& c) {
  JsonFields f(obj, parent.prefix() + ".webhook");
  auto url = f.OptString("url");
  if (!url) return std::unexpected(url.error());
  auto secret = f.OptString("secret");
  if (!secret) return std::unexpected(secret.error());
  if (!*url || (*url)->empty()) {
    c.webhook_url.clear();
    c.sealed_webhook_secret.clear();
    return core::Ok();
  }
  if (auto st = jobs::ValidateWebhookUrl(**url, ctx.webhook_policy); !st) {
    return core::Fail(ErrorCode::kInvalidArgument, parent.prefix() + "." + st.error().message);
  }
  if (**url != c.webhook_url && !*secret) c.sealed_webhook_secret.clear();
  c.webhook_url = **url;
  if (*secret) {
    if ((*secret)->empty()) {
      c.sealed_webhook_secret.clear();
    } else {
      if (!ctx.secret_key) {
        return core::Fail(ErrorCode::kUnavailable, "the server has no secret key to seal secrets");
      }
      c.sealed_webhook_secret = env::Seal(*ctx.secret_key, **secret);
    }
  }
  return core::Ok();
}

core::Status ApplyStrings(const JsonFields& f, storage::ScannerConfig& c) {
  struct Text {
    std::string_view field;
    std::string* target;
  };
  for (Text t : {Text{"meta_data", &c.meta_data}, Text{"scan_tag", &c.scan_tag}}) {
    auto v = f.OptString(t.field);
    if (!v) return std::unexpected(v.error());
    if (*v) *t.target = **v;
  }
  for (auto [field, target] : {std::pair{"include_patterns", &c.include_patterns},
                               std::pair{"exclude_patterns", &c.exclude_patterns}}) {
    auto v = f.OptStrings(field);
    if (!v) return std::unexpected(v.error());
    if (*v) *target = **v;
  }
  auto environment = f.OptString("environment");
  if (!environment) return std::unexpected(environment.error());
  if (*environment) {
    const auto& known = Environments();
    if (!(*environment)->empty() &&
        std::find(known.begin(), known.end(), **environment) == known.end()) {
      return std::unexpected(f.FieldError(
          "environment", "must be one of production, staging, develop, feature (or empty)"));
    }
    c.environment = **environment;
  }
  return core::Ok();
}

// Applies `body` over `c`. When creating, tool, repository_key and branch are required.
core::Status ApplyScanner(ApiContext& ctx, const json& body, bool creating,
                          storage::ScannerConfig& c) {
  JsonFields f(body, "scanner");
  for (auto [field, target] :
       {std::pair{"tool", &c.tool}, std::pair{"repository_key", &c.repository_key},
        std::pair{"branch", &c.branch}}) {
    if (!creating && !f.Has(field)) continue;
    auto v = f.RequiredString(field);
    if (!v) return std::unexpected(v.error());
    *target = *v;
  }
  if (c.tool != "jfrogxraysca") {
    return std::unexpected(f.FieldError("tool", "unknown tool; known: jfrogxraysca"));
  }
  if (auto st = ApplyStrings(f, c); !st) return st;
  auto schedule = f.OptObject("schedule");
  if (!schedule) return std::unexpected(schedule.error());
  if (*schedule) {
    if (auto st = ApplySchedule(f, **schedule, c.created_at, c.schedule); !st) return st;
  }
  if (f.Has("webhook") && !body.at("webhook").is_object()) {
    return std::unexpected(f.FieldError("webhook", "must be an object {url, secret} or null"));
  }
  if (body.contains("webhook")) {
    const json& hook = body.at("webhook").is_null() ? json::object() : body.at("webhook");
    if (auto st = ApplyWebhook(ctx, f, hook, c); !st) return st;
  }
  return core::Ok();
}

// The next run as the scheduler stored it (null when the schedule is off or has ended).
json NextRunJson(ApiContext& ctx, const storage::ScannerConfig& c) {
  if (!c.schedule.enabled) return nullptr;
  auto slot = ctx.store.ScheduleSlots().Get(c.id);
  if (!slot || !slot->next_run_at) return nullptr;
  return jobs::FormatUtc(*slot->next_run_at);
}

json ScheduleJson(ApiContext& ctx, const storage::ScannerConfig& c) {
  const storage::Schedule& s = c.schedule;
  auto parsed = jobs::ScheduleOf(c);
  json days_of_week = json::array();
  if (parsed) days_of_week = parsed->days_of_week;
  auto time = [](const std::optional<storage::Time>& t) -> json {
    return t ? json(jobs::FormatUtc(*t)) : json(nullptr);
  };
  return {{"enabled", s.enabled},
          {"frequency", s.recurrence},
          {"recurrence", s.recurrence},
          {"interval", s.interval},
          {"days_of_week", days_of_week},
          {"days", s.days},
          {"days_of_month", s.days_of_month},
          {"start_date", parsed ? json(jobs::FormatUtc(parsed->start_date)) : time(s.start_at)},
          {"end_date", time(s.end_at)},
          {"count", s.count ? json(*s.count) : json(nullptr)},
          {"next_run_at", NextRunJson(ctx, c)}};
}

json ScannerJson(ApiContext& ctx, const storage::ScannerConfig& c) {
  json schedule = ScheduleJson(ctx, c);
  json webhook = nullptr;
  if (!c.webhook_url.empty()) {
    webhook = {{"url", c.webhook_url}, {"secret_set", !c.sealed_webhook_secret.empty()}};
  }
  return {{"id", c.id},
          {"project_id", c.project_id},
          {"tool", c.tool},
          {"environment", c.environment},
          {"repository_key", c.repository_key},
          {"branch", c.branch},
          {"include_patterns", c.include_patterns},
          {"exclude_patterns", c.exclude_patterns},
          {"meta_data", c.meta_data},
          {"scan_tag", c.scan_tag},
          {"schedule", schedule},
          {"webhook", webhook},
          {"created_at", IsoTime(c.created_at)}};
}

// Stores when the schedule fires next (a slot due now counts: it fires on the next tick), so the
// scanner JSON shows it before the scheduler's next pass.
core::Status StoreNextRun(storage::Repositories& repos, const storage::ScannerConfig& c,
                          storage::Time now) {
  std::optional<storage::Time> next;
  if (c.schedule.enabled) {
    if (auto schedule = jobs::ScheduleOf(c)) {
      auto slot = repos.ScheduleSlots().Get(c.id);
      if (!slot) return std::unexpected(slot.error());
      const jobs::DueRun due = jobs::Due(*schedule, slot->last_fired_at, now);
      next = due.due ? due.due : due.next;
    }
  }
  return repos.ScheduleSlots().SetNextRun(c.id, next, "");
}

// The scanner {sid} of project {id}; kNotFound when either is absent or they do not match.
core::Result<storage::ScannerConfig> Lookup(ApiContext& ctx, const httplib::Request& req) {
  auto pid = PathId(req.matches[1], "project");
  if (!pid) return std::unexpected(pid.error());
  auto sid = PathId(req.matches[2], "scanner");
  if (!sid) return std::unexpected(sid.error());
  auto c = ctx.store.ScannerConfigs().Get(*sid);
  if (!c || c->project_id != *pid) {
    if (c || c.error().code == ErrorCode::kNotFound) {
      return core::Fail(ErrorCode::kNotFound,
                        fmt::format("scanner {} not found in project {}", *sid, *pid));
    }
  }
  return c;
}

void HandleCreate(ApiContext& ctx, const httplib::Request& req, httplib::Response& res,
                  const Principal& who) {
  auto pid = PathId(req.matches[1], "project");
  if (!pid) return WriteError(res, pid.error());
  if (auto p = ctx.store.Projects().Get(*pid); !p) return WriteError(res, p.error());
  auto body = ParseJsonObject(req);
  if (!body) return WriteError(res, body.error());
  storage::ScannerConfig c;
  c.project_id = *pid;
  c.created_at = std::chrono::floor<std::chrono::seconds>(ctx.clock.Now());
  if (auto st = ApplyScanner(ctx, *body, true, c); !st) return WriteError(res, st.error());
  auto st =
      AuditedChange(ctx, who, res, "scanner.create",
                    [&](storage::Repositories& repos, storage::AuditEntry& e) -> core::Status {
                      auto created = repos.ScannerConfigs().Create(c);
                      if (!created) return std::unexpected(created.error());
                      c = *created;
                      e.target_type = "scanner";
                      e.target_id = std::to_string(c.id);
                      e.detail = fmt::format("project {} {} {}", c.project_id, c.tool, c.branch);
                      return StoreNextRun(repos, c, ctx.clock.Now());
                    });
  if (!st) return WriteError(res, st.error());
  WriteJson(res, 201, ScannerJson(ctx, c));
}

void HandleList(ApiContext& ctx, const httplib::Request& req, httplib::Response& res) {
  auto pid = PathId(req.matches[1], "project");
  if (!pid) return WriteError(res, pid.error());
  if (auto p = ctx.store.Projects().Get(*pid); !p) return WriteError(res, p.error());
  json items = json::array();
  for (storage::PageRequest page{1000, ""};;) {
    auto listed = ctx.store.ScannerConfigs().List({*pid, "", "", "", ""}, page);
    if (!listed) return WriteError(res, listed.error());
    for (const auto& c : listed->items) items.push_back(ScannerJson(ctx, c));
    if (listed->next_cursor.empty()) break;
    page.cursor = listed->next_cursor;
  }
  WriteJson(res, 200, {{"scanners", items}});
}

void HandlePatch(ApiContext& ctx, const httplib::Request& req, httplib::Response& res,
                 const Principal& who) {
  auto c = Lookup(ctx, req);
  if (!c) return WriteError(res, c.error());
  auto body = ParseJsonObject(req);
  if (!body) return WriteError(res, body.error());
  if (auto st = ApplyScanner(ctx, *body, false, *c); !st) return WriteError(res, st.error());
  auto st =
      AuditedChange(ctx, who, res, "scanner.update",
                    [&](storage::Repositories& repos, storage::AuditEntry& e) -> core::Status {
                      e.target_type = "scanner";
                      e.target_id = std::to_string(c->id);
                      if (auto st = repos.ScannerConfigs().Update(*c); !st) return st;
                      return StoreNextRun(repos, *c, ctx.clock.Now());
                    });
  if (!st) return WriteError(res, st.error());
  WriteJson(res, 200, ScannerJson(ctx, *c));
}

}  // namespace

void RegisterScannerRoutes(httplib::Server& svr, ApiContext& ctx) {
  using storage::Role;
  const std::string all = R"(/api/v1/projects/(\d+)/scanners)";
  const std::string one = R"(/api/v1/projects/(\d+)/scanners/(\d+))";
  svr.Post(all, Authorized(ctx, Role::kMember,
                           [&ctx](const httplib::Request& req, httplib::Response& res,
                                  const Principal& who) { HandleCreate(ctx, req, res, who); }));
  svr.Get(all, Authorized(ctx, Role::kViewer,
                          [&ctx](const httplib::Request& req, httplib::Response& res,
                                 const Principal&) { HandleList(ctx, req, res); }));
  svr.Get(one,
          Authorized(ctx, Role::kViewer,
                     [&ctx](const httplib::Request& req, httplib::Response& res, const Principal&) {
                       auto c = Lookup(ctx, req);
                       if (!c) return WriteError(res, c.error());
                       WriteJson(res, 200, ScannerJson(ctx, *c));
                     }));
  svr.Patch(one, Authorized(ctx, Role::kMember,
                            [&ctx](const httplib::Request& req, httplib::Response& res,
                                   const Principal& who) { HandlePatch(ctx, req, res, who); }));
  svr.Delete(
      one, Authorized(
               ctx, Role::kMember,
               [&ctx](const httplib::Request& req, httplib::Response& res, const Principal& who) {
                 auto c = Lookup(ctx, req);
                 if (!c) return WriteError(res, c.error());
                 auto st = AuditedChange(ctx, who, res, "scanner.delete",
                                         [&](storage::Repositories& repos, storage::AuditEntry& e) {
                                           e.target_type = "scanner";
                                           e.target_id = std::to_string(c->id);
                                           return repos.ScannerConfigs().Delete(c->id);
                                         });
                 if (!st) return WriteError(res, st.error());
                 res.status = 204;
               }));
}

}  // namespace bulwark::http
