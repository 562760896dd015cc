#include "http/request_json.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <charconv>

namespace bulwark::http {

using core::ErrorCode;

core::Result<nlohmann::json> ParseJsonObject(const httplib::Request& req) {
  if (req.body.empty()) return nlohmann::json::object();
  auto body = nlohmann::json::parse(req.body, nullptr, false);
  if (body.is_discarded()) {
    return core::Fail(ErrorCode::kInvalidArgument,
                      "request body is not valid JSON; send a JSON object");
  }
  if (!body.is_object()) {
    return core::Fail(ErrorCode::kInvalidArgument, "request body must be a JSON object");
  }
  return body;
}

core::Status CheckJsonBody(const httplib::Request& req, const ingest::JsonLimits& limits) {
  if (req.body.empty() || req.is_multipart_form_data()) return core::Ok();
  auto within = ingest::CheckJsonLimits(req.body, limits);
  if (!within) {
    return core::Fail(ErrorCode::kInvalidArgument, "request body: " + within.error().message);
  }
  return core::Ok();
}

bool JsonFields::Has(std::string_view field) const {
  auto it = object_.find(field);
  return it != object_.end() && !it->is_null();
}

core::Error JsonFields::FieldError(std::string_view field, std::string_view what) const {
  return core::Error{ErrorCode::kInvalidArgument, fmt::format("{}.{}: {}", prefix_, field, what)};
}

core::Result<std::optional<std::string>> JsonFields::OptString(std::string_view field) const {
  if (!Has(field)) return std::optional<std::string>{};
  const auto& v = object_.at(std::string(field));
  if (!v.is_string()) return std::unexpected(FieldError(field, "must be a string"));
  return std::optional<std::string>{v.get<std::string>()};
}

core::Result<std::optional<bool>> JsonFields::OptBool(std::string_view field) const {
  if (!Has(field)) return std::optional<bool>{};
  const auto& v = object_.at(std::string(field));
  if (!v.is_boolean()) return std::unexpected(FieldError(field, "must be true or false"));
  return std::optional<bool>{v.get<bool>()};
}

core::Result<std::optional<std::int64_t>> JsonFields::OptInt(std::string_view field) const {
  if (!Has(field)) return std::optional<std::int64_t>{};
  const auto& v = object_.at(std::string(field));
  if (!v.is_number_integer()) return std::unexpected(FieldError(field, "must be an integer"));
  return std::optional<std::int64_t>{v.get<std::int64_t>()};
}

core::Result<std::optional<std::vector<std::string>>> JsonFields::OptStrings(
    std::string_view field) const {
  if (!Has(field)) return std::optional<std::vector<std::string>>{};
  const auto& v = object_.at(std::string(field));
  if (!v.is_array()) return std::unexpected(FieldError(field, "must be a list of strings"));
  std::vector<std::string> out;
  for (const auto& item : v) {
    if (!item.is_string()) return std::unexpected(FieldError(field, "must be a list of strings"));
    out.push_back(item.get<std::string>());
  }
  return std::optional<std::vector<std::string>>{std::move(out)};
}

core::Result<std::string> JsonFields::RequiredString(std::string_view field) const {
  auto v = OptString(field);
  if (!v) return std::unexpected(v.error());
  if (!*v || (*v)->find_first_not_of(" \t\r\n") == std::string::npos) {
    return std::unexpected(FieldError(field, "required"));
  }
  return **v;
}

core::Result<std::optional<nlohmann::json>> JsonFields::OptObject(std::string_view field) const {
  if (!Has(field)) return std::optional<nlohmann::json>{};
  const auto& v = object_.at(std::string(field));
  if (!v.is_object()) return std::unexpected(FieldError(field, "must be an object"));
  return std::optional<nlohmann::json>{v};
}

core::Result<std::int64_t> PathId(const std::string& text, std::string_view what) {
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || end != text.data() + text.size() || id <= 0) {
    return core::Fail(ErrorCode::kNotFound, fmt::format("{} '{}' not found", what, text));
  }
  return id;
}

std::string IsoTime(std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::time_point_cast<std::chrono::milliseconds>(t);
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", ms);
}

}  // namespace bulwark::http
