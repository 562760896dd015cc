#include "cli/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <map>

namespace bulwark::cli {
namespace {

EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

std::string WriteToml(const std::string& text) {
  std::string path = ::testing::TempDir() + "bulwark-config-" + std::to_string(getpid()) + ".toml";
  std::ofstream(path) << text;
  return path;
}

TEST(ResolveConfig, DefaultsWhenNothingIsGiven) {
  auto c = ResolveConfig({}, FakeEnv({}));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->listen_host, "127.0.0.1");
  EXPECT_EQ(c->listen_port, 8080);
  EXPECT_EQ(c->data_dir, "./data");
  EXPECT_EQ(c->database_url, "sqlite://./data/bulwark.db");
  EXPECT_EQ(c->log_level, "info");
  EXPECT_FALSE(c->secret_key_hex);
  EXPECT_EQ(c->job_nice, 10);
}

TEST(ResolveConfig, FlagBeatsEnvironmentBeatsFile) {
  std::string file =
      WriteToml("listen = \"127.0.0.1:1111\"\ndata_dir = \"/from/file\"\nlog_level = \"debug\"\n");
  ConfigFlags flags;
  flags.config_file = file;
  flags.listen = "127.0.0.1:3333";
  auto c = ResolveConfig(flags, FakeEnv({{"BULWARK_LISTEN", "127.0.0.1:2222"},
                                         {"BULWARK_DATA_DIR", "/from/env"},
                                         {"BULWARK_SECRET_KEY", "k"}}));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->listen_port, 3333);
  EXPECT_EQ(c->data_dir, "/from/env");
  EXPECT_EQ(c->database_url, "sqlite:///from/env/bulwark.db");
  EXPECT_EQ(c->log_level, "debug");
  EXPECT_EQ(c->secret_key_hex, "k");
}

TEST(ResolveConfig, BadListenNamesTheSettingAndTheSource) {
  ConfigFlags flags;
  flags.listen = "localhost";
  auto c = ResolveConfig(flags, FakeEnv({}));
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("listen 'localhost' (from --listen)"), std::string::npos)
      << c.error().message;
  flags.listen = "127.0.0.1:70000";
  EXPECT_NE(ResolveConfig(flags, FakeEnv({})).error().message.find("0 to 65535"),
            std::string::npos);
  auto from_env = ResolveConfig({}, FakeEnv({{"BULWARK_LISTEN", "x:y"}}));
  ASSERT_FALSE(from_env);
  EXPECT_NE(from_env.error().message.find("BULWARK_LISTEN"), std::string::npos);
}

TEST(ResolveConfig, BadDatabaseUrlIsRefusedWithoutEchoingThePassword) {
  ConfigFlags flags;
  flags.database = "mysql://root:hunter2@db/x";
  auto c = ResolveConfig(flags, FakeEnv({}));
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("sqlite://"), std::string::npos);
  EXPECT_EQ(c.error().message.find("hunter2"), std::string::npos) << c.error().message;
}

TEST(ResolveConfig, FileErrorsNameTheFileAndKey) {
  ConfigFlags flags;
  flags.config_file = WriteToml("listen = \"127.0.0.1:1\"\nlisten_port = \"9\"\n");
  auto unknown = ResolveConfig(flags, FakeEnv({}));
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("unknown key 'listen_port'"), std::string::npos);
  flags.config_file = WriteToml("listen = [\n");
  auto broken = ResolveConfig(flags, FakeEnv({}));
  ASSERT_FALSE(broken);
  EXPECT_NE(broken.error().message.find("line"), std::string::npos) << broken.error().message;
  flags.config_file = "/nonexistent/bulwark.toml";
  EXPECT_FALSE(ResolveConfig(flags, FakeEnv({})));
}

TEST(RedactUrl, HidesOnlyThePassword) {
  EXPECT_EQ(RedactUrl("postgresql://u:secret@h:5432/db"), "postgresql://u:***@h:5432/db");
  EXPECT_EQ(RedactUrl("postgresql://u@h:5432/db"), "postgresql://u@h:5432/db");
  EXPECT_EQ(RedactUrl("sqlite:///a/b.db"), "sqlite:///a/b.db");
}

