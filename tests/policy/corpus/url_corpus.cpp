#include "policy/corpus/url_corpus.h"

#include <map>
#include <string>

namespace corral::test {
namespace {

struct Trick {
  const char* url;
  const char* rule;
};

}  // namespace

policy::UrlPolicy url_corpus_policy() {
  policy::UrlPolicy policy;
  policy.allowed_hosts = {"api.example.com", "*.pkg.example.org", "203.0.113.9"};
  static const std::map<std::string, std::vector<std::string>> kDns = {
      {"api.example.com", {"93.184.216.34"}},
      {"cdn.pkg.example.org", {"93.184.216.35"}},
      {"registry.pkg.example.org", {"93.184.216.37", "2606:2800:220:1::37"}},
      {"deep.mirror.pkg.example.org", {"93.184.216.38"}},
      {"rebind.pkg.example.org", {"93.184.216.36", "127.0.0.1"}},
      {"meta.pkg.example.org", {"169.254.169.254"}},
      {"mapped.pkg.example.org", {"::ffff:10.0.0.1"}},
  };
  policy.resolve = [](const std::string& host) {
    auto it = kDns.find(host);
    return it == kDns.end() ? std::vector<std::string>{} : it->second;
  };
  return policy;
}

std::vector<CorpusCase> url_corpus() {
  std::vector<CorpusCase> cases;
  for (const char* url :
       {"https://api.example.com/v1/x", "https://API.Example.COM/v1", "https://cdn.pkg.example.org/a.tgz",
        "https://api.example.com:443/", "https://api.example.com#@evil.com"}) {
    cases.push_back({"urls", false, "", url});
  }
  // What agents really fetch from allowed hosts: any case of the name, '@',
  // percent-encoding, dots and odd characters in the path, query and fragment.
  for (const std::string host : {"api.example.com", "API.EXAMPLE.COM", "Api.Example.Com", "cdn.pkg.example.org",
                                 "registry.pkg.example.org", "deep.mirror.pkg.example.org"}) {
    for (const std::string tail : {"/",
                                   "/v1/users/@me",
                                   "/search?q=a%20b&lang=en",
                                   "/files/report%202024.pdf",
                                   "/a/./b/../c",
                                   "/items?email=alice@example.net",
                                   "/download#section-2",
                                   "/path;param=1",
                                   "/~user/file",
                                   "/%E2%9C%93/check",
                                   "/?redirect=https://evil.example/",
                                   "/api/v2/items/123?fields=id,name&sort=-created",
                                   "/a//b",
                                   "/.well-known/security.txt",
                                   "/x?y=",
                                   "/pkg/@scope%2fname",
                                   "/archive.tar.gz",
                                   ":443/v1",
                                   "/v1?token=abc&next=%2Fhome",
                                   "/docs/a%2e%2e/b",
                                   "/q?x=1#frag@evil.example",
                                   "/search?q=%40user%3Aevil.example"}) {
      cases.push_back({"urls", false, "", "https://" + host + tail});
    }
  }
  const Trick kTricks[] = {
      {"http://api.example.com/", "scheme_not_allowed"},
      {"file:///etc/passwd", "scheme_not_allowed"},
      {"gopher://api.example.com/", "scheme_not_allowed"},
      {"https://api.example.com@evil.com/", "userinfo"},
      {"https://user:pw@api.example.com/", "userinfo"},
      {"https://api.example.com:8443/", "port_not_allowed"},
      {"https://evil.com/", "host_not_allowed"},
      {"https://api.example.com.evil.com/", "host_not_allowed"},
      {"https://evilapi.example.com/", "host_not_allowed"},
      {"https://pkg.example.org/", "host_not_allowed"},  // the wildcard's apex
      {"https://127.0.0.1/", "ip_literal"},
      {"https://2130706433/", "ip_literal"},  // decimal 127.0.0.1
      {"https://0x7f.1/", "ip_literal"},      // hex
      {"https://0177.0.0.1/", "ip_literal"},  // octal
      {"https://[::ffff:127.0.0.1]/", "ip_literal"},
      {"https://[::1]/", "ip_literal"},
      {"https://169.254.169.254/latest/meta-data", "ip_literal"},
      {"https://gone.pkg.example.org/", "unresolvable"},
      {"https://rebind.pkg.example.org/", "internal_address"},
      {"https://meta.pkg.example.org/", "internal_address"},
      {"https://mapped.pkg.example.org/", "internal_address"},
      {"not a url", "invalid_url"},
      {"https://", "invalid_url"},
      {"https://api.example.com:99999/", "invalid_url"},
  };
  for (const Trick& trick : kTricks) cases.push_back({"urls", true, trick.rule, trick.url});

  // Each way of writing an allowed URL that a WHATWG parser and libcurl could
  // read apart, or that normalises into the allowed name, for every
  // allowlisted host, whatever follows; and the canonical spelling of each.
  auto noncanonical = [](const std::string& host, const std::string& tail) {
    std::string path = tail.empty() || tail[0] == '/' ? tail : "/" + tail;
    return std::vector<std::string>{
        "https://" + host + "./" + path.substr(path.empty() ? 0 : 1),    // trailing dot
        "https://" + host + ".:443" + path,                              // trailing dot and a port
        "https://%61" + host.substr(1) + path,                           // percent-encoded letter
        "https://" + host.substr(0, 3) + "%2e" + host.substr(4) + path,  // percent-encoded dot
        "https://" + host + ":" + path,                                  // empty port
        "https://" + host + ":0443" + path,                              // zero-padded port
        "https://" + host + ":00443" + path,                             // more padding
        "https:/" + host + path,                                         // one slash
        "https:///" + host + path,                                       // three slashes
        "https:\\\\" + host + path,                                      // backslashes for slashes
        "https://" + host + "\\@evil.example" + path,                    // WHATWG: host ends at '\\'
        "https://x\xFF\xFE." + host + path,                              // raw bytes a WHATWG parser refuses
        "https://\xD0\xB0" + host.substr(1) + path,                      // a Cyrillic letter WHATWG would map
        "https://x^y." + host + path,                                    // a code point WHATWG forbids in a host
    };
  };
  for (const std::string host : {"api.example.com", "cdn.pkg.example.org"}) {
    for (const std::string tail : {"/", "/v1/items?page=2", "/a/b.tgz", "?q=1", "#frag", ""}) {
      cases.push_back({"urls", false, "", "https://" + host + (tail.empty() || tail[0] != '/' ? "/" + tail : tail)});
      for (const std::string& url : noncanonical(host, tail)) cases.push_back({"urls", true, "noncanonical_url", url});
    }
  }
  return cases;
}

}  // namespace corral::test
