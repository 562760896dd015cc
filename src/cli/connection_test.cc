// Where the pipeline commands find host and token, in order, and what they say when they cannot.
#include "cli/connection.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

namespace bulwark::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class ConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = std::filesystem::temp_directory_path() /
            ("bulwark-home-" + std::to_string(getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(home_);
  }
  void TearDown() override { std::filesystem::remove_all(home_); }

  void WriteHomeConfig(const std::string& text) { std::ofstream(home_ / ".bulwark.toml") << text; }

  core::Result<ResolvedConnection> Resolve() {
    return ResolveConnection(
        flags_,
        [this](const std::string& k) -> std::optional<std::string> {
          auto it = env_.find(k);
          if (it == env_.end()) return std::nullopt;
          return it->second;
        },
        home_.string());
  }

  std::filesystem::path home_;
  ConnectionFlags flags_;
  std::map<std::string, std::string> env_;
};

TEST_F(ConnectionTest, EachSourceInItsOrder) {
  WriteHomeConfig("host = \"https://file.example\"\ntoken = \"file-token\"\n");
  auto r = Resolve();
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->connection.host, "https://file.example");
  EXPECT_EQ(r->connection.token, "file-token");
  EXPECT_THAT(r->notes, IsEmpty());

  env_["KONDUKTO_HOST"] = "https://kondukto.example";
  r = Resolve();
  EXPECT_EQ(r->connection.host, "https://kondukto.example");
  EXPECT_EQ(r->connection.token, "file-token");
  EXPECT_THAT(r->notes, ElementsAre(HasSubstr("KONDUKTO_HOST is read for compatibility with kdt "
                                              "and is deprecated here; set BULWARK_HOST")));

  env_["INVICTI_ASPM_HOST"] = "https://invicti.example";
  env_["INVICTI_ASPM_TOKEN"] = "invicti-token";
  r = Resolve();
  EXPECT_EQ(r->connection.host, "https://invicti.example");
  EXPECT_EQ(r->connection.token, "invicti-token");
  EXPECT_EQ(r->notes.size(), 2u);

  env_["BULWARK_HOST"] = "https://env.example";
  env_["BULWARK_TOKEN"] = "env-token";
  r = Resolve();
  EXPECT_EQ(r->connection.host, "https://env.example");
  EXPECT_EQ(r->connection.token, "env-token");
  EXPECT_THAT(r->notes, IsEmpty());

  flags_.host = "http://flag.example:8080";
  flags_.token = "flag-token";
  r = Resolve();
  EXPECT_EQ(r->connection.host, "http://flag.example:8080");
  EXPECT_EQ(r->connection.token, "flag-token");
}

TEST_F(ConnectionTest, ConfigFlagNamesAnotherFile) {
  WriteHomeConfig("host = \"https://home.example\"\ntoken = \"t\"\n");
  auto other = home_ / "ci.toml";
  std::ofstream(other) << "host = \"https://ci.example\"\ntoken = \"ci\"\ninsecure = true\n";
  flags_.config_file = other.string();
  auto r = Resolve();
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->connection.host, "https://ci.example");
  EXPECT_TRUE(r->connection.insecure);
}

TEST_F(ConnectionTest, MissingHostAndTokenSayWhereToSetThem) {
  auto r = Resolve();
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("host and token are not configured"));
  EXPECT_THAT(r.error().message, HasSubstr("BULWARK_HOST and BULWARK_TOKEN"));
  env_["BULWARK_HOST"] = "https://h.example";
  r = Resolve();
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("token is not configured"));
}

TEST_F(ConnectionTest, BadValuesAreNamedWithTheirSource) {
  env_["BULWARK_HOST"] = "bulwark.example";
  env_["BULWARK_TOKEN"] = "t";
  auto r = Resolve();
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message,
              HasSubstr("host 'bulwark.example' (from BULWARK_HOST) must start with http://"));
  env_["BULWARK_HOST"] = "https://bulwark.example";
  env_["BULWARK_INSECURE"] = "perhaps";
  r = Resolve();
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("BULWARK_INSECURE: 'perhaps' is not a boolean"));
}

TEST_F(ConnectionTest, ConfigFileErrorsNameTheKey) {
  WriteHomeConfig("host = \"https://h.example\"\ntokn = \"t\"\n");
  auto r = Resolve();
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("unknown key 'tokn'"));
  WriteHomeConfig("host = [1]\n");
  r = Resolve();
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("key 'host' must be a string"));
  flags_.config_file = (home_ / "absent.toml").string();
  r = Resolve();
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("absent.toml: no such file"));
}

}  // namespace
}  // namespace bulwark::cli
