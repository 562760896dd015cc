// The repository selector: Artifactory's repository list merged with Xray's indexed list.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <set>

#include "scanners/xray/xray_client.h"

namespace bulwark::scanners::xray {
namespace {

std::string Lower(std::string s) {
  std::ranges::transform(s, s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string StringField(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::set<std::string> Names(const nlohmann::json& object, const char* key) {
  std::set<std::string> names;
  auto it = object.find(key);
  if (it == object.end() || !it->is_array()) return names;
  for (const auto& entry : *it) {
    if (entry.is_object()) names.insert(StringField(entry, "name"));
  }
  return names;
}

}  // namespace

core::Result<std::vector<Repository>> XrayClient::FetchRepositories() {
  const std::string list_path = "/artifactory/api/repositories";
  auto list = Expect2xx(Send({.method = "GET", .path = list_path}), "xray: GET " + list_path);
  if (!list) return std::unexpected(list.error());
  auto json = nlohmann::json::parse(list->body, nullptr, false);
  if (!json.is_array()) {
    return core::Fail(core::ErrorCode::kDataLoss,
                      fmt::format("xray: GET {} did not return a JSON array", list_path));
  }
  const std::string bin_path = fmt::format("/xray/api/v1/binMgr/{}/repos", options_.bin_mgr_id);
  auto bin = Send({.method = "GET", .path = bin_path});
  std::optional<std::set<std::string>> indexed;
  if (bin && bin->status == 200) {
    auto bin_json = nlohmann::json::parse(bin->body, nullptr, false);
    if (bin_json.is_object()) indexed = Names(bin_json, "indexed_repos");
  }
  std::vector<Repository> repositories;
  for (const auto& entry : json) {
    if (!entry.is_object()) continue;
    Repository repo;
    repo.key = StringField(entry, "key");
    if (repo.key.empty()) continue;
    repo.type = Lower(StringField(entry, "type"));
    if (repo.type.empty()) repo.type = Lower(StringField(entry, "rclass"));
    repo.package_type = StringField(entry, "packageType");
    repo.scannable = repo.type != "virtual";
    if (indexed) repo.indexed = indexed->contains(repo.key);
    repositories.push_back(std::move(repo));
  }
  std::ranges::sort(repositories, {}, &Repository::key);
  return repositories;
}

core::Result<std::vector<Repository>> XrayClient::ListRepositories(std::string_view query) {
  if (!settings_.api_enabled) {
    return core::Fail(core::ErrorCode::kInvalidArgument,
                      "xray: API access is disabled for this integration; enable \"Is API "
                      "Enabled\" to load repositories");
  }
  std::vector<Repository> all;
  {
    std::lock_guard lock(cache_mu_);
    auto now = deps_.clock.Now();
    if (cache_time_ && now - *cache_time_ < options_.repository_cache_ttl) all = cache_;
  }
  if (all.empty()) {
    auto fetched = FetchRepositories();
    if (!fetched) return fetched;
    all = std::move(*fetched);
    std::lock_guard lock(cache_mu_);
    cache_ = all;
    cache_time_ = deps_.clock.Now();
  }
  std::string needle = Lower(std::string(query));
  std::erase_if(all, [&](const Repository& r) {
    return !needle.empty() && Lower(r.key).find(needle) == std::string::npos;
  });
  return all;
}

}  // namespace bulwark::scanners::xray
