// The multipart upload reader of POST /api/v1/projects/{id}/imports: streams the `file` part to
// disk (never whole in memory) while hashing it, keeps the other parts as small text fields, and
// stops at the upload limit. Separate from the route so it can be fuzzed (fuzz/).
#pragma once

#include <httplib.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

namespace bulwark::http {

struct Upload {
  std::filesystem::path dir;   // one directory per upload, created by the caller
  std::filesystem::path path;  // where the file part was written: always directly inside `dir`
  std::string file_name;       // the name the client gave, as given (for messages)
  std::uint64_t bytes = 0;
  std::string sha256;  // lower-case hex of the file part
  std::map<std::string, std::string> fields;
  bool too_large = false;  // the file part passed `cap` bytes (reading stopped there)
  bool has_file = false;

  // A text part's value, "" when absent.
  std::string Field(const std::string& name) const;
};

// Text fields (every part but `file`) longer than this stop the upload.
inline constexpr std::size_t kMaxUploadFieldBytes = 64 * 1024;

// Reads every part of `reader` into `up` (whose `dir` must exist): the part named `file_part` to
// a file, the others into `fields`. False when the body could not be read, a field was too long,
// the file could not be written or was larger than `cap` (then `too_large` is set).
bool ReceiveUpload(const httplib::ContentReader& reader, std::uint64_t cap, Upload& up,
                   const std::string& file_part = "file");

}  // namespace bulwark::http
