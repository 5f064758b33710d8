#include "policy/network_address.h"

#include <arpa/inet.h>

#include <cstring>

namespace corral::policy {
namespace {

bool in_v4(const unsigned char* a, unsigned char b0, unsigned char b1, int prefix) {
  uint32_t address = (uint32_t(a[0]) << 24) | (uint32_t(a[1]) << 16) | (uint32_t(a[2]) << 8) | a[3];
  uint32_t network = (uint32_t(b0) << 24) | (uint32_t(b1) << 16);
  uint32_t mask = prefix == 0 ? 0 : ~uint32_t(0) << (32 - prefix);
  return (address & mask) == (network & mask);
}

AddressClass classify_v4(const unsigned char* a) {
  if (a[0] == 169 && a[1] == 254 && a[2] == 169 && a[3] == 254) return AddressClass::kMetadata;
  if (in_v4(a, 127, 0, 8)) return AddressClass::kLoopback;
  if (in_v4(a, 10, 0, 8) || in_v4(a, 172, 16, 12) || in_v4(a, 192, 168, 16)) return AddressClass::kPrivate;
  if (in_v4(a, 169, 254, 16)) return AddressClass::kLinkLocal;
  if (in_v4(a, 100, 64, 10)) return AddressClass::kSharedCgnat;
  if (in_v4(a, 0, 0, 8)) return AddressClass::kUnspecified;
  if (in_v4(a, 224, 0, 4)) return AddressClass::kMulticast;
  bool documentation = (a[0] == 192 && a[1] == 0 && a[2] == 2) || (a[0] == 198 && a[1] == 51 && a[2] == 100) ||
                       (a[0] == 203 && a[1] == 0 && a[2] == 113) || (a[0] == 192 && a[1] == 0 && a[2] == 0);
  if (in_v4(a, 240, 0, 4) || in_v4(a, 198, 18, 15) || documentation) return AddressClass::kReserved;
  return AddressClass::kPublic;
}

}  // namespace

std::optional<IpAddress> parse_ip(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  std::string copy(text);
  IpAddress address;
  if (::inet_pton(AF_INET, copy.c_str(), address.bytes.data()) == 1) return address;
  address.v6 = true;
  size_t percent = copy.find('%');  // a zone id ("fe80::1%eth0") does not change the class
  if (percent != std::string::npos) copy.resize(percent);
  if (::inet_pton(AF_INET6, copy.c_str(), address.bytes.data()) == 1) return address;
  return std::nullopt;
}

AddressClass classify(const IpAddress& address) {
  const unsigned char* b = address.bytes.data();
  if (!address.v6) return classify_v4(b);
  static constexpr unsigned char kZero[12] = {};
  bool mapped = std::memcmp(b, kZero, 10) == 0 && b[10] == 0xff && b[11] == 0xff;  // ::ffff:a.b.c.d
  bool compatible = std::memcmp(b, kZero, 12) == 0 && (b[12] | b[13]) != 0;        // ::a.b.c.d (deprecated)
  if (mapped || compatible) return classify_v4(b + 12);
  static constexpr unsigned char kLoopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  static constexpr unsigned char kAny[16] = {};
  if (std::memcmp(b, kLoopback, 16) == 0) return AddressClass::kLoopback;
  if (std::memcmp(b, kAny, 16) == 0) return AddressClass::kUnspecified;
  static constexpr unsigned char kEc2Metadata[16] = {0xfd, 0, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0x54};
  if (std::memcmp(b, kEc2Metadata, 16) == 0) return AddressClass::kMetadata;
  if ((b[0] & 0xfe) == 0xfc) return AddressClass::kPrivate;
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return AddressClass::kLinkLocal;
  if (b[0] == 0xff) return AddressClass::kMulticast;
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return AddressClass::kReserved;  // 2001:db8::/32
  if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b) return classify_v4(b + 12);      // NAT64
  return AddressClass::kPublic;
}

const char* class_name(AddressClass kind) {
  switch (kind) {
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
    case AddressClass::kSharedCgnat:
      return "shared (CGNAT)";
    case AddressClass::kUnspecified:
      return "unspecified";
    case AddressClass::kMulticast:
      return "multicast";
    case AddressClass::kReserved:
      return "reserved";
  }
  return "reserved";
}

}  // namespace corral::policy
