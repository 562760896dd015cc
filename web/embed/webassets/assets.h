// The web UI, embedded at build time: every file of the Vite build of web/ as a read-only Asset.
// The HTTP server serves FindAsset(path) for GET requests outside /api and falls back to
// "/index.html" for unknown paths (the UI routes in the URL fragment).
#ifndef BULWARK_WEBASSETS_ASSETS_H_
#define BULWARK_WEBASSETS_ASSETS_H_

#include <span>
#include <string_view>

namespace bulwark::webassets {

struct Asset {
  std::string_view path;          // "/index.html", "/assets/index-3f2a.js" (always a leading '/')
  std::string_view content_type;  // e.g. "text/javascript; charset=utf-8"
  std::string_view body;          // the file's bytes; lives for the whole program
  std::string_view etag;          // a strong ETag, quotes included: "\"1a2b...\""
};

// The asset at `path` (exact match, leading '/'), or nullptr. Thread-safe; no allocation.
const Asset* FindAsset(std::string_view path);

// Every asset, sorted by path.
std::span<const Asset> AllAssets();

}  // namespace bulwark::webassets

#endif  // BULWARK_WEBASSETS_ASSETS_H_
