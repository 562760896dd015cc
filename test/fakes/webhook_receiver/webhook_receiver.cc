#include "test/fakes/webhook_receiver/webhook_receiver.h"

#include <httplib.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <stdexcept>
#include <thread>

namespace bulwark::testing {
namespace {

constexpr auto kMaxHold = std::chrono::seconds(30);  // a held request never outlives a test

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Checks "t=<seconds>,v1=<hex>" against HMAC(secret, "<t>.<body>").
std::string SignatureProblem(const std::string& secret, const std::string& header,
                             const std::string& timestamp_header, const std::string& body) {
  if (header.empty()) return "missing";
  std::string t, v1;
  size_t pos = 0;
  while (pos <= header.size()) {
    size_t comma = header.find(',', pos);
    std::string part =
        header.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    if (part.starts_with("t=")) t = part.substr(2);
    if (part.starts_with("v1=")) v1 = part.substr(3);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  if (t.empty() || v1.empty()) return "malformed";
  if (!std::all_of(t.begin(), t.end(),
                   [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    return "malformed timestamp";
  }
  if (t != timestamp_header) return "timestamp differs from X-Bulwark-Timestamp";
  std::string expected = OpenSslHmacSha256Hex(secret, t + "." + body);
  if (expected.size() != v1.size() || CRYPTO_memcmp(expected.data(), v1.data(), v1.size()) != 0) {
    return "mismatch";
  }
  return "";
}

}  // namespace

std::string OpenSslHmacSha256Hex(std::string_view key, std::string_view message) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[mac[i] >> 4];
    out += kHex[mac[i] & 0xf];
  }
  return out;
}

WebhookReceiver::WebhookReceiver(std::string secret)
    : secret_(std::move(secret)), server_(std::make_unique<httplib::Server>()) {
  server_->Post(".*", [this](const httplib::Request& req, httplib::Response& res) {
    Request request;
    request.path = req.path;
    for (const auto& [name, value] : req.headers) request.headers[Lower(name)] = value;
    request.body = req.body;
    auto header = [&](const char* name) {
      auto it = request.headers.find(name);
      return it == request.headers.end() ? std::string() : it->second;
    };
    request.signature_problem = secret_.empty()
                                    ? ""
                                    : SignatureProblem(secret_, header("x-bulwark-signature"),
                                                       header("x-bulwark-timestamp"), request.body);
    request.signature_valid = request.signature_problem.empty();
    std::string retry_after;
    const int status = Answer(request, retry_after);
    if (status == 0) {
      // Promise a body, then fail to provide it: the client sees the connection drop.
      res.status = 200;
      res.set_content_provider(64, "text/plain",
                               [](size_t, size_t, httplib::DataSink&) { return false; });
      return;
    }
    res.status = status;
    if (!retry_after.empty()) res.set_header("Retry-After", retry_after);
    if (status >= 200 && status <= 299 && status != 204) {
      res.set_content(R"({"received":true})", "application/json");
    } else if (status >= 400) {
      res.set_content("receiver fault " + std::to_string(status) + "\n\tdetails", "text/plain");
    }
  });
  server_->Get("/_receiver/stats", [this](const httplib::Request&, httplib::Response& res) {
    const int accepted = Accepted();
    res.set_content("{\"requests\":" + std::to_string(Requests().size()) +
                        ",\"accepted\":" + std::to_string(accepted) + "}",
                    "application/json");
  });
  port_ = server_->bind_to_any_port("127.0.0.1");
  if (port_ <= 0) throw std::runtime_error("webhook receiver: cannot bind 127.0.0.1");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // httplib ignores stop() until its accept loop runs: a receiver destroyed at once would hang
  // on join. Return only once the loop is running.
  while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

WebhookReceiver::~WebhookReceiver() {
  ReleaseHeld();
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

std::string WebhookReceiver::Url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
}

// Decides the answer, records the request, and applies holds. Returns 0 for "drop".
int WebhookReceiver::Answer(Request& request, std::string& retry_after) {
  std::unique_lock lock(mu_);
  int status = 204;
  if (drop_next_ > 0) {
    --drop_next_;
    status = 0;
  } else if (fail_next_ > 0) {
    --fail_next_;
    status = fail_status_;
    retry_after = retry_after_;
  } else if (answer_always_ != 0) {
    status = answer_always_;
  }
  bool hold = hold_next_ > 0;
  if (hold) --hold_next_;
  request.answered = status;
  if (status == 0) request.signature_valid = false;
  requests_.push_back(request);
  cv_.notify_all();
  if (hold) cv_.wait_for(lock, kMaxHold, [this] { return released_; });
  return status;
}

void WebhookReceiver::FailNext(int count, int status, std::string retry_after) {
  std::lock_guard lock(mu_);
  fail_next_ = count;
  fail_status_ = status;
  retry_after_ = std::move(retry_after);
}

void WebhookReceiver::AnswerAlways(int status) {
  std::lock_guard lock(mu_);
  answer_always_ = status;
}

void WebhookReceiver::HoldNext(int count) {
  std::lock_guard lock(mu_);
  hold_next_ = count;
  released_ = false;
}

void WebhookReceiver::ReleaseHeld() {
  std::lock_guard lock(mu_);
  released_ = true;
  cv_.notify_all();
}

void WebhookReceiver::DropNext(int count) {
  std::lock_guard lock(mu_);
  drop_next_ = count;
}

std::vector<WebhookReceiver::Request> WebhookReceiver::Requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

int WebhookReceiver::Accepted() const {
  std::lock_guard lock(mu_);
  std::set<std::string> ids;
  for (const auto& r : requests_) {
    if (!r.signature_valid || r.answered < 200 || r.answered > 299) continue;
    auto id = r.headers.find("x-bulwark-delivery");
    ids.insert(id == r.headers.end() ? std::string() : id->second);
  }
  return static_cast<int>(ids.size());
}

bool WebhookReceiver::WaitForRequests(size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return requests_.size() >= count; });
}

}  // namespace bulwark::testing
