// One JSON request to a running `bulwark serve` over loopback, for the integration tests.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>

namespace bulwark::testing {

struct Reply {
  int status = 0;
  nlohmann::json body;  // discarded (is_discarded()) when the answer is not JSON
  std::string raw;
  std::string cookie;  // Set-Cookie
};

// Sends `method path` to `base_url` with `body` as JSON (none when null), a bearer `token` (none
// when empty) and `extra` headers. A request that gets no answer fails the test and answers
// status 0.
inline Reply CallApi(const std::string& base_url, const std::string& method,
                     const std::string& path, const std::string& token,
                     const nlohmann::json& body = nullptr, const httplib::Headers& extra = {}) {
  httplib::Client client(base_url);
  client.set_connection_timeout(10);
  client.set_read_timeout(60);
  httplib::Headers headers;
  if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
  headers.insert(extra.begin(), extra.end());
  const std::string text = body.is_null() ? "" : body.dump();
  auto send = [&]() -> httplib::Result {
    if (method == "POST") return client.Post(path, headers, text, "application/json");
    if (method == "PUT") return client.Put(path, headers, text, "application/json");
    if (method == "PATCH") return client.Patch(path, headers, text, "application/json");
    if (method == "DELETE") return client.Delete(path, headers);
    return client.Get(path, headers);
  };
  httplib::Result r = send();
  Reply reply;
  if (!r) {
    ADD_FAILURE() << method << " " << path << ": no response (" << httplib::to_string(r.error())
                  << ")";
    return reply;
  }
  reply.status = r->status;
  reply.raw = r->body;
  reply.body = nlohmann::json::parse(r->body, nullptr, false);
  reply.cookie = r->get_header_value("Set-Cookie");
  return reply;
}

}  // namespace bulwark::testing
