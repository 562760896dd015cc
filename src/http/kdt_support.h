// Shared pieces of the kdt-compatible API (kdt_routes.cc, kdt_scan_routes.cc): the answer shapes
// that the `kdt` CLI parses (specs/kdt-compat.md section 2), its ids, its authentication headers
// and its error body {"error": "..."}.
//
// Ids: kdt checks scan ids as 24-hex Mongo ObjectIDs, so every id on this API is rendered as the
// integer id zero-padded to 24 lowercase hex digits (42 -> 00000000000000000000002a); input
// accepts that form and the plain decimal id. An event id is its scan's id.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "http/api_context.h"
#include "http/auth.h"

namespace bulwark::http::kdt {

inline constexpr std::string_view kTool = "jfrogxraysca";
inline constexpr std::int64_t kScannerId = 1;  // the JFrog Xray SCA scanner's id on this API

std::string RenderId(std::int64_t id);
// 24-hex ObjectID form or decimal; kInvalidArgument naming `what` otherwise.
core::Result<std::int64_t> ParseId(std::string_view text, std::string_view what);

// Writes {"error": message} with the status that fits the code.
void WriteKdtError(httplib::Response& res, const core::Error& error);

using KdtHandler = std::function<void(const httplib::Request&, httplib::Response&)>;

// Registers `handler` at `/api/v2<path>` (token in X-Cookie) and at
// `/api/aspm/v1/api/v2<path>` (token in X-Auth); `path` is an httplib pattern.
void KdtGet(httplib::Server& svr, ApiContext& ctx, const std::string& path, storage::Role role,
            KdtHandler handler);
void KdtPost(httplib::Server& svr, ApiContext& ctx, const std::string& path, storage::Role role,
             KdtHandler handler);
// A POST whose body the handler reads itself, as a stream (uploads).
using KdtStreamHandler =
    std::function<void(const httplib::Request&, httplib::Response&, const httplib::ContentReader&)>;
void KdtPostStreamed(httplib::Server& svr, ApiContext& ctx, const std::string& path,
                     storage::Role role, KdtStreamHandler handler);

// A project from a path segment or query value: its id (either id form) or its exact name.
core::Result<storage::Project> ResolveProject(ApiContext& ctx, std::string_view name_or_id);

// Every scan of a project, newest first.
core::Result<std::vector<storage::Scan>> ProjectScansNewestFirst(ApiContext& ctx,
                                                                 std::int64_t project_id);

// "http://<Host>" of the request, for links.html.
std::string BaseUrl(const httplib::Request& req);

// Request helpers: a query parameter ("" when absent); a JSON body (kInvalidArgument when it
// is not a JSON object).
std::string Query(const httplib::Request& req, const char* name);
core::Result<nlohmann::json> JsonBody(const httplib::Request& req);

// The kdt shapes.
nlohmann::json ProjectJson(const httplib::Request& req, const storage::Project& project);
nlohmann::json ScannerJson();
nlohmann::json ScanparamsJson(const storage::ScannerConfig& config,
                              const storage::Project& project);
nlohmann::json SummaryJson(const domain::SeverityCounts& counts);
int Score(const storage::Scan& scan);
nlohmann::json ScanDetailJson(const httplib::Request& req, const storage::Scan& scan,
                              const std::string& project_name);
// Event status code of kdt-compat.md section 4 (waiting 0 ... finished 6, failed/canceled -1).
int EventStatus(storage::ScanState state);
// 1 while the scan runs, 0 once finished, -1 when failed or canceled.
int EventActive(storage::ScanState state);
nlohmann::json EventJson(const httplib::Request& req, const storage::Scan& scan);

}  // namespace bulwark::http::kdt
