#include "jobs/webhook_signature.h"

#include <fmt/format.h>
#include <sodium.h>

#include <stdexcept>

namespace bulwark::jobs {

std::string HmacSha256Hex(std::string_view key, std::string_view message) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");  // idempotent
  crypto_auth_hmacsha256_state state;
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()),
                              key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size());
  crypto_auth_hmacsha256_final(&state, mac);
  sodium_memzero(&state, sizeof(state));
  char hex[crypto_auth_hmacsha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof(hex), mac, sizeof(mac));
  return hex;
}

std::string SignatureHeaderValue(std::string_view secret, long long unix_seconds,
                                 std::string_view body) {
  std::string signed_text = fmt::format("{}.", unix_seconds);
  signed_text.append(body);
  return fmt::format("t={},v1={}", unix_seconds, HmacSha256Hex(secret, signed_text));
}

}  // namespace bulwark::jobs
