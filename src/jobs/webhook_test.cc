#include <gtest/gtest.h>

#include <deque>
#include <nlohmann/json.hpp>

#include "jobs/schedule.h"
#include "jobs/webhook_dispatcher.h"
#include "jobs/webhook_payload.h"
#include "jobs/webhook_signature.h"

namespace bulwark::jobs {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

env::TimePoint At(std::string_view text) { return *ParseUtc(text); }

WebhookPayload FinishedPayload() {
  WebhookScan scan{.id = "42",
                   .tool = "jfrogxraysca",
                   .method = "bind",
                   .branch = "main",
                   .environment = "production",
                   .meta_data = "build 7",
                   .scan_tag = "nightly",
                   .state = "finished",
                   .started_at = At("2026-01-01T10:00:00Z"),
                   .finished_at = At("2026-01-01T10:02:30Z"),
                   .summary = {.critical = 1, .high = 2, .medium = 3, .low = 4, .info = 5},
                   .risk_score = 61.5,
                   .new_findings = 3,
                   .fixed_findings = 1,
                   .html_link = "https://bulwark.example/projects/7/scans/42",
                   .api_link = "https://bulwark.example/api/v1/scans/42"};
  return WebhookPayload{.event = WebhookEvent::kScanFinished,
                        .delivery_id = "3b241101-e2bb-4255-8caf-4136c566a962",
                        .occurred_at = At("2026-01-01T10:02:31Z"),
                        .project_id = "7",
                        .project_name = "shop \"web\"",
                        .scan = scan,
                        .error = std::nullopt};
}

TEST(WebhookPayload, SerialisesTheDocumentedShape) {
  auto json = nlohmann::json::parse(SerializeWebhookPayload(FinishedPayload()));
  EXPECT_EQ(json["event"], "scan.finished");
  EXPECT_EQ(json["delivery_id"], "3b241101-e2bb-4255-8caf-4136c566a962");
  EXPECT_EQ(json["occurred_at"], "2026-01-01T10:02:31Z");
  EXPECT_EQ(json["project"], (nlohmann::json{{"id", "7"}, {"name", "shop \"web\""}}));
  const auto& scan = json["scan"];
  EXPECT_EQ(scan["tool"], "jfrogxraysca");
  EXPECT_EQ(scan["started_at"], "2026-01-01T10:00:00Z");
  EXPECT_EQ(scan["summary"],
            (nlohmann::json{{"critical", 1}, {"high", 2}, {"medium", 3}, {"low", 4}, {"info", 5}}));
  EXPECT_EQ(scan["risk_score"], 61.5);
  EXPECT_EQ(scan["new_findings"], 3);
  EXPECT_EQ(scan["fixed_findings"], 1);
  EXPECT_EQ(scan["links"]["api"], "https://bulwark.example/api/v1/scans/42");
  EXPECT_FALSE(json.contains("error"));
}

TEST(WebhookPayload, FailedScanCarriesTheErrorAndNullTimes) {
  auto payload = FinishedPayload();
  payload.event = WebhookEvent::kScanFailed;
  payload.scan->state = "failed";
  payload.scan->finished_at.reset();
  payload.error = WebhookError{"unavailable", "xray: GET /xray/api/v1/reports/17 returned 503"};
  auto json = nlohmann::json::parse(SerializeWebhookPayload(payload));
  EXPECT_EQ(json["event"], "scan.failed");
  EXPECT_TRUE(json["scan"]["finished_at"].is_null());
  EXPECT_EQ(json["error"]["code"], "unavailable");
}

TEST(WebhookPayload, DeliveryIdsAreRandomUuidV4) {
  std::string a = NewDeliveryId(), b = NewDeliveryId();
  EXPECT_NE(a, b);
  ASSERT_EQ(a.size(), 36u);
  EXPECT_EQ(a[14], '4');
  EXPECT_NE(std::string("89ab").find(a[19]), std::string::npos);
}

TEST(WebhookSignature, MatchesRfc4231Vectors) {
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(HmacSha256Hex(std::string(131, '\xaa'),
                          "Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

// The value docs/webhooks.md's openssl and Python examples verify.
TEST(WebhookSignature, MatchesTheDocumentedOpensslExample) {
  EXPECT_EQ(SignatureHeaderValue("s3cret", 1767225600, R"({"event":"ping"})"),
            "t=1767225600,v1=3cb121816159ff15d60b105727fdd19b336c2eb78c2dc52bd355bcd51808db75");
}

TEST(WebhookSignature, SignsTimestampDotBody) {
  EXPECT_EQ(SignatureHeaderValue("s3cret", 1767225600, "{}"),
            "t=1767225600,v1=" + HmacSha256Hex("s3cret", "1767225600.{}"));
}

// A transport that answers from a script and records requests.
class ScriptedTransport final : public env::HttpTransport {
 public:
  env::HttpResult Send(const env::HttpRequest& request) override {
    requests.push_back(request);
    if (request.connect_guard) guard_verdicts.push_back(request.connect_guard("10.0.0.1"));
    auto next = script.front();
    script.pop_front();
    return next;
  }
  std::deque<env::HttpResult> script;
  std::vector<env::HttpRequest> requests;
  std::vector<std::optional<std::string>> guard_verdicts;
};

env::HttpResult Status(int status, env::HttpHeaders headers = {}, std::string body = "") {
  return env::HttpResponse{status, std::move(headers), std::move(body)};
}

struct DispatcherFixture : ::testing::Test {
  ScriptedTransport transport;
  env::FakeClock clock;
  std::unique_ptr<WebhookDispatcher> dispatcher =
      *WebhookDispatcher::Create({transport, clock, [] { return 1.0; }}, {});
  WebhookDelivery delivery{.delivery_id = "d-1",
                           .event = "scan.finished",
                           .url = "https://user:pw@hooks.example.com/T0/secret-path?token=x",
                           .secret = "s3cret",
                           .body = R"({"event":"scan.finished"})"};
};

TEST_F(DispatcherFixture, SendsSignedPostWithDocumentedHeadersAndGuard) {
  transport.script = {Status(200)};
  auto outcome = dispatcher->Deliver(delivery);
  EXPECT_EQ(outcome.state, DeliveryState::kDelivered);
  const auto& request = transport.requests.at(0);
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.body, delivery.body);
  EXPECT_EQ(request.timeout, seconds(10));
  env::HttpResponse headers{0, request.headers, ""};
  const std::string t = std::to_string(1'767'225'600);
  EXPECT_EQ(headers.Header("Content-Type"), "application/json");
  EXPECT_EQ(headers.Header("User-Agent"), WebhookUserAgent());
  EXPECT_TRUE(WebhookUserAgent().starts_with("Bulwark/"));
  EXPECT_EQ(headers.Header("X-Bulwark-Event"), "scan.finished");
  EXPECT_EQ(headers.Header("X-Bulwark-Delivery"), "d-1");
  EXPECT_EQ(headers.Header("X-Bulwark-Timestamp"), t);
  EXPECT_EQ(headers.Header("X-Bulwark-Signature"),
            "t=" + t + ",v1=" + HmacSha256Hex("s3cret", t + "." + delivery.body));
  ASSERT_EQ(transport.guard_verdicts.size(), 1u);
  EXPECT_TRUE(transport.guard_verdicts[0]);  // private addresses refused by default
}

TEST_F(DispatcherFixture, UnsignedWithoutSecret) {
  delivery.secret.clear();
  transport.script = {Status(204)};
  EXPECT_EQ(dispatcher->Deliver(delivery).state, DeliveryState::kDelivered);
  env::HttpResponse headers{0, transport.requests[0].headers, ""};
  EXPECT_FALSE(headers.Header("X-Bulwark-Signature"));
}

TEST_F(DispatcherFixture, ClassifiesStatuses) {
  struct Case {
    int status;
    DeliveryState state;
  } cases[] = {{200, DeliveryState::kDelivered}, {299, DeliveryState::kDelivered},
               {410, DeliveryState::kDisabled},  {400, DeliveryState::kFailed},
               {404, DeliveryState::kFailed},    {301, DeliveryState::kFailed},
               {408, DeliveryState::kRetry},     {429, DeliveryState::kRetry},
               {500, DeliveryState::kRetry},     {503, DeliveryState::kRetry}};
  for (const auto& c : cases) {
    transport.script = {Status(c.status)};
    auto outcome = dispatcher->Deliver(delivery);
    EXPECT_EQ(outcome.state, c.state) << c.status;
    EXPECT_EQ(outcome.status, c.status);
    EXPECT_EQ(outcome.next_attempt_at.has_value(), c.state == DeliveryState::kRetry) << c.status;
  }
}

TEST_F(DispatcherFixture, RetriesTransportFailuresButNotRefusals) {
  transport.script.push_back(
      std::unexpected(env::TransportError{env::TransportErrorKind::kTimeout, "timed out"}));
  transport.script.push_back(
      std::unexpected(env::TransportError{env::TransportErrorKind::kBlocked, "private address"}));
  auto timeout = dispatcher->Deliver(delivery);
  EXPECT_EQ(timeout.state, DeliveryState::kRetry);
  EXPECT_EQ(*timeout.next_attempt_at - clock.Now(), seconds(30));
  auto blocked = dispatcher->Deliver(delivery);
  EXPECT_EQ(blocked.state, DeliveryState::kFailed);
  EXPECT_NE(blocked.error.find("private address"), std::string::npos);
}

TEST_F(DispatcherFixture, HonoursRetryAfterAndCountsAttempts) {
  transport.script = {Status(429, {{"retry-after", "120"}})};
  delivery.attempts_made = 3;
  delivery.first_attempt_at = clock.Now() - seconds(600);
  auto outcome = dispatcher->Deliver(delivery);
  EXPECT_EQ(outcome.attempt, 4);
  EXPECT_EQ(outcome.first_attempt_at, *delivery.first_attempt_at);
  EXPECT_EQ(*outcome.next_attempt_at - clock.Now(), seconds(120));
}

TEST_F(DispatcherFixture, GivesUpWhenTheBudgetIsSpent) {
  transport.script = {Status(503)};
  delivery.attempts_made = 10;
  delivery.first_attempt_at = clock.Now() - std::chrono::hours(23) - std::chrono::minutes(59);
  auto outcome = dispatcher->Deliver(delivery);
  EXPECT_EQ(outcome.state, DeliveryState::kFailed);
  EXPECT_NE(outcome.error.find("gave up after 11 attempts"), std::string::npos) << outcome.error;
}

TEST_F(DispatcherFixture, KeepsAPrintableTruncatedSnippet) {
  transport.script = {Status(400, {}, "bad\r\nrequest " + std::string(2000, 'x'))};
  auto outcome = dispatcher->Deliver(delivery);
  EXPECT_TRUE(outcome.response_snippet.starts_with("bad  request x"));
  EXPECT_EQ(outcome.response_snippet.size(), 512u + 3u);
  EXPECT_TRUE(outcome.response_snippet.ends_with("..."));
}

TEST(RedactUrl, KeepsSchemeHostAndPortOnly) {
  EXPECT_EQ(RedactUrl("https://user:pw@hooks.example.com:8443/T0/secret?token=x"),
            "https://hooks.example.com:8443");
  EXPECT_EQ(RedactUrl("http://[::1]:9000/x"), "http://[::1]:9000");
  EXPECT_EQ(RedactUrl("garbage"), "(invalid url)");
}

TEST(ValidateWebhookUrl, AcceptsHttpAndHttpsHostsAndNamesTheFieldOtherwise) {
  EXPECT_TRUE(ValidateWebhookUrl("https://hooks.example.com/T0/x?y=1", {}));
  EXPECT_TRUE(ValidateWebhookUrl("http://hooks.example.com:8080", {}));
  EXPECT_TRUE(ValidateWebhookUrl("https://93.184.216.34/hook", {}));
  EXPECT_TRUE(ValidateWebhookUrl("http://127.0.0.1:9/x", {.allow_private_networks = true}));
  struct Case {
    const char* url;
    const char* why;
  } cases[] = {
      {"ftp://hooks.example.com/", "http:// or https://"},
      {"hooks.example.com", "http:// or https://"},
      {"https:///path", "no host"},
      {"https://hooks.example.com/a b", "spaces"},
      {"https://user:pw@hooks.example.com/", "user:password"},
      {"http://10.1.2.3/hook", "private address"},
      {"http://[::1]:8080/hook", "loopback address"},
      {"http://169.254.169.254/", "cloud metadata"},
  };
  for (const auto& c : cases) {
    auto status = ValidateWebhookUrl(c.url, {});
    ASSERT_FALSE(status) << c.url;
    EXPECT_TRUE(status.error().message.starts_with("webhook.url: ")) << status.error().message;
    EXPECT_NE(status.error().message.find(c.why), std::string::npos) << status.error().message;
    EXPECT_EQ(status.error().message.find("pw@"), std::string::npos);
  }
}

TEST(WebhookDispatcherCreate, RejectsBadNetworkSettings) {
  ScriptedTransport transport;
  env::FakeClock clock;
  auto dispatcher = WebhookDispatcher::Create({transport, clock, nullptr},
                                              {.ssrf = {.allowed_networks = {"10.0.0.0/99"}}});
  ASSERT_FALSE(dispatcher);
  EXPECT_EQ(dispatcher.error().code, core::ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace bulwark::jobs
