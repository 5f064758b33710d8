#include "core/url.h"

#include <gtest/gtest.h>

namespace corral {
namespace {

TEST(Url, OriginFormIsThePathAndTheWholeQuery) {
  struct Case {
    const char* url;
    const char* origin;
  };
  for (const Case& c : {Case{"http://host/a?q=x/y", "/a?q=x/y"}, Case{"http://host?q=x/y", "/?q=x/y"},
                        Case{"http://host", "/"}, Case{"https://host:8443/a/b/", "/a/b/"},
                        Case{"http://host/a#frag/ment", "/a"}, Case{"http://host/%2e%2e/x?a=%2F", "/%2e%2e/x?a=%2F"}}) {
    auto url = parse_url(c.url);
    ASSERT_TRUE(url.is_ok()) << c.url << ": " << url.status().to_string();
    EXPECT_EQ(url->origin_form(), c.origin) << c.url;
  }
}

TEST(Url, ReadsEveryPart) {
  auto url = parse_url("HTTPS://user:pw@Example.test:8443/p?q#f");
  ASSERT_TRUE(url.is_ok());
  EXPECT_EQ(url->scheme, "https");
  EXPECT_EQ(url->port, 8443);
  EXPECT_TRUE(url->explicit_port);
  EXPECT_TRUE(url->has_userinfo);
  EXPECT_TRUE(url->has_fragment);
  auto plain = parse_url("http://example.test/");
  ASSERT_TRUE(plain.is_ok());
  EXPECT_EQ(plain->port, 80) << "the scheme's default";
  EXPECT_FALSE(plain->explicit_port);
}

TEST(Url, RefusesWhatIsNoUrl) {
  for (const char* bad : {"", "not a url", "http://", "http://host:99999/", std::string("http://a\0b", 10).c_str()}) {
    EXPECT_FALSE(parse_url(bad).is_ok()) << bad;
  }
}

TEST(HostPort, ReadsNamesAddressesAndBracketedIpv6) {
  struct Case {
    const char* text;
    const char* host;
    int port;
  };
  for (const Case& c : {Case{"127.0.0.1:8700", "127.0.0.1", 8700}, Case{"[::1]:8700", "::1", 8700},
                        Case{"localhost:0", "localhost", 0}, Case{"0.0.0.0:65535", "0.0.0.0", 65535}}) {
    auto parsed = parse_host_port(c.text, "--listen");
    ASSERT_TRUE(parsed.is_ok()) << c.text << ": " << parsed.status().to_string();
    EXPECT_EQ(parsed->host, c.host);
    EXPECT_EQ(parsed->port, c.port);
  }
}

TEST(HostPort, RefusesTyposAndExtrasNamingTheSetting) {
  for (const char* bad : {"127.0.0.1", "127.0.0.1:", "127.0.0.1:87x0", "127.0.0.1:65536", "127.0.0.1:-1",
                          "127.0.0.1:8700/path", "::1:8700", ":8700", "user@host:80", "127.0.0.1:0008700"}) {
    auto parsed = parse_host_port(bad, "--listen");
    ASSERT_FALSE(parsed.is_ok()) << bad;
    EXPECT_EQ(parsed.status().code(), Code::kInvalidArgument);
    EXPECT_NE(parsed.status().message().find("--listen"), std::string::npos) << parsed.status().message();
  }
}

}  // namespace
}  // namespace corral
