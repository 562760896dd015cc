// The embedded web UI at "/": exact assets, and "/index.html" for any other path outside /api/
// (the UI routes in the URL fragment), with strong ETags answered by 304 on If-None-Match and
// the browser security headers (CSP with frame-ancestors 'none', nosniff).
#include <fmt/format.h>

#include "http/errors.h"
#include "http/routes.h"
#include "webassets/assets.h"

namespace bulwark::http {
namespace {

constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

bool EtagMatches(const std::string& if_none_match, std::string_view etag) {
  if (if_none_match == "*") return true;
  std::string_view rest = if_none_match;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    std::string_view tag = rest.substr(0, comma);
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == etag) return true;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return false;
}

void ServeAsset(const httplib::Request& req, httplib::Response& res) {
  if (req.path.starts_with("/api/") || req.path == "/api") {
    return WriteError(res, core::Error{core::ErrorCode::kNotFound,
                                       fmt::format("no route for {} {}", req.method, req.path)});
  }
  const std::string path = req.path == "/" ? "/index.html" : req.path;
  const webassets::Asset* asset = webassets::FindAsset(path);
  if (!asset) asset = webassets::FindAsset("/index.html");
  if (!asset) {
    return WriteError(
        res, core::Error{core::ErrorCode::kNotFound, "this server was built without the web UI"});
  }
  res.set_header("Content-Security-Policy", kContentSecurityPolicy);
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("ETag", std::string(asset->etag));
  // Hashed bundle files never change; index.html is revalidated on every load.
  res.set_header("Cache-Control", asset->path.starts_with("/assets/")
                                      ? "public, max-age=31536000, immutable"
                                      : "no-cache");
  if (EtagMatches(req.get_header_value("If-None-Match"), asset->etag)) {
    res.status = 304;
    return;
  }
  res.status = 200;
  res.set_content(asset->body.data(), asset->body.size(), std::string(asset->content_type));
}

}  // namespace

void RegisterStaticRoutes(httplib::Server& svr, ApiContext&) { svr.Get(R"(/.*)", ServeAsset); }

}  // namespace bulwark::http
