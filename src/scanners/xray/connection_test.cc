// "Test Connection": ping (reachability, TLS, Xray present), version, then an authenticated
// Reports call that needs Manage Reports. Redirects are never followed; one attempt per call.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "scanners/xray/xray_client.h"

namespace bulwark::scanners::xray {
namespace {

ConnectionTestResult Fail(std::string code, std::string message) {
  return ConnectionTestResult{false, std::move(code), std::move(message), std::nullopt};
}

// A transport failure as a diagnosis.
ConnectionTestResult FromTransport(const std::string& url, const core::Error& error) {
  bool tls = error.message.find("tls error") != std::string::npos;
  if (tls) {
    return Fail("tls", fmt::format("TLS certificate problem with {} ({}); {}", url, error.message,
                                   kHintTls));
  }
  return Fail("unreachable",
              fmt::format("cannot reach {} ({}); {}", url, error.message, kHintUnreachable));
}

// A redirect: the JFrog Cloud suspension page, or not an Xray API.
std::optional<ConnectionTestResult> FromRedirect(const std::string& url,
                                                 const env::HttpResponse& response) {
  if (response.status < 300 || response.status >= 400) return std::nullopt;
  auto location = response.Header("Location").value_or("");
  if (location.find("reactivate-server") != std::string::npos) {
    return Fail("suspended",
                fmt::format("the JFrog instance at {} is suspended (redirected to {}); reactivate "
                            "it in the JFrog portal",
                            url, location));
  }
  return Fail("not_xray", fmt::format("{} redirected to '{}' instead of answering the Xray API; "
                                      "use the JFrog Platform URL",
                                      url, location));
}

}  // namespace

ConnectionTestResult XrayClient::TestConnection() {
  if (!settings_.api_enabled) {
    return Fail("api_disabled",
                "API access is disabled for this integration (import-only mode); enable "
                "\"Is API Enabled\" to connect to JFrog");
  }
  if (!base_url_) return Fail("unreachable", base_url_.error().message);
  const std::string& url = *base_url_;
  XrayCall call{.method = "GET",
                .path = "/xray/api/v1/system/ping",
                .retry = false,
                .timeout = options_.test_timeout};

  auto ping = Send(call);
  if (!ping) return FromTransport(url, ping.error());
  if (auto redirect = FromRedirect(url, *ping)) return *redirect;
  auto pong = nlohmann::json::parse(ping->body, nullptr, false);
  if (ping->status != 200 || !pong.is_object() || pong.value("status", "") != "pong") {
    if (ping->status >= 500) {
      return Fail("unreachable", fmt::format("Xray at {} answered {} to ping; {}", url,
                                             ping->status, kHintUnreachable));
    }
    return Fail("not_xray", fmt::format("no JFrog Xray at {} (ping answered {}); check that the "
                                        "URL is the JFrog Platform URL and Xray is installed",
                                        url, ping->status));
  }

  std::optional<std::string> version;
  call.path = "/xray/api/v1/system/version";
  auto version_response = Send(call);
  if (!version_response) return FromTransport(url, version_response.error());
  if (auto redirect = FromRedirect(url, *version_response)) return *redirect;
  if (version_response->status == 200) {
    auto json = nlohmann::json::parse(version_response->body, nullptr, false);
    if (json.is_object() && json.contains("xray_version") && json["xray_version"].is_string()) {
      version = json["xray_version"].get<std::string>();
    }
  }

  call.method = "POST";
  call.path = "/xray/api/v1/reports?direction=asc&page_num=1&num_of_rows=1&order_by=name";
  call.body = "{}";
  auto reports = Send(call);
  if (!reports) return FromTransport(url, reports.error());
  if (auto redirect = FromRedirect(url, *reports)) return *redirect;
  ConnectionTestResult result;
  result.xray_version = version;
  switch (reports->status) {
    case 200:
      result.ok = true;
      result.code = "ok";
      result.message = fmt::format("connected to JFrog Xray {} at {}; the token may manage reports",
                                   version.value_or("(version hidden)"), url);
      return result;
    case 401:
      result.code = "unauthorized";
      result.message = fmt::format("Xray rejected the access token (401 {}); {}",
                                   ServerMessage(reports->body), kHintUnauthorized);
      return result;
    case 403:
      result.code = "forbidden";
      result.message = fmt::format("Xray refused the Reports API (403 {}); {}",
                                   ServerMessage(reports->body), kHintForbidden);
      return result;
    case 404:
      result.code = "not_xray";
      result.message = fmt::format(
          "the Xray Reports API is missing at {} (404); Xray 3.8 or "
          "later is needed",
          url);
      return result;
    default:
      result.code = "unreachable";
      result.message = fmt::format("Xray at {} answered {} to the Reports API ({}); {}", url,
                                   reports->status, ServerMessage(reports->body), kHintUnreachable);
      return result;
  }
}

}  // namespace bulwark::scanners::xray
