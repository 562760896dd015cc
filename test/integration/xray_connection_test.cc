// Connection test and repository list against the real fake-xray process over loopback.
#include "test/integration/xray_fake_fixture.h"

namespace bulwark::scanners::xray {
namespace {

TEST_F(XrayFakeTest, ConnectionOkReportsVersion) {
  auto result = Client()->TestConnection();
  EXPECT_TRUE(result.ok) << result.message;
  EXPECT_EQ(result.code, "ok");
  EXPECT_EQ(result.xray_version, "3.107.8");
}

TEST_F(XrayFakeTest, ConnectionUnauthorizedForUnknownOrExpiredToken) {
  auto result = Client("no-such-token")->TestConnection();
  EXPECT_EQ(result.code, "unauthorized");
  EXPECT_NE(result.message.find(kHintUnauthorized), std::string::npos) << result.message;
  Configure({{"tokens", {{"expired", {{"expires_after_requests", 0}}}}}});
  EXPECT_EQ(Client("expired")->TestConnection().code, "unauthorized");
}

TEST_F(XrayFakeTest, ConnectionForbiddenWithoutManageReports) {
  auto result = Client("read-token")->TestConnection();
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.code, "forbidden");
  EXPECT_NE(result.message.find(kHintForbidden), std::string::npos) << result.message;
}

TEST_F(XrayFakeTest, ConnectionUnreachableOnClosedPort) {
  XrayClient client(
      {.url = "http://127.0.0.1:" + std::to_string(ClosedPort()), .access_token = "good-token"},
      {*transport_, env::Clock::System()});
  auto result = client.TestConnection();
  EXPECT_EQ(result.code, "unreachable");
  EXPECT_NE(result.message.find(kHintUnreachable), std::string::npos) << result.message;
}

TEST_F(XrayFakeTest, ConnectionUnreachableOnTimeout) {
  Configure({{"faults", {{{"kind", "latency"}, {"ms", 2000}, {"path", "/system/ping"}}}}});
  auto options = FastOptions();
  options.test_timeout = std::chrono::milliseconds(300);
  auto result = Client("good-token", false, false, options)->TestConnection();
  EXPECT_EQ(result.code, "unreachable");
  EXPECT_NE(result.message.find("timeout"), std::string::npos) << result.message;
}

TEST_F(XrayFakeTest, ConnectionNotXrayWhenXrayIsMissing) {
  Configure({{"xray_installed", false}});
  EXPECT_EQ(Client()->TestConnection().code, "not_xray");
}

TEST_F(XrayFakeTest, ConnectionSuspendedOnReactivationRedirect) {
  Configure({{"suspended", true}});
  auto result = Client()->TestConnection();
  EXPECT_EQ(result.code, "suspended");
  EXPECT_NE(result.message.find("reactivate-server"), std::string::npos) << result.message;
}

TEST_F(XrayFakeTest, SelfSignedHttpsNeedsInsecureAndOnlyForThatClient) {
  auto strict = Client("good-token", /*https=*/true, /*insecure=*/false);
  auto lenient = Client("good-token", /*https=*/true, /*insecure=*/true);
  auto tls = strict->TestConnection();
  EXPECT_EQ(tls.code, "tls");
  EXPECT_NE(tls.message.find(kHintTls), std::string::npos) << tls.message;
  EXPECT_EQ(lenient->TestConnection().code, "ok");
  // Same shared transport: the insecure client's setting must not leak into the other.
  EXPECT_EQ(strict->TestConnection().code, "tls");
}

TEST_F(XrayFakeTest, RepositoriesMergeIndexedFlagsAndFilter) {
  auto repos = Client()->ListRepositories("");
  ASSERT_TRUE(repos) << repos.error().message;
  ASSERT_EQ(repos->size(), 5u);
  std::map<std::string, Repository> by_key;
  for (const auto& r : *repos) by_key[r.key] = r;
  EXPECT_EQ(by_key["npm-local"].indexed, true);
  EXPECT_EQ(by_key["npm-local"].type, "local");
  EXPECT_EQ(by_key["debian-local"].indexed, false);
  EXPECT_FALSE(by_key["npm-virtual"].scannable);
  EXPECT_TRUE(by_key["docker-remote"].scannable);
  EXPECT_EQ(by_key["docker-remote"].package_type, "Docker");

  auto npm = Client()->ListRepositories("NPM");
  ASSERT_TRUE(npm);
  ASSERT_EQ(npm->size(), 2u);
  EXPECT_EQ((*npm)[0].key, "npm-local");
  EXPECT_EQ((*npm)[1].key, "npm-virtual");
}

TEST_F(XrayFakeTest, RepositoriesWithoutIndexPermissionHaveUnknownIndexedFlag) {
  auto repos = Client("reports-token")->ListRepositories("local");
  ASSERT_TRUE(repos) << repos.error().message;
  ASSERT_FALSE(repos->empty());
  for (const auto& r : *repos) EXPECT_FALSE(r.indexed.has_value()) << r.key;
}

TEST_F(XrayFakeTest, RepositoriesAreCachedBriefly) {
  env::FakeClock clock;
  auto client = Client("good-token", false, false, FastOptions(), &clock);
  ASSERT_TRUE(client->ListRepositories(""));
  long after_first = State()["requests"];
  ASSERT_TRUE(client->ListRepositories("docker"));
  EXPECT_EQ(State()["requests"].get<long>(), after_first);
  clock.Advance(std::chrono::minutes(2));
  ASSERT_TRUE(client->ListRepositories(""));
  EXPECT_GT(State()["requests"].get<long>(), after_first);
}

TEST_F(XrayFakeTest, RepositoriesUnauthorizedIsAClearError) {
  auto repos = Client("bad")->ListRepositories("");
  ASSERT_FALSE(repos);
  EXPECT_EQ(repos.error().code, core::ErrorCode::kUnauthenticated);
  EXPECT_NE(repos.error().message.find("Bad credentials"), std::string::npos);
}

}  // namespace
}  // namespace bulwark::scanners::xray
