// Real webhooks over loopback: the curl transport, the dispatcher and a real receiver on
// 127.0.0.1 port 0. The queue's part (store the outcome, come back at next_attempt_at) is played
// by DeliverUntilSettled with a fake clock, so retries do not wait in real time.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "jobs/webhook_dispatcher.h"
#include "jobs/webhook_payload.h"
#include "test/fakes/webhook_receiver/webhook_receiver.h"

namespace bulwark::jobs {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::WebhookReceiver;

constexpr char kSecret[] = "whsec-loopback";

// Records every address the connect guard is asked about, then defers to it.
class GuardRecordingTransport final : public env::HttpTransport {
 public:
  explicit GuardRecordingTransport(env::HttpTransport& inner) : inner_(inner) {}
  env::HttpResult Send(const env::HttpRequest& request) override {
    env::HttpRequest copy = request;
    if (request.connect_guard) {
      copy.connect_guard = [this, guard = request.connect_guard](std::string_view ip) {
        auto verdict = guard(ip);
        std::lock_guard lock(mu_);
        checked.emplace_back(std::string(ip), verdict.has_value());
        return verdict;
      };
    }
    return inner_.Send(copy);
  }
  std::mutex mu_;
  std::vector<std::pair<std::string, bool>> checked;  // address, refused

 private:
  env::HttpTransport& inner_;
};

struct Loopback : ::testing::Test {
  std::unique_ptr<env::HttpTransport> curl = env::MakeCurlTransport();
  GuardRecordingTransport transport{*curl};
  env::FakeClock clock;
  WebhookReceiver receiver{kSecret};

  std::unique_ptr<WebhookDispatcher> MakeDispatcher(WebhookSettings settings) {
    auto made = WebhookDispatcher::Create({transport, clock, [] { return 0.5; }}, settings);
    EXPECT_TRUE(made);
    return std::move(*made);
  }
  std::unique_ptr<WebhookDispatcher> Allowed() {
    return MakeDispatcher({.ssrf = {.allow_private_networks = true}});
  }

  WebhookDelivery Delivery(std::string url) {
    WebhookPayload payload{
        .event = WebhookEvent::kScanFinished,
        .delivery_id = NewDeliveryId(),
        .occurred_at = clock.Now(),
        .project_id = "1",
        .project_name = "shop",
        .scan = WebhookScan{.id = "9", .tool = "jfrogxraysca", .state = "finished"},
        .error = std::nullopt};
    return {.delivery_id = payload.delivery_id,
            .event = "scan.finished",
            .url = std::move(url),
            .secret = kSecret,
            .body = SerializeWebhookPayload(payload)};
  }

