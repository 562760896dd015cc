// A strict, slow, exact JSON checker used only after simdjson reported an error, to tell the user
// where the first problem is (simdjson does not report positions for every error).
#include <cctype>
#include <cstring>
#include <vector>

#include "ingest/json_support.h"

namespace bulwark::ingest::internal {
namespace {

class Checker {
 public:
  explicit Checker(std::string_view text) : text_(text) {}

  std::optional<SyntaxError> Run() {
    SkipSpace();
    if (pos_ >= text_.size()) return Error("no JSON value (empty input)");
    if (auto err = Value()) return err;
    SkipSpace();
    if (pos_ < text_.size())
      return Error("trailing text after the JSON value (more than one document?)");
    return std::nullopt;
  }

 private:
  std::optional<SyntaxError> Error(std::string problem) {
    return SyntaxError{pos_, std::move(problem)};
  }

  void SkipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' ||
                                   text_[pos_] == '\r' || text_[pos_] == '\t'))
      ++pos_;
  }

  std::optional<SyntaxError> Literal(const char* word) {
    std::size_t n = std::strlen(word);
    if (text_.substr(pos_, n) != word) return Error("invalid literal");
    pos_ += n;
    return std::nullopt;
  }

  std::optional<SyntaxError> String() {
    ++pos_;  // opening quote
    while (pos_ < text_.size()) {
      unsigned char c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        ++pos_;
        return std::nullopt;
      }
      if (c < 0x20) return Error("control character in a string");
      if (c == '\\') {
        ++pos_;
        if (pos_ >= text_.size()) break;
        char e = text_[pos_];
        if (e == 'u') {
          for (int i = 1; i <= 4; ++i) {
            if (pos_ + i >= text_.size() ||
                !std::isxdigit(static_cast<unsigned char>(text_[pos_ + i])))
              return Error("invalid \\u escape");
          }
          pos_ += 4;
        } else if (std::strchr("\"\\/bfnrt", e) == nullptr) {
          return Error("invalid escape in a string");
        }
      }
      ++pos_;
    }
    return Error("unterminated string");
  }

  std::optional<SyntaxError> Number() {
    std::size_t start = pos_;
    if (text_[pos_] == '-') ++pos_;
    auto digits = [&] {
      std::size_t s = pos_;
      while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
      return pos_ - s;
    };
    if (digits() == 0) return SyntaxError{start, "invalid number"};
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      if (digits() == 0) return SyntaxError{start, "invalid number"};
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      if (digits() == 0) return SyntaxError{start, "invalid number"};
    }
    return std::nullopt;
  }

  std::optional<SyntaxError> Scalar() {
    char c = text_[pos_];
    if (c == '"') return String();
    if (c == 't') return Literal("true");
    if (c == 'f') return Literal("false");
    if (c == 'n') return Literal("null");
    if (c == '-' || std::isdigit(static_cast<unsigned char>(c))) return Number();
    return Error("unexpected character (expected a JSON value)");
  }

  // Iterative over nested containers: stack holds '{' or '['.
  std::optional<SyntaxError> Value() {
    std::vector<char> stack;
    bool expect_value = true;
    while (true) {
      SkipSpace();
      if (pos_ >= text_.size()) return Error("unexpected end of input (truncated file?)");
      if (expect_value) {
        char c = text_[pos_];
        if (c == '{' || c == '[') {
          stack.push_back(c);
          ++pos_;
          SkipSpace();
          if (pos_ < text_.size() && text_[pos_] == (c == '{' ? '}' : ']')) {
            stack.pop_back();
            ++pos_;
            expect_value = false;
            if (stack.empty()) return std::nullopt;
            continue;
          }
          if (c == '{') {
            if (auto err = Key()) return err;
          }
          continue;
        }
        if (auto err = Scalar()) return err;
        expect_value = false;
        if (stack.empty()) return std::nullopt;
        continue;
      }
      char c = text_[pos_];
      char open = stack.back();
      if (c == ',') {
        ++pos_;
        expect_value = true;
        if (open == '{') {
          SkipSpace();
          if (auto err = Key()) return err;
        }
        continue;
      }
      if ((open == '{' && c == '}') || (open == '[' && c == ']')) {
        ++pos_;
        stack.pop_back();
        if (stack.empty()) return std::nullopt;
        continue;
      }
      return Error(open == '{' ? "expected ',' or '}'" : "expected ',' or ']'");
    }
  }

  std::optional<SyntaxError> Key() {
    SkipSpace();
    if (pos_ >= text_.size() || text_[pos_] != '"') return Error("expected a quoted object key");
    if (auto err = String()) return err;
    SkipSpace();
    if (pos_ >= text_.size() || text_[pos_] != ':')
      return Error("expected ':' after an object key");
    ++pos_;
    return std::nullopt;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

std::optional<SyntaxError> FindSyntaxError(std::string_view text) { return Checker(text).Run(); }

}  // namespace bulwark::ingest::internal
