#include "http/upload_reader.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <fstream>

namespace bulwark::http {
namespace {

namespace fs = std::filesystem;

class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr); }
  ~Sha256() { EVP_MD_CTX_free(ctx_); }
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void Update(const char* data, size_t len) { EVP_DigestUpdate(ctx_, data, len); }
  std::string Hex() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_DigestFinal_ex(ctx_, md, &n);
    std::string out;
    for (unsigned int i = 0; i < n; ++i) out += fmt::format("{:02x}", md[i]);
    return out;
  }

 private:
  EVP_MD_CTX* ctx_;
};

// The client's file name reduced to one plain name inside the upload's own directory.
std::string SafeName(const std::string& client_name) {
  std::string name = fs::path(client_name).filename().string();
  if (name.empty() || name == "." || name == ".." || name.size() > 200 ||
      name.find('\0') != std::string::npos) {
    return "upload";
  }
  return name;
}

}  // namespace

std::string Upload::Field(const std::string& name) const {
  auto it = fields.find(name);
  return it == fields.end() ? std::string() : it->second;
}

bool ReceiveUpload(const httplib::ContentReader& reader, std::uint64_t cap, Upload& up,
                   const std::string& file_part) {
  std::ofstream out;
  std::string current;
  Sha256 hash;
  bool ok = reader(
      [&](const httplib::MultipartFormData& part) {
        current = part.name;
        if (current == file_part) {
          if (up.has_file) return false;  // one file per upload
          up.has_file = true;
          up.file_name = part.filename;
          // Stored under its own name (messages quote it), in a directory of its own.
          up.path = up.dir / SafeName(part.filename);
          out.open(up.path, std::ios::binary | std::ios::trunc);
          return static_cast<bool>(out);
        }
        up.fields[current].clear();
        return true;
      },
      [&](const char* data, size_t len) {
        if (current != file_part) {
          std::string& v = up.fields[current];
          if (v.size() + len > kMaxUploadFieldBytes) return false;
          v.append(data, len);
          return true;
        }
        if (!out.is_open()) return false;
        up.bytes += len;
        if (up.bytes > cap) {
          up.too_large = true;
          return false;
        }
        hash.Update(data, len);
        out.write(data, static_cast<std::streamsize>(len));
        return static_cast<bool>(out);
      });
  out.close();
  up.sha256 = hash.Hex();
  return ok;
}

}  // namespace bulwark::http
