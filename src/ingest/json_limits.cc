#include "ingest/json_limits.h"

#include <fmt/format.h>

#include <string>
#include <vector>

namespace bulwark::ingest {
namespace {

// One open object or array; `key` (a view into the text) is the last key read in an object.
struct Frame {
  bool object = false;
  bool expect_key = false;
  std::size_t index = 0;
  std::string_view key;
};

std::string PathOf(const std::vector<Frame>& stack) {
  std::string path = "$";
  for (const Frame& f : stack) {
    if (f.object) {
      if (!f.key.empty()) path.append(".").append(f.key);
    } else {
      path += fmt::format("[{}]", f.index);
    }
  }
  return path;
}

// The offset of the quote that closes the string opened at `open`, or npos when unterminated.
std::size_t StringEnd(std::string_view text, std::size_t open) {
  std::size_t pos = open + 1;
  while (true) {
    pos = text.find_first_of("\"\\", pos);
    if (pos == std::string_view::npos) return pos;
    if (text[pos] == '"') return pos;
    pos += 2;  // a backslash escapes the next character
  }
}

}  // namespace

core::Status CheckJsonLimits(std::string_view text, const JsonLimits& limits) {
  std::vector<Frame> stack;
  for (std::size_t pos = 0; pos < text.size(); ++pos) {
    const char c = text[pos];
    if (c == '"') {
      const std::size_t end = StringEnd(text, pos);
      if (end == std::string_view::npos) return core::Ok();  // malformed: the parser says where
      const std::size_t length = end - pos - 1;
      const bool is_key = !stack.empty() && stack.back().object && stack.back().expect_key;
      if (is_key) stack.back().key = {};  // the path of a key is its object's
      if (length > limits.max_string_bytes) {
        return core::Fail(core::ErrorCode::kTooLarge,
                          fmt::format("{}: {} of {} bytes is longer than the limit of {} bytes "
                                      "(max_json_string_bytes)",
                                      PathOf(stack), is_key ? "an object key" : "a string", length,
                                      limits.max_string_bytes));
      }
      if (is_key) stack.back().key = text.substr(pos + 1, length);
      pos = end;
    } else if (c == '{' || c == '[') {
      if (stack.size() >= limits.max_depth) {
        return core::Fail(core::ErrorCode::kTooLarge,
                          fmt::format("{}: nested deeper than the limit of {} levels "
                                      "(max_json_depth)",
                                      PathOf(stack), limits.max_depth));
      }
      stack.push_back(Frame{c == '{', c == '{', 0, {}});
    } else if (c == '}' || c == ']') {
      if (stack.empty()) return core::Ok();
      stack.pop_back();
    } else if (c == ',') {
      if (stack.empty()) return core::Ok();
      Frame& top = stack.back();
      if (top.object) {
        top.expect_key = true;
      } else {
        ++top.index;
      }
    } else if (c == ':') {
      if (!stack.empty()) stack.back().expect_key = false;
    }
  }
  return core::Ok();
}

}  // namespace bulwark::ingest
