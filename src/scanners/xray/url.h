// Normalisation of a user-entered JFrog URL to the platform root that /xray/... and
// /artifactory/... are appended to.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace bulwark::scanners::xray {

// "https://acme.jfrog.io/xray/" -> "https://acme.jfrog.io". Accepts http and https only; strips
// surrounding blanks, a query or fragment, trailing '/' and a trailing /xray, /artifactory or /ui
// (repeatedly, so ".../artifactory/ui/" works). kInvalidArgument naming the field otherwise.
core::Result<std::string> NormalizePlatformUrl(std::string_view url);

}  // namespace bulwark::scanners::xray
