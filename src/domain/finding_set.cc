#include "domain/finding_set.h"

#include <algorithm>
#include <utility>

namespace bulwark::domain {
namespace {

template <typename T>
void UnionInto(std::vector<T>& into, const std::vector<T>& from) {
  for (const T& item : from) {
    if (std::find(into.begin(), into.end(), item) == into.end()) into.push_back(item);
  }
}

void FillIfEmpty(std::string& into, const std::string& from) {
  if (into.empty()) into = from;
}

}  // namespace

void NormalizeLocation(Location& location) {
  auto& paths = location.impact_paths;
  std::sort(paths.begin(), paths.end());
  paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
}

void MergeFinding(Finding& into, const Finding& from) {
  for (Location location : from.locations) {
    NormalizeLocation(location);
    auto same_place =
        std::find_if(into.locations.begin(), into.locations.end(), [&](const Location& l) {
          return l.artifact == location.artifact && l.path == location.path;
        });
    if (same_place == into.locations.end()) {
      into.locations.push_back(std::move(location));
      continue;
    }
    UnionInto(same_place->impact_paths, location.impact_paths);
    NormalizeLocation(*same_place);
  }
  for (const Cve& cve : from.cves) {
    auto same = std::find_if(into.cves.begin(), into.cves.end(),
                             [&](const Cve& c) { return c.id == cve.id; });
    if (same == into.cves.end()) into.cves.push_back(cve);
  }
  UnionInto(into.cwes, from.cwes);
  UnionInto(into.fixed_versions, from.fixed_versions);
  UnionInto(into.references, from.references);
  UnionInto(into.policies, from.policies);
  into.severity = std::max(into.severity, from.severity);
  FillIfEmpty(into.applicability, from.applicability);
  FillIfEmpty(into.summary, from.summary);
  FillIfEmpty(into.description, from.description);
  FillIfEmpty(into.published, from.published);
  FillIfEmpty(into.license, from.license);
  FillIfEmpty(into.watch, from.watch);
}

void FindingSet::Add(const Finding& finding) {
  std::string fingerprint = finding.Fingerprint();
  auto [it, inserted] = index_.try_emplace(std::move(fingerprint), findings_.size());
  if (!inserted) {
    MergeFinding(findings_[it->second], finding);
    return;
  }
  Finding copy = finding;
  copy.locations.clear();
  MergeFinding(copy, finding);  // normalises and de-duplicates the locations
  findings_.push_back(std::move(copy));
}

void FindingSet::Add(std::span<const Finding> findings) {
  for (const Finding& f : findings) Add(f);
}

std::vector<Finding> FindingSet::Take() {
  index_.clear();
  return std::exchange(findings_, {});
}

}  // namespace bulwark::domain
