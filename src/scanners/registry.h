// ScannerRegistry: maps a tool name (e.g. "jfrogxraysca") to a factory of ScannerAdapters.
// Filled explicitly by RegisterBuiltinScanners at start-up (no static self-registration).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "scanners/scanner_adapter.h"

namespace bulwark::scanners {

using ScannerFactory = std::function<std::unique_ptr<ScannerAdapter>(
    const IntegrationSettings& settings, ScannerDeps deps)>;

class ScannerRegistry {
 public:
  // kConflict if the tool is already registered.
  core::Status Register(std::string tool, ScannerFactory factory);
  // kNotFound naming the known tools when `tool` is unknown.
  core::Result<std::unique_ptr<ScannerAdapter>> Create(std::string_view tool,
                                                       const IntegrationSettings& settings,
                                                       ScannerDeps deps) const;
  std::vector<std::string> Tools() const;

 private:
  std::map<std::string, ScannerFactory, std::less<>> factories_;
};

// Registers every scanner built into Bulwark (today: jfrogxraysca).
void RegisterBuiltinScanners(ScannerRegistry& registry);

}  // namespace bulwark::scanners
