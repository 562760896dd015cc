// SsrfGuard: decides whether a webhook may connect to an address. It is meant to run at connect
// time on every address a host name resolved to (env::HttpRequest::connect_guard), so a name that
// resolves, or later re-resolves, to an internal address is refused before any socket opens.
//
// Refused by default: loopback, private (RFC 1918, CGNAT, IPv6 unique-local and site-local),
// link-local, cloud metadata endpoints, multicast, unspecified/broadcast and other reserved or
// documentation ranges, for IPv4, IPv6 and IPv4 embedded in IPv6 (::ffff:a.b.c.d, 64:ff9b::/96).
// `allow_private_networks` permits loopback, private and link-local (never metadata, multicast,
// unspecified or reserved); `allowed_networks` (CIDRs) permits exactly what it lists.
// Immutable after Create; safe to share between threads.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace bulwark::jobs {

enum class AddressClass {
  kPublic,
  kLoopback,
  kPrivate,
  kLinkLocal,
  kMetadata,
  kMulticast,
  kUnspecified,
  kReserved,
  kInvalid,  // not an IP address
};

std::string_view AddressClassName(AddressClass c);  // "loopback", "private", ...

struct AddressRule {
  AddressClass address_class = AddressClass::kPublic;
  std::string network;  // the range that matched, e.g. "10.0.0.0/8"; empty for public
};

// Classifies an IPv4 or IPv6 address in text form.
AddressRule ClassifyAddress(std::string_view ip);

struct SsrfPolicy {
  bool allow_private_networks = false;          // setting webhook_allow_private_networks
  std::vector<std::string> allowed_networks{};  // setting webhooks.allowed_networks: CIDRs or IPs
};

class SsrfGuard {
 public:
  // Fails with kInvalidArgument naming webhooks.allowed_networks when a CIDR does not parse.
  static core::Result<SsrfGuard> Create(const SsrfPolicy& policy);

  // nullopt when allowed; otherwise why not, naming the rule and the setting that would allow it.
  std::optional<std::string> Check(std::string_view ip) const;

 private:
  struct Network {
    std::array<uint8_t, 16> prefix{};  // IPv4 stored as ::ffff:a.b.c.d
    int bits = 0;
  };
  bool allow_private_networks_ = false;
  std::vector<Network> allowed_;
};

}  // namespace bulwark::jobs
