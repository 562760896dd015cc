#include "jobs/webhook_payload.h"

#include <fmt/format.h>
#include <sodium.h>

#include <array>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "jobs/schedule.h"

namespace bulwark::jobs {
namespace {

nlohmann::json Time(const std::optional<env::TimePoint>& t) {
  return t ? nlohmann::json(FormatUtc(*t)) : nlohmann::json(nullptr);
}

nlohmann::json ScanJson(const WebhookScan& scan) {
  return {
      {"id", scan.id},
      {"tool", scan.tool},
      {"method", scan.method},
      {"branch", scan.branch},
      {"environment", scan.environment},
      {"meta_data", scan.meta_data},
      {"scan_tag", scan.scan_tag},
      {"state", scan.state},
      {"started_at", Time(scan.started_at)},
      {"finished_at", Time(scan.finished_at)},
      {"summary",
       {{"critical", scan.summary.critical},
        {"high", scan.summary.high},
        {"medium", scan.summary.medium},
        {"low", scan.summary.low},
        {"info", scan.summary.info}}},
      {"risk_score", scan.risk_score},
      {"new_findings", scan.new_findings},
      {"fixed_findings", scan.fixed_findings},
      {"links", {{"html", scan.html_link}, {"api", scan.api_link}}},
  };
}

}  // namespace

std::string_view WebhookEventName(WebhookEvent event) {
  switch (event) {
    case WebhookEvent::kScanFinished:
      return "scan.finished";
    case WebhookEvent::kScanFailed:
      return "scan.failed";
    case WebhookEvent::kPing:
      return "ping";
  }
  return "ping";
}

std::string SerializeWebhookPayload(const WebhookPayload& payload) {
  nlohmann::json body = {
      {"event", WebhookEventName(payload.event)},
      {"delivery_id", payload.delivery_id},
      {"occurred_at", FormatUtc(payload.occurred_at)},
      {"project", {{"id", payload.project_id}, {"name", payload.project_name}}},
  };
  body["scan"] = payload.scan ? ScanJson(*payload.scan) : nlohmann::json(nullptr);
  if (payload.error) {
    body["error"] = {{"code", payload.error->code}, {"message", payload.error->message}};
  }
  // Invalid UTF-8 from upstream text is replaced rather than failing the announcement.
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string NewDeliveryId() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");  // idempotent
  std::array<unsigned char, 16> b{};
  randombytes_buf(b.data(), b.size());
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  return fmt::format(
      "{:02x}{:02x}{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-"
      "{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
      b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
      b[15]);
}

}  // namespace bulwark::jobs
