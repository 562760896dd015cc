// Parts of the OpenAPI document of GET /api/v1/openapi.json, by route group.
#pragma once

#include <nlohmann/json.hpp>

namespace bulwark::http {

// The scanner and webhook routes: {"paths": {...}, "schemas": {...}}.
nlohmann::json ScannerWebhookOpenApi();

}  // namespace bulwark::http
