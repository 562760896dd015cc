#include "jobs/ssrf_guard.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>

namespace bulwark::jobs {
namespace {

using Bytes = std::array<uint8_t, 16>;

// Parses "a.b.c.d" or an IPv6 address; IPv4 comes back as ::ffff:a.b.c.d.
std::optional<Bytes> ParseIp(std::string_view text) {
  std::string s(text);
  if (s.size() > 2 && s.front() == '[' && s.back() == ']') s = s.substr(1, s.size() - 2);
  Bytes out{};
  uint8_t v4[4];
  if (inet_pton(AF_INET, s.c_str(), v4) == 1) {
    out[10] = out[11] = 0xff;
    std::copy(v4, v4 + 4, out.begin() + 12);
    return out;
  }
  if (s.find('%') != std::string::npos) return std::nullopt;  // zone ids are link-local only
  if (inet_pton(AF_INET6, s.c_str(), out.data()) == 1) return out;
  return std::nullopt;
}

bool Matches(const Bytes& address, const Bytes& prefix, int bits) {
  for (int i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    if ((address[i] & mask) != (prefix[i] & mask)) return false;
  }
  return true;
}

struct Range {
  Bytes prefix;
  int bits;
  AddressClass address_class;
  std::string text;
};

std::optional<Range> ParseCidr(std::string_view text, AddressClass c = AddressClass::kPublic) {
  auto slash = text.find('/');
  auto ip = ParseIp(text.substr(0, slash));
  if (!ip) return std::nullopt;
  const bool v4 = text.substr(0, slash).find(':') == std::string_view::npos;
  int bits = v4 ? 32 : 128;
  if (slash != std::string_view::npos) {
    std::string_view digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3 ||
        !std::all_of(digits.begin(), digits.end(),
                     [](char ch) { return ch >= '0' && ch <= '9'; })) {
      return std::nullopt;
    }
    bits = std::stoi(std::string(digits));
    if (bits > (v4 ? 32 : 128)) return std::nullopt;
  }
  return Range{*ip, v4 ? bits + 96 : bits, c, std::string(text)};
}

// Most specific first: the metadata hosts sit inside wider ranges.
const std::vector<Range>& Ranges() {
  static const std::vector<Range> ranges = [] {
    using C = AddressClass;
    const std::pair<const char*, C> table[] = {
        {"169.254.169.254/32", C::kMetadata},  // AWS, GCP, Azure, OpenStack
        {"169.254.170.2/32", C::kMetadata},    // AWS ECS task metadata
        {"100.100.100.200/32", C::kMetadata},  // Alibaba Cloud
        {"192.0.0.192/32", C::kMetadata},      // Oracle Cloud
        {"fd00:ec2::254/128", C::kMetadata},   // AWS over IPv6
        {"0.0.0.0/8", C::kUnspecified},
        {"10.0.0.0/8", C::kPrivate},
        {"100.64.0.0/10", C::kPrivate},
        {"127.0.0.0/8", C::kLoopback},
        {"169.254.0.0/16", C::kLinkLocal},
        {"172.16.0.0/12", C::kPrivate},
        {"192.0.0.0/24", C::kReserved},
        {"192.0.2.0/24", C::kReserved},
        {"192.88.99.0/24", C::kReserved},
        {"192.168.0.0/16", C::kPrivate},
        {"198.18.0.0/15", C::kReserved},
        {"198.51.100.0/24", C::kReserved},
        {"203.0.113.0/24", C::kReserved},
        {"224.0.0.0/4", C::kMulticast},
        {"255.255.255.255/32", C::kUnspecified},
        {"240.0.0.0/4", C::kReserved},
        {"::/128", C::kUnspecified},
        {"::1/128", C::kLoopback},
        {"::/96", C::kReserved},  // IPv4-compatible (deprecated)
        {"100::/64", C::kReserved},
        {"2001:db8::/32", C::kReserved},
        {"fc00::/7", C::kPrivate},
        {"fe80::/10", C::kLinkLocal},
        {"fec0::/10", C::kPrivate},
        {"ff00::/8", C::kMulticast},
    };
    std::vector<Range> out;
    for (const auto& [cidr, c] : table) out.push_back(*ParseCidr(cidr, c));
    return out;
  }();
  return ranges;
}

AddressRule Classify(const Bytes& address) {
  static const Bytes nat64 = ParseCidr("64:ff9b::/96")->prefix;
  if (Matches(address, nat64, 96)) {
    Bytes v4{};
    v4[10] = v4[11] = 0xff;
    std::copy(address.begin() + 12, address.end(), v4.begin() + 12);
    return Classify(v4);
  }
  for (const auto& range : Ranges()) {
    if (Matches(address, range.prefix, range.bits)) return {range.address_class, range.text};
  }
  return {AddressClass::kPublic, {}};
}

}  // namespace

std::string_view AddressClassName(AddressClass c) {
  switch (c) {
    case AddressClass::kPublic:
      return "public";
    case AddressClass::kLoopback:
      return "loopback";
    case AddressClass::kPrivate:
      return "private";
    case AddressClass::kLinkLocal:
      return "link-local";
    case AddressClass::kMetadata:
      return "cloud metadata";
    case AddressClass::kMulticast:
      return "multicast";
    case AddressClass::kUnspecified:
      return "unspecified";
    case AddressClass::kReserved:
      return "reserved";
    case AddressClass::kInvalid:
      return "invalid";
  }
  return "invalid";
}

AddressRule ClassifyAddress(std::string_view ip) {
  auto bytes = ParseIp(ip);
  if (!bytes) return {AddressClass::kInvalid, {}};
  return Classify(*bytes);
}

core::Result<SsrfGuard> SsrfGuard::Create(const SsrfPolicy& policy) {
  SsrfGuard guard;
  guard.allow_private_networks_ = policy.allow_private_networks;
  for (const auto& text : policy.allowed_networks) {
    auto range = ParseCidr(text);
    if (!range) {
      return core::Fail(core::ErrorCode::kInvalidArgument,
                        fmt::format("webhooks.allowed_networks: \"{}\" is not an IP address or "
                                    "CIDR range such as 10.1.0.0/16 or fd00::/8",
                                    text));
    }
    guard.allowed_.push_back(Network{range->prefix, range->bits});
  }
  return guard;
}

std::optional<std::string> SsrfGuard::Check(std::string_view ip) const {
  auto bytes = ParseIp(ip);
  if (!bytes) return fmt::format("webhook target \"{}\" is not an IP address", ip);
  for (const auto& network : allowed_) {
    if (Matches(*bytes, network.prefix, network.bits)) return std::nullopt;
  }
  const AddressRule rule = Classify(*bytes);
  switch (rule.address_class) {
    case AddressClass::kPublic:
      return std::nullopt;
    case AddressClass::kLoopback:
    case AddressClass::kPrivate:
    case AddressClass::kLinkLocal:
      if (allow_private_networks_) return std::nullopt;
      return fmt::format(
          "webhook target {} refused: {} address ({}); if the receiver is meant to be inside "
          "your network, turn on the setting webhook_allow_private_networks "
          "(--webhook-allow-private-networks, BULWARK_WEBHOOK_ALLOW_PRIVATE_NETWORKS)",
          ip, AddressClassName(rule.address_class), rule.network);
    default:
      return fmt::format(
          "webhook target {} refused: {} address ({}); webhooks are never sent there, even "
          "with webhook_allow_private_networks: use the receiver's own address",
          ip, AddressClassName(rule.address_class), rule.network);
  }
}

}  // namespace bulwark::jobs
