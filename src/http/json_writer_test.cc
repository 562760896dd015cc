#include "http/json_writer.h"

#include <gtest/gtest.h>

#include <limits>
#include <nlohmann/json.hpp>

namespace bulwark::http {
namespace {

TEST(JsonWriter, WritesNestedContainersWithCommasOnlyBetweenElements) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Key("a").BeginArray().Int(1).Int(-2).EndArray();
  w.Key("b").BeginObject().EndObject().Key("c").Null().Key("d").Strings({"x", "y"});
  w.Key("e").OptInt(std::nullopt).Key("f").OptString(std::string("z")).EndObject();
  EXPECT_EQ(out, R"({"a":[1,-2],"b":{},"c":null,"d":["x","y"],"e":null,"f":"z"})");
}

TEST(JsonWriter, EscapesQuotesBackslashesAndControlCharactersAndKeepsUtf8) {
  const std::string text = "q\"b\\n\nt\tc\x01 \xc3\xa9\xe2\x89\xa5";
  std::string out;
  JsonWriter(out).String(text);
  EXPECT_EQ(out, "\"q\\\"b\\\\n\\nt\\tc\\u0001 \xc3\xa9\xe2\x89\xa5\"");
  EXPECT_EQ(nlohmann::json::parse(out).get<std::string>(), text);
}

TEST(JsonWriter, WritesShortestRoundTripNumbersAndNullForNonFinite) {
  std::string out;
  JsonWriter w(out);
  w.BeginArray().Double(7.5).Double(9.8).Double(0.1 + 0.2);
  w.Double(std::numeric_limits<double>::infinity()).EndArray();
  auto parsed = nlohmann::json::parse(out);
  EXPECT_EQ(parsed[0].get<double>(), 7.5);
  EXPECT_EQ(parsed[1].get<double>(), 9.8);
  EXPECT_EQ(parsed[2].get<double>(), 0.1 + 0.2);
  EXPECT_TRUE(parsed[3].is_null());
}

}  // namespace
}  // namespace bulwark::http
