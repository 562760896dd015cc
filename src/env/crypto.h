// Crypto: every secret-handling primitive of Bulwark, on libsodium. API tokens are random
// 256-bit values with a recognisable prefix, stored only as a hash; passwords are stored as
// crypto_pwhash_str strings; integration access tokens and webhook secrets are sealed with a
// 256-bit key kept outside the database (DATA_DIR/secret.key or BULWARK_SECRET_KEY); webhooks are
// signed with HMAC-SHA256. All functions are thread-safe.
#pragma once

#include <array>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/error.h"

namespace bulwark::env {

inline constexpr std::string_view kApiTokenPrefix = "bwk_";

// A new API token: "bwk_" + 43 base64url characters (256 random bits).
std::string GenerateApiToken();
// True when `text` has the shape of a token made by GenerateApiToken (prefix, length, alphabet).
bool LooksLikeApiToken(std::string_view text);
// The value stored for a token: hex BLAKE2b-256 of it. Equal tokens give equal hashes.
std::string HashToken(std::string_view token);

// A random password of `length` base64url characters.
std::string GeneratePassword(std::size_t length = 24);
// crypto_pwhash_str (Argon2id, interactive limits). kInternal only when out of memory.
core::Result<std::string> HashPassword(std::string_view password);
bool VerifyPassword(std::string_view hash, std::string_view password);

// The key that seals secrets at rest.
struct SecretKey {
  std::array<unsigned char, 32> bytes{};
};

// Parses 64 hex characters (the format of secret.key and BULWARK_SECRET_KEY).
core::Result<SecretKey> ParseSecretKey(std::string_view hex);
// Reads the key file at `path`, or creates it (mode 0600) with a random key when absent.
// kInvalidArgument naming the file when it exists but is unreadable or malformed.
core::Result<SecretKey> LoadOrCreateKeyFile(const std::filesystem::path& path);

// Encrypts and authenticates `plaintext` (XSalsa20-Poly1305, random nonce); the result is
// base64 text safe to store.
std::string Seal(const SecretKey& key, std::string_view plaintext);
// Reverses Seal. kDataLoss when `sealed` is malformed, tampered with, or sealed under another key.
core::Result<std::string> Unseal(const SecretKey& key, std::string_view sealed);

// Lower-case hex HMAC-SHA256 of `message` under `key` (webhook signatures).
std::string HmacSha256Hex(std::string_view key, std::string_view message);
// Compares in time independent of where the inputs differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace bulwark::env
