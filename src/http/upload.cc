#include "http/upload.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <charconv>
#include <fstream>
#include <random>

#include "ingest/ingest.h"

namespace bulwark::http {
namespace {

using core::ErrorCode;
namespace fs = std::filesystem;

constexpr std::uint64_t kMaxFieldBytes = 64 * 1024;

// Counts only: validates the whole file without keeping findings.
class CheckSink final : public ingest::FindingSink {
 public:
  core::Status Consume(std::span<const domain::Finding>) override { return core::Ok(); }
  bool WantsFindings() const override { return false; }
};

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

struct Reception {
  bool has_file = false;
  bool too_large = false;
};

// Streams the parts: `file_part` to a file in up.dir, the others into up.fields.
bool Receive(const httplib::ContentReader& reader, std::uint64_t cap, const std::string& file_part,
             Upload& up, Reception& got) {
  std::ofstream out;
  std::string current;
  Sha256 hash;
  bool ok = reader(
      [&](const httplib::MultipartFormData& part) {
        current = part.name;
        if (current == file_part) {
          if (got.has_file) return false;  // one file per upload
          got.has_file = true;
          up.file_name = part.filename;
          // Stored under its own name (messages quote it), in a directory of its own.
          std::string safe = fs::path(part.filename).filename().string();
          if (safe.empty() || safe == "." || safe == "..") safe = "upload";
          up.path = up.dir / safe;
          out.open(up.path, std::ios::binary | std::ios::trunc);
          return static_cast<bool>(out);
        }
        up.fields[current].clear();
        return true;
      },
      [&](const char* data, size_t len) {
        if (current != file_part) {
          std::string& v = up.fields[current];
          if (v.size() + len > kMaxFieldBytes) return false;
          v.append(data, len);
          return true;
        }
        up.bytes += len;
        if (up.bytes > cap) {
          got.too_large = true;
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

std::string UniqueName() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return fmt::format("upload-{:016x}", rng());
}

}  // namespace

std::string Upload::Field(const std::string& name) const {
  auto it = fields.find(name);
  return it == fields.end() ? std::string() : it->second;
}

fs::path UploadsDir(const fs::path& data_dir) { return data_dir / "uploads"; }

core::Result<Upload> ReceiveUpload(ApiContext& ctx, const httplib::Request& req,
                                   const httplib::ContentReader& reader,
                                   const std::string& file_part) {
  const std::string too_large = fmt::format(
      "{}: larger than the upload limit of {} bytes; raise max_upload_bytes or split the report",
      file_part, ctx.max_upload_bytes);
  const std::string length = req.get_header_value("Content-Length");
  std::uint64_t declared = 0;
  std::from_chars(length.data(), length.data() + length.size(), declared);
  if (declared > ctx.max_upload_bytes + kMaxFieldBytes) {
    return core::Fail(ErrorCode::kTooLarge, too_large);
  }
  if (!req.is_multipart_form_data()) {
    return core::Fail(ErrorCode::kInvalidArgument,
                      fmt::format("body: send multipart/form-data with the report in a part named "
                                  "`{}`",
                                  file_part));
  }
  Upload up;
  up.dir = UploadsDir(ctx.data_dir) / UniqueName();
  std::error_code ec;
  fs::create_directories(up.dir, ec);
  if (ec) {
    return core::Fail(ErrorCode::kInternal,
                      fmt::format("cannot create the upload directory: {}", ec.message()));
  }
  Reception got;
  const bool received = Receive(reader, ctx.max_upload_bytes, file_part, up, got);
  if (got.too_large) {
    DiscardUpload(up);
    return core::Fail(ErrorCode::kTooLarge, too_large);
  }
  if (!received || !got.has_file) {
    DiscardUpload(up);
    return core::Fail(ErrorCode::kInvalidArgument,
                      received ? fmt::format("{}: missing; send the report in a part named `{}`",
                                             file_part, file_part)
                               : std::string("body: the multipart upload could not be read"));
  }
  return up;
}

core::Status ValidateUpload(const Upload& upload) {
  CheckSink check;
  auto parsed = ingest::ParseFile(upload.path, ingest::Format::kAuto, check);
  if (!parsed) return std::unexpected(parsed.error());
  return core::Ok();
}

void DiscardUpload(const Upload& upload) {
  std::error_code ec;
  fs::remove_all(upload.dir, ec);
}

}  // namespace bulwark::http
