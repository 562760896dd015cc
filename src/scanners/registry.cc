#include "scanners/registry.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "scanners/xray/xray_client.h"

namespace bulwark::scanners {

core::Status ScannerRegistry::Register(std::string tool, ScannerFactory factory) {
  if (factories_.contains(tool)) {
    return core::Fail(core::ErrorCode::kConflict,
                      fmt::format("scanner '{}' is already registered", tool));
  }
  factories_.emplace(std::move(tool), std::move(factory));
  return core::Ok();
}

core::Result<std::unique_ptr<ScannerAdapter>> ScannerRegistry::Create(
    std::string_view tool, const IntegrationSettings& settings, ScannerDeps deps) const {
  auto it = factories_.find(tool);
  if (it == factories_.end()) {
    return core::Fail(
        core::ErrorCode::kNotFound,
        fmt::format("unknown scanner '{}'; known scanners: {}", tool, fmt::join(Tools(), ", ")));
  }
  return it->second(settings, deps);
}

std::vector<std::string> ScannerRegistry::Tools() const {
  std::vector<std::string> tools;
  for (const auto& [name, factory] : factories_) tools.push_back(name);
  return tools;
}

void RegisterBuiltinScanners(ScannerRegistry& registry) {
  (void)registry.Register(std::string(xray::kToolName),
                          [](const IntegrationSettings& settings, ScannerDeps deps) {
                            return xray::MakeXrayAdapter(settings, deps);
                          });
}

}  // namespace bulwark::scanners
