// An xray-report file read in windows of whole rows (parsers.h: ParseReportInWindows).
//
// Each window is parsed as the document `[[` + rows text + `]`: the outer array is never read
// past its first element, and the `]` closes the inner one, so the rows of a window are read
// exactly as they are in the whole document. The only row a cut can damage is the last one of a
// window: a cut inside it leaves it unclosed, and one inside a string fails the window's stage 1;
// either way that row is read again from its start in the next window.
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "ingest/parsers.h"

namespace bulwark::ingest::internal {
namespace {

// The keys before the rows are looked for in this many bytes at the start of the file.
constexpr std::size_t kHeadBytes = std::size_t{64} << 10;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Text read from the file into a buffer with simdjson's padding, after a prefix of our own.
class Window {
 public:
  // Reads `count` bytes at `offset` after `prefix`; the text (prefix included) is then text().
  // `extra` bytes after them stay writable for a suffix.
  void Load(int fd, std::uint64_t offset, std::size_t count, std::string_view prefix,
            std::size_t extra = 0) {
    const std::size_t need = prefix.size() + count + extra + simdjson::SIMDJSON_PADDING;
    if (need > capacity_) {
      capacity_ = std::max(need, capacity_ * 2);
      buffer_ = std::make_unique_for_overwrite<char[]>(capacity_);
    }
    std::memcpy(buffer_.get(), prefix.data(), prefix.size());
    char* at = buffer_.get() + prefix.size();
    std::size_t done = 0;
    while (done < count) {
      ssize_t got = pread(fd, at + done, count - done, static_cast<off_t>(offset + done));
      if (got < 0 && errno == EINTR) continue;
      if (got < 0)
        Refuse(core::ErrorCode::kUnavailable,
               fmt::format("cannot read the file: {}; check that it is readable and try again",
                           std::strerror(errno)));
      if (got == 0)
        Refuse(core::ErrorCode::kUnavailable,
               "the file became shorter while it was read; import it again once it is written");
      done += static_cast<std::size_t>(got);
    }
    size_ = prefix.size() + count;
  }
  char* data() { return buffer_.get(); }
  std::size_t size() const { return size_; }
  // Ends the text at `size` (<= the size loaded plus `extra`) and pads it.
  simdjson::padded_string_view Padded(std::size_t size) {
    size_ = size;
    std::memset(buffer_.get() + size, 0, simdjson::SIMDJSON_PADDING);
    return simdjson::padded_string_view(buffer_.get(), size, capacity_);
  }

