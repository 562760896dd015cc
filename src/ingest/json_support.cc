#include "ingest/json_support.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <utility>

namespace bulwark::ingest::internal {

void Refuse(core::ErrorCode code, std::string message) { throw Failure{code, std::move(message)}; }

void RefuseAt(std::string_view format, std::string_view path, std::string_view problem) {
  Refuse(core::ErrorCode::kDataLoss, fmt::format("{}: {}: {}", format, path, problem));
}

Emitter::Emitter(FindingSink* sink, std::size_t batch_size, ParseReport& report,
                 std::uint64_t max_rows)
    : sink_(sink != nullptr && sink->WantsFindings() ? sink : nullptr),
      batch_size_(std::max<std::size_t>(batch_size, 1)),
      report_(report),
      max_rows_(max_rows) {
  if (sink_ != nullptr) batch_.reserve(batch_size_);
}

void Emitter::Emit(domain::Finding&& finding) {
  if (report_.findings >= max_rows_) {
    Refuse(core::ErrorCode::kTooLarge,
           fmt::format("more than {} findings in one import (max_import_rows); split the report",
                       max_rows_));
  }
  ++report_.findings;
  ++report_.by_kind[static_cast<std::size_t>(finding.kind)];
  ++report_.by_severity[static_cast<std::size_t>(finding.severity)];
  if (sink_ == nullptr) return;
  batch_.push_back(std::move(finding));
  if (batch_.size() >= batch_size_) Flush();
}

void Emitter::Flush() {
  if (sink_ == nullptr || batch_.empty()) return;
  core::Status status = sink_->Consume(batch_);
  batch_.clear();
  if (!status) throw SinkFailure{status.error()};
}

std::string IndexPath(std::string_view base, std::size_t index) {
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof(digits), index).ptr;
  std::string out;
  out.reserve(base.size() + static_cast<std::size_t>(end - digits) + 2);
  out.append(base).append(1, '[').append(digits, end).append(1, ']');
  return out;
}

bool IsNull(od::value value) { return value.is_null(); }

namespace {

void AppendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::uint32_t Hex4(const char* p) {
  std::uint32_t v = 0;
  std::from_chars(p, p + 4, v, 16);
  return v;
}

// Copies a JSON string body (after the opening quote, already validated by simdjson) straight
// from the input, unescaping on the way. Reading from the input instead of simdjson's string
// buffer keeps peak memory near the file size.
void AppendJsonString(const char* p, std::string& out) {
  while (true) {
    // The closing quote exists (simdjson validated the string), so an unbounded search is safe.
    const char* quote = static_cast<const char*>(rawmemchr(p, '"'));
    const char* q =
        static_cast<const char*>(std::memchr(p, '\\', static_cast<std::size_t>(quote - p)));
    if (q == nullptr) {
      out.append(p, static_cast<std::size_t>(quote - p));
      return;
    }
    out.append(p, static_cast<std::size_t>(q - p));
    char e = q[1];
    p = q + 2;
    switch (e) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'u': {
        std::uint32_t cp = Hex4(p);
        p += 4;
        if (cp >= 0xD800 && cp < 0xDC00 && p[0] == '\\' && p[1] == 'u') {
          std::uint32_t low = Hex4(p + 2);
          if (low >= 0xDC00 && low < 0xE000) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            p += 6;
          }
        }
        AppendUtf8(out, cp);
        break;
      }
      default:
        out += e;  // " \\ /
    }
  }
}

}  // namespace

std::string String(od::value value) {
  std::string out;
  AssignString(value, out);
  return out;
}

// The text between the quotes of the string value (escapes kept), found without a search for
// the closing quote: a value's token runs to the next structural character, so it is the string
// and then only whitespace. Peeks; the caller consumes the value. `token` must start with '"'.
std::string_view BodyOf(std::string_view token) {
  std::size_t end = token.size();
  while (end > 2 && token[end - 1] != '"') --end;
  return token.substr(1, end - 2);
}

bool HasEscape(std::string_view body) {
  return std::memchr(body.data(), '\\', body.size()) != nullptr;
}

std::string_view StringView(od::value& value) {
  std::string_view token = value.raw_json_token();
  if (token.empty() || token[0] != '"') throw simdjson::simdjson_error(simdjson::INCORRECT_TYPE);
  std::string_view body = BodyOf(token);
  if (HasEscape(body)) return value.get_string();
  (void)value.get_raw_json_string();  // consumes the value
  return body;
}

void AssignString(od::value& value, std::string& out) {
  std::string_view token = value.raw_json_token();
  if (!token.empty() && token[0] == '"') {
    std::string_view body = BodyOf(token);
    (void)value.get_raw_json_string();  // consumes the value
    out.clear();
    if (HasEscape(body)) {
      AppendJsonString(body.data(), out);
    } else {
      out.append(body);
    }
    return;
  }
  out.clear();
  if (value.is_null()) return;
  (void)value.get_raw_json_string();  // throws INCORRECT_TYPE
}

std::vector<std::string> Strings(od::value value) {
  std::vector<std::string> out;
  AssignStrings(value, out);
  return out;
}