  // What the durable queue does: attempt, store, wait until next_attempt_at, attempt again.
  std::vector<DeliveryOutcome> DeliverUntilSettled(const WebhookDispatcher& dispatcher,
                                                   WebhookDelivery delivery) {
    std::vector<DeliveryOutcome> outcomes;
    for (int i = 0; i < 20; ++i) {
      outcomes.push_back(dispatcher.Deliver(delivery));
      const auto& last = outcomes.back();
      if (last.state != DeliveryState::kRetry) break;
      delivery.attempts_made = last.attempt;
      delivery.first_attempt_at = last.first_attempt_at;
      clock.Advance(std::chrono::duration_cast<milliseconds>(*last.next_attempt_at - clock.Now()));
    }
    return outcomes;
  }
};

TEST_F(Loopback, DeliversASignatureTheReceiverVerifies) {
  auto dispatcher = Allowed();
  auto delivery = Delivery(receiver.Url());
  auto outcome = dispatcher->Deliver(delivery);
  EXPECT_EQ(outcome.state, DeliveryState::kDelivered) << outcome.error;
  EXPECT_EQ(outcome.status, 204);
  auto requests = receiver.Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_TRUE(requests[0].signature_valid) << requests[0].signature_problem;
  EXPECT_EQ(requests[0].body, delivery.body);
  EXPECT_EQ(requests[0].headers["content-type"], "application/json");
  EXPECT_EQ(requests[0].headers["x-bulwark-event"], "scan.finished");
  EXPECT_EQ(requests[0].headers["x-bulwark-delivery"], delivery.delivery_id);
  EXPECT_TRUE(requests[0].headers["user-agent"].starts_with("Bulwark/"));
  EXPECT_EQ(nlohmann::json::parse(requests[0].body)["project"]["name"], "shop");
  EXPECT_EQ(receiver.Accepted(), 1);
}

TEST_F(Loopback, AWrongSecretFailsVerification) {
  auto dispatcher = Allowed();
  auto delivery = Delivery(receiver.Url());
  delivery.secret = "another-secret";
  EXPECT_EQ(dispatcher->Deliver(delivery).state, DeliveryState::kDelivered);
  EXPECT_EQ(receiver.Requests().at(0).signature_problem, "mismatch");
  EXPECT_EQ(receiver.Accepted(), 0);
}

TEST_F(Loopback, RetriesAServerErrorBurstHonouringRetryAfterThenSucceedsOnce) {
  receiver.FailNext(3, 503, "7");
  auto dispatcher = Allowed();
  auto outcomes = DeliverUntilSettled(*dispatcher, Delivery(receiver.Url()));
  ASSERT_EQ(outcomes.size(), 4u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(outcomes[i].state, DeliveryState::kRetry);
    EXPECT_EQ(outcomes[i].status, 503);
    EXPECT_EQ(*outcomes[i].next_attempt_at - outcomes[i].attempted_at, seconds(7));
    EXPECT_NE(outcomes[i].response_snippet.find("receiver fault 503  details"), std::string::npos);
  }
  EXPECT_EQ(outcomes[3].state, DeliveryState::kDelivered);
  EXPECT_EQ(outcomes[3].attempt, 4);
  EXPECT_EQ(receiver.Requests().size(), 4u);
  EXPECT_EQ(receiver.Accepted(), 1);
}

TEST_F(Loopback, BackoffWithoutRetryAfterFollowsTheCurve) {
  receiver.FailNext(2, 500);
  auto dispatcher = Allowed();
  auto outcomes = DeliverUntilSettled(*dispatcher, Delivery(receiver.Url()));
  ASSERT_EQ(outcomes.size(), 3u);
  EXPECT_EQ(*outcomes[0].next_attempt_at - outcomes[0].attempted_at, seconds(15));  // 0.5 * 30 s
  EXPECT_EQ(*outcomes[1].next_attempt_at - outcomes[1].attempted_at, seconds(30));  // 0.5 * 60 s
  EXPECT_EQ(receiver.Accepted(), 1);
}

TEST_F(Loopback, APermanentClientErrorStopsAtOnce) {
  receiver.AnswerAlways(422);
  auto dispatcher = Allowed();
  auto outcomes = DeliverUntilSettled(*dispatcher, Delivery(receiver.Url()));
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].state, DeliveryState::kFailed);
  EXPECT_EQ(outcomes[0].status, 422);
  EXPECT_EQ(receiver.Requests().size(), 1u);
}

TEST_F(Loopback, GoneDisablesTheWebhook) {
  receiver.AnswerAlways(410);
  auto dispatcher = Allowed();
  auto outcomes = DeliverUntilSettled(*dispatcher, Delivery(receiver.Url()));
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].state, DeliveryState::kDisabled);
}

TEST_F(Loopback, ADroppedConnectionIsRetriedAndAcceptedOnce) {
  receiver.DropNext(1);
  auto dispatcher = Allowed();
  auto outcomes = DeliverUntilSettled(*dispatcher, Delivery(receiver.Url()));
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_EQ(outcomes[0].state, DeliveryState::kRetry);
  EXPECT_NE(outcomes[0].error.find("connection dropped"), std::string::npos) << outcomes[0].error;
  EXPECT_EQ(outcomes[1].state, DeliveryState::kDelivered);
  EXPECT_EQ(receiver.Accepted(), 1);
}

