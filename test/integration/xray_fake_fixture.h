// Shared fixture of the Xray integration tests: a real fake-xray process on 127.0.0.1 port 0
// (HTTP and HTTPS), a real libcurl transport, and helpers to build clients and read pages.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "env/clock.h"
#include "env/http_transport.h"
#include "scanners/xray/xray_client.h"
#include "test/fakes/fake_xray/fake_xray_process.h"
#include "test/support/names.h"

namespace bulwark::scanners::xray {

class XrayFakeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fake_ = fakes::FakeXrayProcess::Start(FAKE_XRAY_BINARY, {"--tls-port", "0"});
    ASSERT_NE(fake_, nullptr) << "could not start " << FAKE_XRAY_BINARY;
    transport_ = env::MakeCurlTransport();
  }

  void Configure(const nlohmann::json& config) {
    auto answer = fake_->Control("POST", "/__fake/config", config.dump());
    ASSERT_FALSE(answer.starts_with("error")) << answer;
  }

  nlohmann::json State() { return nlohmann::json::parse(fake_->Control("GET", "/__fake/state")); }

  XrayOptions FastOptions() {
    XrayOptions options;
    options.poll_initial = std::chrono::milliseconds(20);
    options.poll_max = std::chrono::milliseconds(100);
    options.retry.initial_backoff = std::chrono::milliseconds(20);
    options.retry.max_backoff = std::chrono::milliseconds(200);
    options.test_timeout = std::chrono::milliseconds(5000);
    return options;
  }

  std::unique_ptr<XrayClient> Client(std::string token = "good-token", bool https = false,
                                     bool insecure = false, XrayOptions options = {},
                                     env::Clock* clock = nullptr) {
    IntegrationSettings settings{.url = (https ? fake_->https_url() : fake_->http_url()) + "/xray/",
                                 .access_token = std::move(token),
                                 .insecure = insecure};
    return std::make_unique<XrayClient>(
        settings, ScannerDeps{*transport_, clock ? *clock : env::Clock::System()},
        std::move(options));
  }

  // A port on 127.0.0.1 that nothing listens on.
  static int ClosedPort() { return bulwark::testing::ClosedPort(); }

  std::unique_ptr<fakes::FakeXrayProcess> fake_;
  std::unique_ptr<env::HttpTransport> transport_;
};

// Collects pages, checking they arrive once and in order, and their rows.
struct CollectingSink {
  std::vector<int> pages;
  nlohmann::json rows = nlohmann::json::array();
  PageSink AsSink() {
    return [this](int page, std::string body) -> core::Status {
      pages.push_back(page);
      auto json = nlohmann::json::parse(body, nullptr, false);
      if (!json.is_object()) return core::Fail(core::ErrorCode::kDataLoss, "bad page");
      for (auto& row : json["rows"]) rows.push_back(std::move(row));
      return core::Ok();
    };
  }
};

}  // namespace bulwark::scanners::xray
