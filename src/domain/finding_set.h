// FindingSet: collects findings and merges the ones that share an identity (Fingerprint()).
// Rows an export repeats per impacted artifact become one finding with several locations.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/finding.h"

namespace bulwark::domain {

// Brings a location to its canonical form: impact paths sorted and without duplicates, so that
// two locations that differ only in impact-path order compare equal.
void NormalizeLocation(Location& location);

// Merges `from` into `into` (same fingerprint assumed): locations are unioned (no duplicates,
// impact paths order-insensitive), CVEs, CWEs, fixed versions, references and policies are
// unioned keeping first-seen order, severity becomes the higher of the two, empty text fields are
// filled from `from`.
void MergeFinding(Finding& into, const Finding& from);

// Not thread-safe. Keeps insertion order of first occurrences.
class FindingSet {
 public:
  // Adds a finding or merges it into the one with the same fingerprint.
  void Add(const Finding& finding);
  void Add(std::span<const Finding> findings);

  std::size_t size() const { return findings_.size(); }
  const std::vector<Finding>& findings() const { return findings_; }
  // Moves the merged findings out; the set is empty afterwards.
  std::vector<Finding> Take();

 private:
  std::vector<Finding> findings_;
  std::unordered_map<std::string, std::size_t> index_;  // fingerprint -> position in findings_
};

}  // namespace bulwark::domain
