#include <gtest/gtest.h>

#include <deque>

#include "env/clock.h"
#include "scanners/registry.h"
#include "scanners/xray/backoff.h"
#include "scanners/xray/url.h"
#include "scanners/xray/xray_client.h"

namespace bulwark::scanners::xray {
namespace {

using std::chrono::milliseconds;

// Found by fuzz/platform_url_fuzzer: an inner space and a non-UTF-8 byte were accepted (and the
// byte echoed into a JSON error).
TEST(NormalizePlatformUrl, RefusesSpacesControlAndNonAsciiCharacters) {
  for (std::string_view url :
       {"https://acme/\x91"
        "frog.io/xray h/",
        "https://acme.jfrog.io/a b", "https://acme.jfrog.io/\x01", "https://acme\xc3\xa9.io"}) {
    auto refused = NormalizePlatformUrl(url);
    ASSERT_FALSE(refused) << url;
    EXPECT_EQ(refused.error().code, core::ErrorCode::kInvalidArgument);
    EXPECT_NE(refused.error().message.find("percent-encode"), std::string::npos);
    EXPECT_EQ(refused.error().message.find('\x91'), std::string::npos);
  }
  EXPECT_TRUE(NormalizePlatformUrl("  https://acme.jfrog.io/xray/  "));  // surrounding blanks
}

TEST(NormalizePlatformUrl, StripsProductSuffixesAndSlashes) {
  EXPECT_EQ(*NormalizePlatformUrl("https://acme.jfrog.io/"), "https://acme.jfrog.io");
  EXPECT_EQ(*NormalizePlatformUrl("https://acme.jfrog.io/xray"), "https://acme.jfrog.io");
  EXPECT_EQ(*NormalizePlatformUrl("https://acme.jfrog.io/xray/"), "https://acme.jfrog.io");
  EXPECT_EQ(*NormalizePlatformUrl("https://acme.jfrog.io/artifactory"), "https://acme.jfrog.io");
  EXPECT_EQ(*NormalizePlatformUrl("https://acme.jfrog.io/ui/"), "https://acme.jfrog.io");
  EXPECT_EQ(*NormalizePlatformUrl(" HTTP://Host:8082/jfrog/artifactory/ui "),
            "http://host:8082/jfrog");
  EXPECT_EQ(*NormalizePlatformUrl("https://acme.jfrog.io/ui/?tab=x"), "https://acme.jfrog.io");
}

TEST(NormalizePlatformUrl, KeepsOtherPaths) {
  EXPECT_EQ(*NormalizePlatformUrl("https://h/xray-prod"), "https://h/xray-prod");
  EXPECT_EQ(*NormalizePlatformUrl("https://h/my/ui-kit"), "https://h/my/ui-kit");
}

TEST(NormalizePlatformUrl, RejectsNonHttpAndEmpty) {
  for (const char* bad : {"", "acme.jfrog.io", "ftp://acme.jfrog.io", "https://", "https:///x"}) {
    auto result = NormalizePlatformUrl(bad);
    ASSERT_FALSE(result) << bad;
    EXPECT_EQ(result.error().code, core::ErrorCode::kInvalidArgument);
    EXPECT_NE(result.error().message.find("url:"), std::string::npos);
  }
}

TEST(Backoff, GrowsExponentiallyWithinJitterBoundsAndCaps) {
  RetryPolicy policy{.initial_backoff = milliseconds(100), .max_backoff = milliseconds(1000)};
  EXPECT_EQ(BackoffDelay(policy, 1, std::nullopt, 0.0), milliseconds(50));
  EXPECT_EQ(BackoffDelay(policy, 1, std::nullopt, 1.0), milliseconds(100));
  EXPECT_EQ(BackoffDelay(policy, 3, std::nullopt, 0.0), milliseconds(200));
  EXPECT_EQ(BackoffDelay(policy, 3, std::nullopt, 1.0), milliseconds(400));
  EXPECT_EQ(BackoffDelay(policy, 10, std::nullopt, 1.0), milliseconds(1000));
}

TEST(Backoff, HonoursRetryAfterUpToItsCap) {
  RetryPolicy policy{.max_retry_after = milliseconds(5000)};
  EXPECT_EQ(BackoffDelay(policy, 1, milliseconds(3000), 0.5), milliseconds(3000));
  EXPECT_EQ(BackoffDelay(policy, 1, milliseconds(90000), 0.5), milliseconds(5000));
}

TEST(Backoff, ParsesRetryAfterSecondsAndHttpDate) {
  env::FakeClock clock;  // 2026-01-01T00:00:00Z
  EXPECT_EQ(ParseRetryAfter("7", clock.Now()), milliseconds(7000));
  EXPECT_EQ(ParseRetryAfter("Thu, 01 Jan 2026 00:00:30 GMT", clock.Now()), milliseconds(30000));
  EXPECT_EQ(ParseRetryAfter("Wed, 31 Dec 2025 00:00:30 GMT", clock.Now()), milliseconds(0));
  EXPECT_FALSE(ParseRetryAfter("soon", clock.Now()));
  EXPECT_FALSE(ParseRetryAfter("-3", clock.Now()));
}

// A transport that answers from a script and records what was asked.
class ScriptedTransport final : public env::HttpTransport {
 public:
  std::deque<env::HttpResult> script;
  std::vector<env::HttpRequest> seen;
  env::HttpResult Send(const env::HttpRequest& request) override {
    seen.push_back(request);
    if (script.empty()) return env::HttpResponse{200, {}, "{}"};
    auto next = std::move(script.front());
    script.pop_front();
    return next;
  }
};

env::HttpResponse Status(int status, env::HttpHeaders headers = {}) {
  return env::HttpResponse{status, std::move(headers), R"({"error":"busy"})"};
}

XrayClient MakeClient(ScriptedTransport& transport, env::FakeClock& clock,
                      RetryPolicy policy = {}) {
  XrayOptions options;
  options.retry = policy;
  options.jitter = [] { return 1.0; };
  return XrayClient({.url = "https://acme.jfrog.io/xray/", .access_token = "s3cret"},
                    {transport, clock}, options);
}

TEST(XrayClientSend, RetriesServerErrorsWithBackoffOnTheClock) {
  ScriptedTransport transport;
  env::FakeClock clock;
  transport.script = {Status(503), Status(502), env::HttpResponse{200, {}, "ok"}};
  auto client = MakeClient(transport, clock, {.initial_backoff = milliseconds(100)});
  auto response = client.Send({.method = "GET", .path = "/xray/api/v1/system/version"});
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->body, "ok");
  EXPECT_EQ(transport.seen.size(), 3u);
  EXPECT_EQ(clock.Slept(), milliseconds(100 + 200));
  EXPECT_EQ(transport.seen[0].url, "https://acme.jfrog.io/xray/api/v1/system/version");
}

TEST(XrayClientSend, WaitsForRetryAfterOn429) {
  ScriptedTransport transport;
  env::FakeClock clock;
  transport.script = {Status(429, {{"retry-after", "4"}}), env::HttpResponse{200, {}, "ok"}};
  auto client = MakeClient(transport, clock);
  ASSERT_TRUE(client.Send({.method = "GET", .path = "/x"}));
  EXPECT_EQ(clock.Slept(), milliseconds(4000));
}

TEST(XrayClientSend, GivesUpWithAnErrorNamingTheCall) {
  ScriptedTransport transport;
  env::FakeClock clock;
  for (int i = 0; i < 10; ++i) transport.script.push_back(Status(503));
  auto client = MakeClient(transport, clock);
  auto response =
      client.Send({.method = "POST", .path = "/xray/api/v1/reports/vulnerabilities/17?page_num=3"});
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, core::ErrorCode::kUnavailable);
  EXPECT_EQ(response.error().message,
            "xray: POST /xray/api/v1/reports/vulnerabilities/17?page_num=3 returned 503 after 5 "
            "attempts");
  EXPECT_EQ(transport.seen.size(), 5u);
}

