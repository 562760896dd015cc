// Reading JSON request bodies where they enter: every accessor checks the type of one field and
// fails with kInvalidArgument naming it ("scanner.repository_key: required"), so handlers turn a
// body into typed values in one place and answer 400 with the field in the message.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "ingest/json_limits.h"

namespace bulwark::http {

// The body as a JSON object; an empty body is {}. kInvalidArgument when it is not an object.
core::Result<nlohmann::json> ParseJsonObject(const httplib::Request& req);

// Holds a JSON request body to the nesting depth and string length limits: kInvalidArgument
// naming the JSON path and the setting, or Ok (also for an empty or multipart body). Called for
// every authenticated route before its handler (auth.h, kdt_support.h).
core::Status CheckJsonBody(const httplib::Request& req, const ingest::JsonLimits& limits);

// A JSON object's fields, named `<prefix>.<field>` in errors.
class JsonFields {
 public:
  JsonFields(const nlohmann::json& object, std::string prefix)
      : object_(object), prefix_(std::move(prefix)) {}

  bool Has(std::string_view field) const;
  core::Result<std::optional<std::string>> OptString(std::string_view field) const;
  core::Result<std::optional<bool>> OptBool(std::string_view field) const;
  core::Result<std::optional<std::int64_t>> OptInt(std::string_view field) const;
  core::Result<std::optional<std::vector<std::string>>> OptStrings(std::string_view field) const;
  // A non-blank string; "required" when absent, null or blank.
  core::Result<std::string> RequiredString(std::string_view field) const;
  // A nested object (absent or null -> nullopt).
  core::Result<std::optional<nlohmann::json>> OptObject(std::string_view field) const;
  // "<prefix>.<field>: <what>" as kInvalidArgument.
  core::Error FieldError(std::string_view field, std::string_view what) const;
  const std::string& prefix() const { return prefix_; }

 private:
  const nlohmann::json& object_;
  std::string prefix_;
};

// A positive integer id from a path match; kNotFound naming `what` otherwise.
core::Result<std::int64_t> PathId(const std::string& text, std::string_view what);

// "2026-01-02T03:04:05.678Z" (UTC, milliseconds).
std::string IsoTime(std::chrono::system_clock::time_point t);

}  // namespace bulwark::http
