// A real webhook receiver for tests: an HTTP server on 127.0.0.1, port 0, that records every
// request, verifies X-Bulwark-Signature with OpenSSL (independently of the sender's libsodium
// code) and injects faults on demand: error bursts (with Retry-After), a fixed answer such as
// 410 or 400, held (slow) responses and dropped connections. GET /_receiver/stats answers
// {"requests": n, "accepted": k} for tests that run it as a separate process. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace httplib {
class Server;
}

namespace bulwark::testing {

class WebhookReceiver {
 public:
  struct Request {
    std::string path;
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;
    bool signature_valid = false;
    std::string signature_problem;  // why not valid ("missing", "mismatch", ...)
    int answered = 0;               // status sent back; 0 when the connection was dropped
  };

  // Verifies signatures against `secret` (empty: nothing to verify, every request is valid).
  explicit WebhookReceiver(std::string secret = "");
  ~WebhookReceiver();
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  int port() const { return port_; }
  std::string Url(std::string_view path = "/hook") const;

  // Faults, applied to the next requests in arrival order.
  void FailNext(int count, int status = 503, std::string retry_after = "");
  void AnswerAlways(int status);  // every later request gets `status` (0 restores 204)
  void HoldNext(int count);       // keep these requests waiting until ReleaseHeld()
  void ReleaseHeld();
  void DropNext(int count);  // send headers, then close before the promised body

  std::vector<Request> Requests() const;
  // Distinct X-Bulwark-Delivery ids answered 2xx with a valid signature: what a receiver that
  // de-duplicates on the delivery id (as docs/webhooks.md asks) accepts.
  int Accepted() const;
  // Waits (on a condition, not a sleep) until `count` requests have arrived.
  bool WaitForRequests(size_t count, std::chrono::milliseconds timeout) const;

 private:
  int Answer(Request& request, std::string& retry_after);

  std::string secret_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;

  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::vector<Request> requests_;  // guarded by mu_
  int fail_next_ = 0;              // guarded by mu_
  int fail_status_ = 503;          // guarded by mu_
  std::string retry_after_;        // guarded by mu_
  int answer_always_ = 0;          // guarded by mu_
  int hold_next_ = 0;              // guarded by mu_
  bool released_ = false;          // guarded by mu_
  int drop_next_ = 0;              // guarded by mu_
};

// Lower-case hex HMAC-SHA256 computed with OpenSSL.
std::string OpenSslHmacSha256Hex(std::string_view key, std::string_view message);

}  // namespace bulwark::testing