void AssignStrings(od::value& value, std::vector<std::string>& out) {
  std::size_t count = 0;
  if (!value.is_null()) {
    for (auto element : value.get_array()) {
      od::value& v = InPlace(element);
      if (v.is_null()) continue;
      if (count == out.size()) out.emplace_back();
      AssignString(v, out[count++]);
    }
  }
  out.resize(count);
}

namespace {

std::optional<double> ParseDouble(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  double out = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc() || end == text.data()) return std::nullopt;
  return out;
}

void AssignCvss(std::string_view key, std::string_view suffix, od::value& value, domain::Cve& cve) {
  domain::Cvss* target = nullptr;
  if (key.starts_with("2") || key.starts_with("V2")) target = &cve.v2;
  if (key.starts_with("3") || key.starts_with("V3")) target = &cve.v3;
  if (key.starts_with("4") || key.starts_with("V4")) target = &cve.v4;
  if (target == nullptr) return;
  if (suffix == "score" || suffix.empty()) {
    if (value.type() == od::json_type::string) {
      std::string_view text = StringView(value);
      if (suffix.empty()) {
        SplitScoreVector(text, *target);
      } else {
        target->score = ParseDouble(text);
      }
    } else {
      target->score = Score(value);
    }
  } else if (suffix == "vector") {
    AssignString(value, target->vector);
  }
}

// Back to an empty CVE, keeping the capacity of its strings.
void ResetCve(domain::Cve& cve) {
  cve.id.clear();
  for (domain::Cvss* cvss : {&cve.v2, &cve.v3, &cve.v4}) {
    cvss->score.reset();
    cvss->vector.clear();
  }
  cve.cwes.clear();
}

void ReadCve(od::object object, domain::Cve& cve) {
  for (auto result : object) {
    od::field& field = InPlace(result);
    const char* raw = field.key().raw();
    od::value& value = field.value();
    if (KeyIs(raw, "cve") || KeyIs(raw, "id")) {
      AssignString(value, cve.id);
    } else if (KeyIs(raw, "cwe") || KeyIs(raw, "cwes")) {
      if (value.is_null()) continue;
      for (auto element : value.get_array()) {
        od::value& v = InPlace(element);
        if (v.type() == od::json_type::number) {
          cve.cwes.push_back(fmt::format("CWE-{}", int64_t(v.get_int64())));
        } else {
          std::string text = String(v);
          if (!text.empty() && std::isdigit(static_cast<unsigned char>(text[0])))
            text = "CWE-" + text;
          if (!text.empty()) cve.cwes.push_back(std::move(text));
        }
      }
    } else if (std::memcmp(raw, "cvss", 4) == 0) {
      std::string_view key = KeyView(raw);
      if (key.starts_with("cvss_v")) {  // cvss_v3_score, cvss_v3_vector, cvss_v3
        std::string_view rest = key.substr(6);
        std::string_view suffix = rest.size() > 2 ? rest.substr(2) : std::string_view();
        AssignCvss(rest, suffix, value, cve);
      } else {  // cvssV3, cvssV3Vector
        std::string_view rest = key.substr(4);
        AssignCvss(rest, rest.size() > 2 ? "vector" : "score", value, cve);
      }
    }
  }
}

}  // namespace

std::optional<double> Score(od::value& value) {
  switch (value.type()) {
    case od::json_type::number:
      return double(value.get_double());
    case od::json_type::string:
      return ParseDouble(StringView(value));
    case od::json_type::null:
      return std::nullopt;
    default:
      throw simdjson::simdjson_error(simdjson::INCORRECT_TYPE);
  }
}

void SplitScoreVector(std::string_view text, domain::Cvss& out) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    out.score = ParseDouble(text);
    if (!out.score && !text.empty()) out.vector = text;
    return;
  }
  out.score = ParseDouble(text.substr(0, slash));
  out.vector = text.substr(slash + 1);
}

domain::Cve ParseCve(od::object object) {
  domain::Cve cve;
  ReadCve(object, cve);
  return cve;
}

std::vector<domain::Cve> ParseCves(od::value value) {
  std::vector<domain::Cve> out;
  AssignCves(value, out);
  return out;
}

void AssignCves(od::value& value, std::vector<domain::Cve>& out) {
  std::size_t count = 0;
  if (!value.is_null()) {
    for (auto element : value.get_array()) {
      od::object object = element.get_object();
      if (count == out.size()) out.emplace_back();
      domain::Cve& cve = out[count++];
      ResetCve(cve);
      ReadCve(object, cve);
    }
  }
  out.resize(count);
}

void CollectCwes(domain::Finding& finding) {
  for (const domain::Cve& cve : finding.cves) {
    for (const std::string& cwe : cve.cwes) {
      if (std::find(finding.cwes.begin(), finding.cwes.end(), cwe) == finding.cwes.end())
        finding.cwes.push_back(cwe);
    }
  }
}

void NormalizeApplicability(std::string_view text, std::string& out) {
  out.resize(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    out[i] = c == ' ' || c == '-'   ? '_'
             : c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a')
                                    : c;
  }
}

std::string NormalizeApplicability(std::string_view text) {
  std::string out;
  NormalizeApplicability(text, out);
  return out;
}

std::string DescribeOffset(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  std::size_t line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return fmt::format("line {}, column {} (byte offset {})", line, offset - line_start + 1, offset);
}

}  // namespace bulwark::ingest::internal
