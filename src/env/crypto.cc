#include "env/crypto.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace bulwark::env {
namespace {

void EnsureInit() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) throw std::runtime_error("libsodium could not be initialised");
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

std::string ToBase64(const unsigned char* data, std::size_t size, int variant) {
  std::string out(sodium_base64_encoded_len(size, variant), '\0');
  sodium_bin2base64(out.data(), out.size(), data, size, variant);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::string ToHex(const unsigned char* data, std::size_t size) {
  std::string out(size * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, size);
  out.pop_back();
  return out;
}

std::string RandomBase64Url(std::size_t bytes) {
  EnsureInit();
  std::vector<unsigned char> buf(bytes);
  randombytes_buf(buf.data(), buf.size());
  return ToBase64(buf.data(), buf.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

}  // namespace

std::string GenerateApiToken() { return std::string(kApiTokenPrefix) + RandomBase64Url(32); }

bool LooksLikeApiToken(std::string_view text) {
  if (!text.starts_with(kApiTokenPrefix)) return false;
  std::string_view body = text.substr(kApiTokenPrefix.size());
  if (body.size() != 43) return false;
  for (char c : body) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  }
  return true;
}

std::string HashToken(std::string_view token) {
  EnsureInit();
  unsigned char out[crypto_generichash_BYTES];
  crypto_generichash(out, sizeof out, Bytes(token), token.size(), nullptr, 0);
  return ToHex(out, sizeof out);
}

std::string GeneratePassword(std::size_t length) {
  std::string p = RandomBase64Url(length);
  p.resize(length);
  return p;
}

core::Result<std::string> HashPassword(std::string_view password) {
  EnsureInit();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return core::Fail(core::ErrorCode::kInternal, "password hashing ran out of memory");
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
  EnsureInit();
  std::string h(hash);
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

core::Result<SecretKey> ParseSecretKey(std::string_view hex) {
  EnsureInit();
  SecretKey key;
  std::size_t len = 0;
  const char* end = nullptr;
  if (hex.size() != 64 ||
      sodium_hex2bin(key.bytes.data(), key.bytes.size(), hex.data(), hex.size(), nullptr, &len,
                     &end) != 0 ||
      len != key.bytes.size()) {
    return core::Fail(core::ErrorCode::kInvalidArgument,
                      "secret key: expected 64 hexadecimal characters (32 bytes), e.g. the output "
                      "of `openssl rand -hex 32`");
  }
  return key;
}

core::Result<SecretKey> LoadOrCreateKeyFile(const std::filesystem::path& path) {
  EnsureInit();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    SecretKey key;
    crypto_secretbox_keygen(key.bytes.data());
    const std::string text = ToHex(key.bytes.data(), key.bytes.size()) + "\n";
    const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (!written || !synced) {
      std::filesystem::remove(path);
      return core::Fail(
          core::ErrorCode::kUnavailable,
          "secret key file " + path.string() + ": cannot write: " + std::strerror(errno));
    }
    return key;
  }
  if (errno != EEXIST) {
    return core::Fail(
        core::ErrorCode::kInvalidArgument,
        "secret key file " + path.string() + ": cannot create: " + std::strerror(errno));
  }
  std::ifstream in(path);
  std::string text;
  if (!in || !std::getline(in, text)) {
    return core::Fail(core::ErrorCode::kInvalidArgument,
                      "secret key file " + path.string() + ": cannot read it");
  }
  auto key = ParseSecretKey(text);
  if (!key) return std::unexpected(key.error().Wrap("secret key file " + path.string()));
  return key;
}

std::string Seal(const SecretKey& key, std::string_view plaintext) {
  EnsureInit();
  std::vector<unsigned char> out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES +
                                 plaintext.size());
  randombytes_buf(out.data(), crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(out.data() + crypto_secretbox_NONCEBYTES, Bytes(plaintext),
                        plaintext.size(), out.data(), key.bytes.data());
  return ToBase64(out.data(), out.size(), sodium_base64_VARIANT_ORIGINAL);
}

core::Result<std::string> Unseal(const SecretKey& key, std::string_view sealed) {
  EnsureInit();
  std::vector<unsigned char> raw(sealed.size());
  std::size_t len = 0;
  if (sodium_base642bin(raw.data(), raw.size(), sealed.data(), sealed.size(), nullptr, &len,
                        nullptr, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return core::Fail(core::ErrorCode::kDataLoss, "sealed secret: malformed");
  }
  std::string plain(len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(
          reinterpret_cast<unsigned char*>(plain.data()), raw.data() + crypto_secretbox_NONCEBYTES,
          len - crypto_secretbox_NONCEBYTES, raw.data(), key.bytes.data()) != 0) {
    return core::Fail(core::ErrorCode::kDataLoss,
                      "sealed secret: authentication failed (tampered, or sealed under another "
                      "secret key)");
  }
  return plain;
}

std::string HmacSha256Hex(std::string_view key, std::string_view message) {
  EnsureInit();
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, Bytes(key), key.size());
  crypto_auth_hmacsha256_update(&state, Bytes(message), message.size());
  unsigned char out[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&state, out);
  return ToHex(out, sizeof out);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  EnsureInit();
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace bulwark::env