 private:
  std::unique_ptr<char[]> buffer_;
  std::size_t capacity_ = 0;
  std::size_t size_ = 0;
};

// Where the window's rows text may end: just after the last '}' that a ',' follows within the
// text (then *comma is the offset of that ','); 0 when there is none. Whether that '}' ends a row
// (and not an object nested in one, nor text inside a string) is for the parse to prove.
std::size_t RowCut(const char* text, std::size_t size, std::size_t* comma) {
  for (std::size_t i = size; i-- > 0;) {
    if (text[i] != '}') continue;
    std::size_t j = i + 1;
    while (j < size && IsSpace(text[j])) ++j;
    if (j < size && text[j] == ',') {
      *comma = j;
      return i + 1;
    }
  }
  return 0;
}

// Offset of the '[' of the first `"rows"` key in `head`, or npos. Only a candidate: the caller
// proves it is the key by parsing the text before it.
std::size_t RowsBracket(std::string_view head) {
  for (std::size_t at = head.find("\"rows\""); at != std::string_view::npos;
       at = head.find("\"rows\"", at + 1)) {
    std::size_t i = at + 6;
    while (i < head.size() && IsSpace(head[i])) ++i;
    if (i >= head.size() || head[i] != ':') continue;
    ++i;
    while (i < head.size() && IsSpace(head[i])) ++i;
    if (i < head.size() && head[i] == '[') return i;
  }
  return std::string_view::npos;
}

// The keys before the rows, read from `{...keys, "rows": []}` made of the head: they must prove
// an xray-report on their own, as Detect decides it. Fills `top` and `facts`; false when the file
// does not qualify (nothing was emitted).
bool ReadHead(int fd, std::uint64_t size, Window& head, od::parser& parser, Emitter& out,
              ReportTopLevel& top, TopLevelFacts& facts, std::uint64_t* rows_offset) {
  const std::size_t count = static_cast<std::size_t>(std::min<std::uint64_t>(size, kHeadBytes));
  head.Load(fd, 0, count, "", 2);
  std::string_view text(head.data(), head.size());
  std::size_t start = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  const std::size_t bracket = RowsBracket(text.substr(start));
  if (bracket == std::string_view::npos) return false;
  const std::size_t end = start + bracket + 1;  // just after the '['
  head.data()[end] = ']';
  head.data()[end + 1] = '}';
  simdjson::padded_string_view json = head.Padded(end + 2);
  json = simdjson::padded_string_view(json.data() + start, json.size() - start,
                                      json.capacity() - start);
  try {
    od::document doc = parser.iterate(json);
    Detection detection = Detect(doc);
    if (detection.format != Format::kReport || !detection.confirm_after_parse) return false;
    doc.rewind();
    for (auto field_result : doc.get_object()) {
      od::field& field = InPlace(field_result);
      std::string_view key = KeyOf(field);
      od::value& value = field.value();
      if (key == "rows") {
        if (value.raw_json_token().data() != head.data() + end - 1) return false;
        facts.Note(key, od::json_type::array);
        top.has_rows = true;
        *rows_offset = end;
        return true;
      }
      ReadReportField(key, value, top, out, &facts);
    }
  } catch (const simdjson::simdjson_error&) {
  } catch (const Failure&) {
  }
  return false;
}

// The top-level fields after the rows: the text from the ',' or '}' that follows them to the end
// of the file, read as the object `{` + text (the ',' blanked).
void ReadTail(int fd, std::uint64_t offset, std::uint64_t size, Window& tail, od::parser& parser,
              Emitter& out, ReportTopLevel& top, TopLevelFacts& facts) {
  tail.Load(fd, offset, static_cast<std::size_t>(size - offset), "{");
  // What the whole parse accepts after the rows: `}`, or `,` and a key. Anything else (`], }`,
  // `] "key"`) must be refused here too, though the object built below would read it.
  std::string_view text(tail.data(), tail.size());
  const std::size_t key = text.find_first_not_of(" \t\r\n", 2);
  if (text.size() < 2 ||
      (text[1] != '}' && (text[1] != ',' || key == std::string_view::npos || text[key] != '"')))
    throw WindowedSyntaxError{};
  if (text[1] == ',') tail.data()[1] = ' ';
  try {
    od::document doc = parser.iterate(tail.Padded(tail.size()));
    for (od::field field : doc.get_object())
      ReadReportField(KeyOf(field), field.value(), top, out, &facts);
    if (doc.current_location().error() == simdjson::SUCCESS) throw WindowedSyntaxError{};
  } catch (const simdjson::simdjson_error&) {
    throw WindowedSyntaxError{};
  }
}

}  // namespace

std::optional<std::int64_t> ParseReportInWindows(int fd, std::uint64_t size, std::size_t window,
                                                 Emitter& out) {
  od::parser parser;
  Window head;
  ReportTopLevel top;
  TopLevelFacts facts;  // its keys point into `head` and `tail`, which outlive it
  std::uint64_t offset = 0;
  if (!ReadHead(fd, size, head, parser, out, top, facts, &offset)) return std::nullopt;

  const std::uint64_t rows_start = offset;
  ReportRowReader reader(out);
  Window text;
  std::size_t span = std::max<std::size_t>(window, 64);
  constexpr std::string_view kPrefix = "[[";
  while (true) {
    const std::size_t count =
        static_cast<std::size_t>(std::min<std::uint64_t>(span, size - offset));
    const bool last = offset + count == size;
    text.Load(fd, offset, count, kPrefix, 1);
    const char* rows_text = text.data() + kPrefix.size();
    std::size_t cut = count;
    std::size_t comma = 0;
    if (!last && (cut = RowCut(rows_text, count, &comma)) == 0) {
      span *= 2;  // no row ends in this window
      continue;
    }
    text.data()[kPrefix.size() + cut] = ']';
    od::document doc;
    if (parser.iterate(text.Padded(kPrefix.size() + cut + 1)).get(doc) != simdjson::SUCCESS) {
      if (last) throw WindowedSyntaxError{};
      span *= 2;  // a cut inside a string, or an error the whole file will name
      continue;
    }
    ++out.report().windows;
    // Where the next window starts: after the ',' that follows the last row emitted.
    std::uint64_t next = offset;
    bool emitted = false;
    bool failed = false;
    try {
      od::array outer = doc.get_array();
      od::array rows = (*outer.begin()).get_array();
      auto it = rows.begin();
      const auto end = rows.end();
      while (true) {
        try {
          if (!(it != end)) break;
          reader.ReadFields((*it).value());
        } catch (const simdjson::simdjson_error&) {
          failed = true;
          break;
        } catch (const Failure&) {
          failed = true;
          break;
        }
        reader.Finish();
        emitted = true;
        auto after = doc.current_location();
        // Our ']' follows every row, so there is always a next character; a row not followed by
        // one would be read again, so it is refused instead.
        if (after.error() != simdjson::SUCCESS) throw WindowedSyntaxError{};
        const char* separator = after.value_unsafe();
        if (*separator == ',') {
          next = offset + static_cast<std::uint64_t>(separator + 1 - rows_text);
        } else if (separator == rows_text + cut) {
          next = offset + comma + 1;  // the row ended at the cut
        } else if (*separator != ']') {
          throw WindowedSyntaxError{};  // no ',' between two rows
        }
        ++it;
      }
    } catch (const simdjson::simdjson_error&) {
      failed = true;
    }
    if (failed) {
      // Reading a row again once it was emitted would emit it twice.
      if (last || (emitted && next <= offset)) throw WindowedSyntaxError{};
      if (emitted) {
        offset = next;
        span = std::max<std::size_t>(window, 64);
      } else {
        span *= 2;  // the first row of the window did not fit in it (or is wrong)
      }
      continue;
    }
    // A window starts after a ',' but at the first row: it holds a row, or the rows end in `,]`.
    if (!emitted && offset != rows_start) throw WindowedSyntaxError{};
    // The rows array closed: at our ']' (more rows follow) or at the file's own ']'.
    auto after = doc.current_location();
    if (after.error() != simdjson::SUCCESS) {
      // The file ends inside the rows; or no row before our ']', which text ending in '}' cannot
      // give: refused rather than skipped.
      if (last || !emitted) throw WindowedSyntaxError{};
      offset = next;
      span = std::max<std::size_t>(window, 64);
      continue;
    }
    const std::uint64_t tail =
        offset + static_cast<std::uint64_t>(after.value_unsafe() - rows_text);
    Window tail_text;
    ReadTail(fd, tail, size, tail_text, parser, out, top, facts);
    if (DecideObject(facts) != Format::kReport)
      Refuse(core::ErrorCode::kInternal, "format detection changed its mind");
    return EndReport(top, out);
  }
}

}  // namespace bulwark::ingest::internal
