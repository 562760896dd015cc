// JSON text written by hand on hot paths (API answers, stored finding columns, `bulwark parse`).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace bulwark::core {

// Appends `text` as a JSON string literal, quotes included, escaped as nlohmann::json::dump writes
// it: `"` and `\`, \b \f \n \r \t, other control characters as \u00xx; UTF-8 bytes as they are.
void AppendJsonString(std::string& out, std::string_view text);

// Appends `items` as a JSON array of strings, without spaces.
void AppendJsonStrings(std::string& out, const std::vector<std::string>& items);

}  // namespace bulwark::core
