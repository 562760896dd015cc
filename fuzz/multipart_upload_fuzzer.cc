// Fuzz target: the multipart upload reader of the import route (src/http/upload_reader.h) fed
// parts of any name, file name, size and order, under any upload limit. It must never crash, never
// write outside the upload's own directory, never exceed the limit, and report the bytes and the
// hash of exactly what it stored.
#include <fuzzer/FuzzedDataProvider.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "http/upload_reader.h"

namespace {

namespace fs = std::filesystem;

struct Part {
  httplib::MultipartFormData header;
  std::vector<std::string> chunks;
};

std::string Sha256Hex(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), md, &n, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

const fs::path& Root() {
  static const fs::path root = [] {
    fs::path p = fs::temp_directory_path() / ("bulwark-fuzz-upload-" + std::to_string(getpid()));
    fs::create_directories(p);
    return p;
  }();
  return root;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const std::uint64_t cap = in.ConsumeIntegralInRange<std::uint64_t>(0, 8192);
  std::vector<Part> parts(in.ConsumeIntegralInRange<std::size_t>(0, 6));
  for (Part& p : parts) {
    p.header.name = in.ConsumeBool() ? "file" : in.ConsumeRandomLengthString(16);
    p.header.filename = in.ConsumeRandomLengthString(64);
    p.chunks.resize(in.ConsumeIntegralInRange<std::size_t>(0, 4));
    for (std::string& c : p.chunks) c = in.ConsumeRandomLengthString(4096);
  }
  if (!parts.empty() && in.remaining_bytes() > 0) {
    parts.back().chunks.push_back(in.ConsumeRemainingBytesAsString());
  }
  const fs::path dir = Root() / "one";
  fs::remove_all(dir);
  fs::create_directories(dir);
  httplib::ContentReader reader(
      [](httplib::ContentReceiver) { return false; },
      [&](httplib::MultipartContentHeader header, httplib::ContentReceiver receiver) {
        for (const Part& p : parts) {
          if (!header(p.header)) return false;
          for (const std::string& c : p.chunks) {
            if (!receiver(c.data(), c.size())) return false;
          }
        }
        return true;
      });
  bulwark::http::Upload up;
  up.dir = dir;
  const bool ok = bulwark::http::ReceiveUpload(reader, cap, up);
  // Nothing is ever written beside the upload's directory.
  for (const auto& entry : fs::directory_iterator(Root())) {
    if (entry.path() != dir) std::abort();
  }
  if (up.has_file) {
    if (up.path.parent_path() != dir) std::abort();
    if (ok) {
      if (up.too_large || up.bytes > cap) std::abort();
      std::ifstream file(up.path, std::ios::binary);
      std::stringstream stored;
      stored << file.rdbuf();
      if (stored.str().size() != up.bytes || Sha256Hex(stored.str()) != up.sha256) std::abort();
    }
  }
  for (const auto& [name, value] : up.fields) {
    if (value.size() > bulwark::http::kMaxUploadFieldBytes) std::abort();
  }
  fs::remove_all(dir);
  return 0;
}