TEST(XrayClientSend, StopsRetryingWhenTheTimeBudgetRunsOut) {
  ScriptedTransport transport;
  env::FakeClock clock;
  for (int i = 0; i < 10; ++i) transport.script.push_back(Status(503, {{"Retry-After", "20"}}));
  auto client =
      MakeClient(transport, clock, {.max_attempts = 10, .max_elapsed = milliseconds(45'000)});
  auto response = client.Send({.method = "GET", .path = "/x"});
  ASSERT_FALSE(response);
  EXPECT_EQ(transport.seen.size(), 3u);  // 0 s, 20 s, 40 s; a fourth would start at 60 s
}

TEST(XrayClientSend, RetriesDroppedConnectionsOnlyWhenSafe) {
  ScriptedTransport transport;
  env::FakeClock clock;
  auto dropped = std::unexpected(
      env::TransportError{env::TransportErrorKind::kConnectionDropped, "reset by peer"});
  transport.script = {dropped, env::HttpResponse{200, {}, "ok"}};
  auto client = MakeClient(transport, clock);
  EXPECT_TRUE(client.Send({.method = "GET", .path = "/x"}));
  transport.script = {dropped, env::HttpResponse{200, {}, "ok"}};
  auto once = client.Send({.method = "POST", .path = "/create", .retry_after_send = false});
  ASSERT_FALSE(once);
  EXPECT_EQ(once.error().code, core::ErrorCode::kUnavailable);
  EXPECT_NE(once.error().message.find("connection dropped"), std::string::npos);
}

TEST(XrayClientSend, SendsBearerTokenAndHonoursInsecure) {
  ScriptedTransport transport;
  env::FakeClock clock;
  XrayClient client({.url = "http://h", .access_token = "tok", .insecure = true},
                    {transport, clock});
  ASSERT_TRUE(client.Send({.method = "GET", .path = "/x"}));
  EXPECT_TRUE(transport.seen[0].insecure);
  bool found = false;
  for (const auto& [name, value] : transport.seen[0].headers) {
    found = found || (name == "Authorization" && value == "Bearer tok");
  }
  EXPECT_TRUE(found);
}

TEST(Expect2xx, MapsStatusesToActionableErrors) {
  auto map = [](int status, std::string body) {
    return Expect2xx(env::HttpResponse{status, {}, std::move(body)}, "xray: GET /p");
  };
  EXPECT_TRUE(map(200, "{}"));
  auto unauthorized = map(401, R"({"error":"Found invalid token"})");
  EXPECT_EQ(unauthorized.error().code, core::ErrorCode::kUnauthenticated);
  EXPECT_EQ(unauthorized.error().message,
            "xray: GET /p returned 401 (Found invalid token): token invalid or expired; "
            "regenerate it");
  auto forbidden = map(403, R"({"errors":[{"status":403,"message":"Forbidden"}]})");
  EXPECT_EQ(forbidden.error().code, core::ErrorCode::kPermissionDenied);
  EXPECT_NE(forbidden.error().message.find(kHintForbidden), std::string::npos);
  EXPECT_EQ(map(404, "").error().code, core::ErrorCode::kNotFound);
  EXPECT_EQ(map(400, "{}").error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(map(503, "down").error().code, core::ErrorCode::kUnavailable);
}

TEST(ContentPage, CheapChecksFindShapeAndTotalRows) {
  EXPECT_TRUE(LooksLikeContentPage(" {\"total_rows\":3,\"rows\":[]}\n"));
  EXPECT_FALSE(LooksLikeContentPage("{\"total_rows\":3,\"rows\":[{\"a\":"));
  EXPECT_FALSE(LooksLikeContentPage("<html></html>"));
  EXPECT_EQ(ScanTotalRows("{ \"total_rows\" : 1234, \"rows\": []}"), 1234);
  EXPECT_FALSE(ScanTotalRows("{\"rows\": []}"));
}

TEST(ScannerRegistry, CreatesBuiltinXrayAndRejectsUnknownTools) {
  ScannerRegistry registry;
  RegisterBuiltinScanners(registry);
  EXPECT_EQ(registry.Tools(), std::vector<std::string>{"jfrogxraysca"});
  ScriptedTransport transport;
  env::FakeClock clock;
  auto adapter = registry.Create("jfrogxraysca", {.url = "https://h"}, {transport, clock});
  ASSERT_TRUE(adapter);
  EXPECT_EQ((*adapter)->Tool(), "jfrogxraysca");
  auto unknown = registry.Create("snyk", {}, {transport, clock});
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("jfrogxraysca"), std::string::npos);
  EXPECT_FALSE(registry.Register("jfrogxraysca", nullptr));
}

TEST(ConnectionTest, ApiDisabledRunsNoCall) {
  ScriptedTransport transport;
  env::FakeClock clock;
  XrayClient client({.api_enabled = false}, {transport, clock});
  auto result = client.TestConnection();
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.code, "api_disabled");
  EXPECT_TRUE(transport.seen.empty());
}

}  // namespace
}  // namespace bulwark::scanners::xray