TEST_F(Loopback, ASlowReceiverTimesOutIsRetriedAndCountsOncePerDeliveryId) {
  receiver.HoldNext(1);
  auto dispatcher =
      MakeDispatcher({.ssrf = {.allow_private_networks = true}, .timeout = milliseconds(300)});
  auto delivery = Delivery(receiver.Url());
  auto first = dispatcher->Deliver(delivery);
  EXPECT_EQ(first.state, DeliveryState::kRetry);
  EXPECT_NE(first.error.find("timeout"), std::string::npos) << first.error;
  receiver.ReleaseHeld();
  delivery.attempts_made = 1;
  delivery.first_attempt_at = first.first_attempt_at;
  EXPECT_EQ(dispatcher->Deliver(delivery).state, DeliveryState::kDelivered);
  ASSERT_TRUE(receiver.WaitForRequests(2, seconds(5)));
  EXPECT_EQ(receiver.Accepted(), 1);  // the same X-Bulwark-Delivery twice
}

TEST_F(Loopback, RefusesLoopbackByDefaultBeforeSendingAnything) {
  auto dispatcher = MakeDispatcher({});
  for (const char* host : {"127.0.0.1", "localhost"}) {
    auto url = "http://" + std::string(host) + ":" + std::to_string(receiver.port()) + "/hook";
    auto outcome = dispatcher->Deliver(Delivery(url));
    EXPECT_EQ(outcome.state, DeliveryState::kFailed) << host;
    EXPECT_NE(outcome.error.find("loopback address"), std::string::npos) << outcome.error;
    EXPECT_NE(outcome.error.find("webhook_allow_private_networks"), std::string::npos);
  }
  EXPECT_TRUE(receiver.Requests().empty());
}

// The guard refuses in the connect step, before a socket exists: no packet leaves for these.
TEST_F(Loopback, RefusesPrivateAndMetadataTargetsAtConnectTime) {
  auto dispatcher = Allowed();
  struct Case {
    const char* url;
    const char* ip;
    const char* rule;
  } cases[] = {
      {"http://10.0.0.1:9/hook", "10.0.0.1", "private address (10.0.0.0/8)"},
      {"http://169.254.169.254/latest/meta-data/", "169.254.169.254", "cloud metadata address"},
      {"http://[fd00:ec2::254]/latest", "fd00:ec2::254", "cloud metadata address"},
      {"http://0.0.0.0:9/", "0.0.0.0", "unspecified address"},
  };
  for (const auto& c : cases) {
    auto restricted = MakeDispatcher({});
    for (auto* d : {restricted.get(), dispatcher.get()}) {
      if (c.ip == std::string("10.0.0.1") && d == dispatcher.get()) continue;  // allowed there
      transport.checked.clear();
      auto outcome = d->Deliver(Delivery(c.url));
      EXPECT_EQ(outcome.state, DeliveryState::kFailed) << c.url;
      EXPECT_NE(outcome.error.find(c.rule), std::string::npos) << outcome.error;
      ASSERT_EQ(transport.checked.size(), 1u) << c.url;
      EXPECT_EQ(transport.checked[0], std::make_pair(std::string(c.ip), true));
    }
  }
}

TEST_F(Loopback, AnExplicitAllowListPermitsExactlyItsEntries) {
  auto dispatcher = MakeDispatcher({.ssrf = {.allowed_networks = {"127.0.0.1/32"}}});
  EXPECT_EQ(dispatcher->Deliver(Delivery(receiver.Url())).state, DeliveryState::kDelivered);
  auto other = "http://127.0.0.2:" + std::to_string(receiver.port()) + "/hook";
  EXPECT_EQ(dispatcher->Deliver(Delivery(other)).state, DeliveryState::kFailed);
  EXPECT_EQ(receiver.Requests().size(), 1u);
}

}  // namespace
}  // namespace bulwark::jobs
