#include "policy/network_address.h"

#include <gtest/gtest.h>

namespace corral::policy {
namespace {

TEST(NetworkAddress, EveryInternalRangeAndNotationIsRecognised) {
  struct Case {
    const char* text;
    AddressClass kind;
  };
  const Case kCases[] = {
      {"127.0.0.1", AddressClass::kLoopback},
      {"127.255.1.2", AddressClass::kLoopback},
      {"::1", AddressClass::kLoopback},
      {"[::1]", AddressClass::kLoopback},
      {"::ffff:127.0.0.1", AddressClass::kLoopback},
      {"[::ffff:7f00:1]", AddressClass::kLoopback},
      {"::127.0.0.1", AddressClass::kLoopback},
      {"10.1.2.3", AddressClass::kPrivate},
      {"172.16.0.1", AddressClass::kPrivate},
      {"172.31.255.255", AddressClass::kPrivate},
      {"192.168.1.1", AddressClass::kPrivate},
      {"fd12:3456::1", AddressClass::kPrivate},
      {"::ffff:10.0.0.1", AddressClass::kPrivate},
      {"169.254.169.254", AddressClass::kMetadata},
      {"fd00:ec2::254", AddressClass::kMetadata},
      {"::ffff:169.254.169.254", AddressClass::kMetadata},
      {"169.254.1.1", AddressClass::kLinkLocal},
      {"fe80::1", AddressClass::kLinkLocal},
      {"fe80::1%eth0", AddressClass::kLinkLocal},
      {"100.64.0.1", AddressClass::kSharedCgnat},
      {"0.0.0.0", AddressClass::kUnspecified},
      {"::", AddressClass::kUnspecified},
      {"224.0.0.1", AddressClass::kMulticast},
      {"ff02::1", AddressClass::kMulticast},
      {"255.255.255.255", AddressClass::kReserved},
      {"192.0.2.7", AddressClass::kReserved},
      {"64:ff9b::7f00:1", AddressClass::kLoopback},
      {"93.184.216.34", AddressClass::kPublic},
      {"172.32.0.1", AddressClass::kPublic},
      {"2606:4700::1111", AddressClass::kPublic},
  };
  for (const Case& c : kCases) {
    auto ip = parse_ip(c.text);
    ASSERT_TRUE(ip.has_value()) << c.text;
    EXPECT_EQ(classify(*ip), c.kind) << c.text << " is " << class_name(classify(*ip));
  }
}

TEST(NetworkAddress, OnlyExactAddressesParse) {
  for (const char* text : {"example.com", "127.1", "0x7f000001", "1.2.3.4.5", "", "[]", "::ffff:1.2.3", " 1.2.3.4"}) {
    EXPECT_FALSE(parse_ip(text).has_value()) << text;
  }
}

}  // namespace
}  // namespace corral::policy
