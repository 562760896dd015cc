#include "core/json_text.h"

#include <gtest/gtest.h>

#include <string>

namespace bulwark::core {
namespace {

TEST(JsonText, EscapesQuotesBackslashesAndControlCharactersAsJsonDumpDoes) {
  std::string out = "x";
  AppendJsonString(out, std::string("a\"b\\c\nd\re\tf\bg\fh\x01i\x1fj\0", 20));
  EXPECT_EQ(out, R"(x"a\"b\\c\nd\re\tf\bg\fh\u0001i\u001fj\u0000")");
}

TEST(JsonText, KeepsUtf8AndEmptyStringsAsTheyAre) {
  std::string out;
  AppendJsonString(out, "1.2.3-r0 \xE2\x80\x93 fixed \xC3\xA9");
  AppendJsonString(out, "");
  EXPECT_EQ(out, "\"1.2.3-r0 \xE2\x80\x93 fixed \xC3\xA9\"\"\"");
}

TEST(JsonText, WritesAListAsAnArrayOfStrings) {
  std::string out;
  AppendJsonStrings(out, {"a", "b\"c"});
  AppendJsonStrings(out, {});
  EXPECT_EQ(out, R"(["a","b\"c"][])");
}

}  // namespace
}  // namespace bulwark::core
