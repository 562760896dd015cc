// The HTTP face of core::Error: one mapping from error codes to statuses and one JSON error body
// shape, {"code": "<stable name>", "message": "<human text>", "request_id": "..."}.
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace bulwark::http {

int HttpStatusFor(core::ErrorCode code);

// Sets status, the JSON error body and, for kUnauthenticated, WWW-Authenticate.
void WriteError(httplib::Response& res, const core::Error& error);

void WriteJson(httplib::Response& res, int status, const nlohmann::json& body);

}  // namespace bulwark::http
