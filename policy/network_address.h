// IP addresses as the egress rules see them: parsed from text (IPv4 dotted
// quad, IPv6 with or without brackets) and classified, so that no internal
// address hides behind another notation (IPv4-mapped and -compatible IPv6
// are judged as the IPv4 address they carry). Pure.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace corral::policy {

enum class AddressClass {
  kPublic,
  kLoopback,     // 127.0.0.0/8, ::1
  kPrivate,      // 10/8, 172.16/12, 192.168/16, fc00::/7
  kLinkLocal,    // 169.254/16, fe80::/10
  kMetadata,     // 169.254.169.254, fd00:ec2::254 (cloud instance metadata)
  kSharedCgnat,  // 100.64/10
  kUnspecified,  // 0.0.0.0/8, ::
  kMulticast,    // 224/4, ff00::/8
  kReserved,     // 240/4 and 255.255.255.255, documentation and benchmarking ranges
};

struct IpAddress {
  bool v6 = false;
  std::array<unsigned char, 16> bytes{};  // v4: the first 4
};

// nullopt unless `text` is exactly an IPv4 dotted quad or an IPv6 address
// (brackets allowed).
std::optional<IpAddress> parse_ip(std::string_view text);

AddressClass classify(const IpAddress& address);
const char* class_name(AddressClass kind);

}  // namespace corral::policy
