#include "jobs/ssrf_guard.h"

#include <gtest/gtest.h>

namespace bulwark::jobs {
namespace {

TEST(ClassifyAddress, NamesEveryInternalRangeForIpv4AndIpv6) {
  struct Case {
    const char* ip;
    AddressClass expected;
  } cases[] = {
      {"8.8.8.8", AddressClass::kPublic},
      {"2606:4700::1111", AddressClass::kPublic},
      {"127.0.0.1", AddressClass::kLoopback},
      {"127.255.0.9", AddressClass::kLoopback},
      {"::1", AddressClass::kLoopback},
      {"10.0.0.1", AddressClass::kPrivate},
      {"172.16.0.1", AddressClass::kPrivate},
      {"172.31.255.255", AddressClass::kPrivate},
      {"172.32.0.1", AddressClass::kPublic},
      {"192.168.1.1", AddressClass::kPrivate},
      {"100.64.0.1", AddressClass::kPrivate},
      {"fd12:3456::1", AddressClass::kPrivate},
      {"169.254.1.1", AddressClass::kLinkLocal},
      {"fe80::1", AddressClass::kLinkLocal},
      {"169.254.169.254", AddressClass::kMetadata},
      {"fd00:ec2::254", AddressClass::kMetadata},
      {"100.100.100.200", AddressClass::kMetadata},
      {"224.0.0.1", AddressClass::kMulticast},
      {"ff02::1", AddressClass::kMulticast},
      {"0.0.0.0", AddressClass::kUnspecified},
      {"::", AddressClass::kUnspecified},
      {"255.255.255.255", AddressClass::kUnspecified},
      {"192.0.2.10", AddressClass::kReserved},
      {"2001:db8::1", AddressClass::kReserved},
      {"::ffff:10.0.0.1", AddressClass::kPrivate},
      {"::ffff:127.0.0.1", AddressClass::kLoopback},
      {"::ffff:169.254.169.254", AddressClass::kMetadata},
      {"64:ff9b::a9fe:a9fe", AddressClass::kMetadata},  // NAT64 of 169.254.169.254
      {"64:ff9b::808:808", AddressClass::kPublic},
      {"[::1]", AddressClass::kLoopback},
      {"localhost", AddressClass::kInvalid},
      {"10.0.0.256", AddressClass::kInvalid},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(ClassifyAddress(c.ip).address_class, c.expected)
        << c.ip << " -> " << AddressClassName(ClassifyAddress(c.ip).address_class);
  }
  EXPECT_EQ(ClassifyAddress("10.1.2.3").network, "10.0.0.0/8");
}

TEST(SsrfGuard, RefusesInternalAddressesByDefaultNamingTheRuleAndSetting) {
  auto guard = SsrfGuard::Create({});
  ASSERT_TRUE(guard);
  EXPECT_FALSE(guard->Check("93.184.216.34"));
  auto refusal = guard->Check("10.0.0.1");
  ASSERT_TRUE(refusal);
  EXPECT_NE(refusal->find("private address (10.0.0.0/8)"), std::string::npos) << *refusal;
  EXPECT_NE(refusal->find("webhook_allow_private_networks"), std::string::npos);
  for (const char* ip : {"127.0.0.1", "::1", "169.254.169.254", "fe80::1", "0.0.0.0", "224.0.0.5",
                         "::ffff:192.168.0.1", "not-an-ip"}) {
    EXPECT_TRUE(guard->Check(ip)) << ip;
  }
}

TEST(SsrfGuard, AllowPrivateNetworksPermitsLoopbackPrivateLinkLocalButNotMetadata) {
  auto guard = SsrfGuard::Create({.allow_private_networks = true});
  ASSERT_TRUE(guard);
  for (const char* ip : {"127.0.0.1", "::1", "10.0.0.1", "192.168.3.4", "169.254.1.1"}) {
    EXPECT_FALSE(guard->Check(ip)) << ip;
  }
  for (const char* ip : {"169.254.169.254", "0.0.0.0", "224.0.0.1", "ff02::1", "192.0.2.1"}) {
    auto refusal = guard->Check(ip);
    ASSERT_TRUE(refusal) << ip;
    EXPECT_NE(refusal->find("never sent there"), std::string::npos);
  }
}

TEST(SsrfGuard, AllowedNetworksPermitExactlyWhatTheyList) {
  auto guard = SsrfGuard::Create({.allowed_networks = {"10.20.0.0/16", "fd00::1", "127.0.0.1"}});
  ASSERT_TRUE(guard);
  EXPECT_FALSE(guard->Check("10.20.3.4"));
  EXPECT_FALSE(guard->Check("::ffff:10.20.3.4"));
  EXPECT_TRUE(guard->Check("10.21.0.1"));
  EXPECT_FALSE(guard->Check("fd00::1"));
  EXPECT_TRUE(guard->Check("fd00::2"));
  EXPECT_FALSE(guard->Check("127.0.0.1"));
  EXPECT_TRUE(guard->Check("127.0.0.2"));
}

TEST(SsrfGuard, BadAllowedNetworkIsRejectedNamingTheSetting) {
  for (const char* bad : {"10.0.0.0/33", "10.0.0/8", "fd00::/129", "example.com", "10.0.0.0/"}) {
    auto guard = SsrfGuard::Create({.allowed_networks = {bad}});
    ASSERT_FALSE(guard) << bad;
    EXPECT_NE(guard.error().message.find("webhooks.allowed_networks"), std::string::npos);
  }
}

}  // namespace
}  // namespace bulwark::jobs
