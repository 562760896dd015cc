#include "ingest/format.h"

#include <array>
#include <utility>

namespace bulwark::ingest {
namespace {

constexpr std::array<std::pair<Format, std::string_view>, 15> kNames{{
    {Format::kAuto, "auto"},
    {Format::kCliJson, "xray-cli-json"},
    {Format::kCliSimpleJson, "xray-cli-simple-json"},
    {Format::kCliSarif, "xray-cli-sarif"},
    {Format::kCliCycloneDx, "xray-cli-cyclonedx"},
    {Format::kUiSecurityExport, "xray-ui-security-export"},
    {Format::kUiViolationsExport, "xray-ui-violations-export"},
    {Format::kUiCycloneDx, "xray-ui-cyclonedx"},
    {Format::kReport, "xray-report"},
    {Format::kSummaryArtifact, "xray-summary-artifact"},
    {Format::kGraphScan, "xray-graph-scan"},
    {Format::kViolations, "xray-violations"},
    {Format::kBuildScan, "xray-build-scan"},
    {Format::kLegacyBuildScan, "xray-legacy-build-scan"},
    {Format::kZip, "zip"},
}};

}  // namespace

std::string_view FormatName(Format format) {
  for (const auto& [f, name] : kNames) {
    if (f == format) return name;
  }
  return "auto";
}

std::optional<Format> ParseFormatName(std::string_view name) {
  for (const auto& [f, n] : kNames) {
    if (n == name) return f;
  }
  return std::nullopt;
}

std::string_view FormatNameList() {
  return "auto, xray-cli-json, xray-cli-simple-json, xray-cli-sarif, xray-cli-cyclonedx, "
         "xray-ui-security-export, xray-ui-violations-export, xray-ui-cyclonedx, xray-report, "
         "xray-summary-artifact, xray-graph-scan, xray-violations, xray-build-scan, "
         "xray-legacy-build-scan, zip";
}

}  // namespace bulwark::ingest
