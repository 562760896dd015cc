#include "scanners/xray/url.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace bulwark::scanners::xray {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::ranges::transform(out, out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool StripSuffix(std::string& path, std::string_view suffix) {
  if (path.size() < suffix.size()) return false;
  if (Lower(std::string_view(path).substr(path.size() - suffix.size())) != suffix) return false;
  path.resize(path.size() - suffix.size());
  return true;
}

}  // namespace

core::Result<std::string> NormalizePlatformUrl(std::string_view url) {
  while (!url.empty() && std::isspace(static_cast<unsigned char>(url.front())))
    url.remove_prefix(1);
  while (!url.empty() && std::isspace(static_cast<unsigned char>(url.back()))) url.remove_suffix(1);
  auto bad = [&](std::string_view why) {
    return core::Fail(core::ErrorCode::kInvalidArgument,
                      fmt::format("url: '{}' {}; expected e.g. https://acme.jfrog.io", url, why));
  };
  if (url.empty()) return bad("is empty");
  for (char c : url) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f) {
      // Not echoed: the text may not even be valid UTF-8.
      return core::Fail(core::ErrorCode::kInvalidArgument,
                        "url: contains a space, a control or a non-ASCII character; "
                        "percent-encode it, e.g. https://acme.jfrog.io");
    }
  }
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return bad("has no scheme");
  std::string scheme = Lower(url.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") return bad("must use http or https");
  std::string_view rest = url.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find_first_of("?#"));
  auto slash = rest.find('/');
  std::string_view host = rest.substr(0, slash);
  std::string path(slash == std::string_view::npos ? "" : rest.substr(slash));
  if (host.empty() || host.find_first_of(" \t@") != std::string_view::npos) {
    return bad("has no valid host");
  }
  bool changed = true;
  while (changed) {
    changed = false;
    while (!path.empty() && path.back() == '/') {
      path.pop_back();
      changed = true;
    }
    for (std::string_view suffix : {"/xray", "/artifactory", "/ui"}) {
      if (StripSuffix(path, suffix)) changed = true;
    }
  }
  return scheme + "://" + Lower(host) + path;
}

}  // namespace bulwark::scanners::xray