TEST(ResolveConfig, JobSettingsFromFlagsEnvironmentAndBareTomlValues) {
  std::string file = WriteToml(
      "workers = 6\nscheduler_interval = 30\njob_nice = 19\nwebhook_url = "
      "\"https://hooks.example/x\"\n"
      "webhook_secret = \"s3\"\nwebhook_allow_private_networks = true\n");
  ConfigFlags flags;
  flags.config_file = file;
  auto c = ResolveConfig(flags, FakeEnv({}));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->workers, 6);
  EXPECT_EQ(c->scheduler_interval_seconds, 30);
  EXPECT_EQ(c->job_nice, 19);
  EXPECT_EQ(c->webhook_url, "https://hooks.example/x");
  EXPECT_EQ(c->webhook_secret, "s3");
  EXPECT_TRUE(c->webhook_allow_private_networks);

  flags.workers = "3";
  flags.webhook_allow_private_networks = "off";
  c = ResolveConfig(flags, FakeEnv({{"BULWARK_WORKERS", "9"},
                                    {"BULWARK_SCHEDULER_INTERVAL", "5"},
                                    {"BULWARK_JOB_NICE", "0"}}));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->workers, 3);
  EXPECT_EQ(c->job_nice, 0);
  EXPECT_EQ(c->scheduler_interval_seconds, 5);
  EXPECT_FALSE(c->webhook_allow_private_networks);
}

TEST(ResolveConfig, BadJobSettingsNameTheSetting) {
  ConfigFlags flags;
  flags.workers = "0";
  auto c = ResolveConfig(flags, FakeEnv({}));
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("workers '0' (from --workers)"), std::string::npos)
      << c.error().message;
  c = ResolveConfig({}, FakeEnv({{"BULWARK_JOB_NICE", "20"}}));
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("job_nice '20' (from BULWARK_JOB_NICE)"), std::string::npos)
      << c.error().message;
  c = ResolveConfig({}, FakeEnv({{"BULWARK_WEBHOOK_URL", "ftp://x"}}));
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("webhook_url"), std::string::npos) << c.error().message;
  c = ResolveConfig({}, FakeEnv({{"BULWARK_WEBHOOK_SECRET", "hunter2"}}));
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("webhook_url is not"), std::string::npos) << c.error().message;
  EXPECT_EQ(c.error().message.find("hunter2"), std::string::npos);  // never echoed
  c = ResolveConfig({}, FakeEnv({{"BULWARK_WEBHOOK_ALLOW_PRIVATE_NETWORKS", "maybe"}}));
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("expected true or false"), std::string::npos);
}

TEST(ResolveConfig, LimitSettingsFromFlagsEnvironmentAndFile) {
  auto defaults = ResolveConfig({}, FakeEnv({}));
  ASSERT_TRUE(defaults) << defaults.error().message;
  EXPECT_EQ(defaults->max_upload_bytes, std::uint64_t{1} << 30);
  EXPECT_EQ(defaults->max_json_depth, 64);
  EXPECT_EQ(defaults->max_json_string_bytes, 1 << 20);
  EXPECT_EQ(defaults->max_import_rows, 1'000'000);
  EXPECT_EQ(defaults->rate_limit, 0);

  std::string file = WriteToml(
      "max_upload_bytes = 5000000000\nmax_json_depth = 20\nmax_import_rows = 10\n"
      "rate_limit = 5\n");
  ConfigFlags flags;
  flags.config_file = file;
  flags.max_json_string_bytes = "4096";
  auto c = ResolveConfig(flags, FakeEnv({{"BULWARK_MAX_IMPORT_ROWS", "77"}}));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->max_upload_bytes, 5'000'000'000u);
  EXPECT_EQ(c->max_json_depth, 20);
  EXPECT_EQ(c->max_json_string_bytes, 4096);
  EXPECT_EQ(c->max_import_rows, 77);
  EXPECT_EQ(c->rate_limit, 5);
  EXPECT_EQ(c->rate_limit_burst, 10);  // twice the rate unless set
  flags.rate_limit_burst = "3";
  c = ResolveConfig(flags, FakeEnv({}));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->rate_limit_burst, 3);
}

TEST(ResolveConfig, BadLimitsNameTheSettingAndTheSource) {
  ConfigFlags flags;
  flags.max_json_depth = "1";
  auto c = ResolveConfig(flags, FakeEnv({}));
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("max_json_depth '1' (from --max-json-depth)"), std::string::npos)
      << c.error().message;
  c = ResolveConfig({}, FakeEnv({{"BULWARK_MAX_UPLOAD_BYTES", "1GB"}}));
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("BULWARK_MAX_UPLOAD_BYTES"), std::string::npos);
  c = ResolveConfig({}, FakeEnv({{"BULWARK_RATE_LIMIT", "-1"}}));
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("rate_limit"), std::string::npos);
  ConfigFlags from_file;
  from_file.config_file = WriteToml("max_import_rows = \"many\"\n");
  c = ResolveConfig(from_file, FakeEnv({}));
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("max_import_rows"), std::string::npos) << c.error().message;
}

}  // namespace
}  // namespace bulwark::cli
