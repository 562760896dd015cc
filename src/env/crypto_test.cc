#include "env/crypto.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>

namespace bulwark::env {
namespace {

TEST(ApiToken, IsPrefixedRandomAndRecognisable) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    std::string t = GenerateApiToken();
    EXPECT_TRUE(t.starts_with("bwk_"));
    EXPECT_EQ(t.size(), 4u + 43u);
    EXPECT_TRUE(LooksLikeApiToken(t)) << t;
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 50u);
  EXPECT_FALSE(LooksLikeApiToken("bwk_short"));
  EXPECT_FALSE(LooksLikeApiToken("xyz_" + GenerateApiToken().substr(4)));
  EXPECT_FALSE(LooksLikeApiToken(GenerateApiToken().substr(0, 46) + "!"));
}

TEST(ApiToken, HashIsStableHexAndDiffersPerToken) {
  std::string t = GenerateApiToken();
  EXPECT_EQ(HashToken(t), HashToken(t));
  EXPECT_EQ(HashToken(t).size(), 64u);
  EXPECT_NE(HashToken(t), HashToken(GenerateApiToken()));
  EXPECT_EQ(HashToken(t).find(t), std::string::npos);
  // BLAKE2b-256 of "abc" (RFC 7693 test vector family, 32-byte output).
  EXPECT_EQ(HashToken("abc"), "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
}

TEST(Password, HashVerifiesOnlyTheRightPassword) {
  std::string pw = GeneratePassword();
  EXPECT_EQ(pw.size(), 24u);
  auto hash = HashPassword(pw);
  ASSERT_TRUE(hash);
  EXPECT_TRUE(hash->starts_with("$argon2id$"));
  EXPECT_TRUE(VerifyPassword(*hash, pw));
  EXPECT_FALSE(VerifyPassword(*hash, pw + "x"));
}

TEST(Seal, RoundTripsAndDetectsTamperingAndWrongKey) {
  SecretKey key = *ParseSecretKey(std::string(64, 'a'));
  SecretKey other = *ParseSecretKey(std::string(64, 'b'));
  std::string sealed = Seal(key, "xray-access-token");
  EXPECT_EQ(sealed.find("xray-access-token"), std::string::npos);
  EXPECT_NE(Seal(key, "xray-access-token"), sealed);  // random nonce
  EXPECT_EQ(Unseal(key, sealed).value_or(""), "xray-access-token");
  EXPECT_EQ(Unseal(other, sealed).error().code, core::ErrorCode::kDataLoss);
  std::string tampered = sealed;
  tampered[10] = tampered[10] == 'A' ? 'B' : 'A';
  EXPECT_EQ(Unseal(key, tampered).error().code, core::ErrorCode::kDataLoss);
  EXPECT_EQ(Unseal(key, "!!").error().code, core::ErrorCode::kDataLoss);
}

TEST(SecretKey, RejectsMalformedHex) {
  EXPECT_FALSE(ParseSecretKey("abc"));
  EXPECT_FALSE(ParseSecretKey(std::string(64, 'z')));
  auto err = ParseSecretKey("");
  ASSERT_FALSE(err);
  EXPECT_NE(err.error().message.find("64 hexadecimal"), std::string::npos);
}

TEST(SecretKey, FileIsCreatedOwnerOnlyAndReadBack) {
  auto dir = std::filesystem::temp_directory_path() /
             ("bulwark-key-" + std::to_string(getpid()) + std::to_string(std::random_device{}()));
  std::filesystem::create_directories(dir);
  auto path = dir / "secret.key";
  auto first = LoadOrCreateKeyFile(path);
  ASSERT_TRUE(first) << first.error().message;
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  auto second = LoadOrCreateKeyFile(path);
  ASSERT_TRUE(second);
  EXPECT_EQ(first->bytes, second->bytes);
  std::ofstream(path) << "garbage\n";
  auto bad = LoadOrCreateKeyFile(path);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find(path.string()), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(Hmac, MatchesRfc4231TestCase2) {
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
}

}  // namespace
}  // namespace bulwark::env
