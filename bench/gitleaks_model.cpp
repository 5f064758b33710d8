#include "gitleaks_model.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <regex>

#include "policy/secrets/secret_values.h"

namespace corral::bench {
namespace {

// What ends a token in gitleaks' rules: a quote, space or ';', an escaped
// newline, or the end.
const std::string kEnd = R"~((?:[`'"\s;]|\\[nr]|$))~";

// gitleaks' "semi-generic" shape: an identifier holding one of `names`, an
// assignment operator, then the secret.
std::string named(const std::string& names, const std::string& secret) {
  return R"~([\w.-]{0,50}?(?:)~" + names +
         R"~()(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[`'"\s=]{0,5}()~" + secret + ")" + kEnd;
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::regex compile(const std::string& pattern, bool icase) {
  auto flags = std::regex::ECMAScript | std::regex::optimize;
  return std::regex(pattern, icase ? flags | std::regex::icase : flags);
}

}  // namespace

struct GitleaksModel::Rule {
  std::string id;
  std::regex pattern;
  double min_entropy = 0;               // 0: none
  std::vector<std::string> keywords;    // lower case; empty: always tried
  std::vector<std::regex> allow;        // on the secret
  std::vector<std::regex> allow_match;  // on the whole match
  bool stopwords = false;               // the generic rule's stopwords apply
};

namespace {

struct RuleText {
  const char* id;
  std::string pattern;
  bool icase;
  double min_entropy;
  std::vector<std::string> keywords;
  std::vector<std::string> allow = {};
};

std::vector<RuleText> rule_texts() {
  const std::string uuid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
  return {
      {"aws-access-token",
       R"~(\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b)~",
       false,
       3,
       {"a3t", "akia", "asia", "abia", "acca"},
       {".+EXAMPLE$"}},
      {"github-pat", "ghp_[0-9a-zA-Z]{36}", false, 3, {"ghp_"}},
      {"github-oauth", "gho_[0-9a-zA-Z]{36}", false, 3, {"gho_"}},
      {"github-app-token", "(?:ghu|ghs)_[0-9a-zA-Z]{36}", false, 3, {"ghu_", "ghs_"}},
      {"github-refresh-token", "ghr_[0-9a-zA-Z]{36}", false, 3, {"ghr_"}},
      {"github-fine-grained-pat", R"~(github_pat_\w{82})~", false, 3, {"github_pat_"}},
      {"gitlab-pat", R"~(glpat-[\w-]{20})~", false, 3, {"glpat-"}},
      {"gitlab-deploy-token", R"~(gldt-[0-9a-zA-Z_\-]{20})~", false, 3, {"gldt-"}},
      {"gitlab-runner-authentication-token", R"~(glrt-[0-9a-zA-Z_\-]{20})~", false, 3, {"glrt-"}},
      {"gitlab-ptt", "glptt-[0-9a-f]{40}", false, 3, {"glptt-"}},
      {"slack-bot-token", "xoxb-[0-9]{10,13}-[0-9]{10,13}[a-zA-Z0-9-]*", false, 3, {"xoxb"}},
      {"slack-user-token", "xox[pe](?:-[0-9]{10,13}){3}-[a-zA-Z0-9-]{28,34}", false, 2, {"xoxp-", "xoxe-"}},
      {"slack-app-token", R"~(xapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+)~", true, 2, {"xapp"}},
      {"slack-webhook-url",
       "(?:https?://)?hooks.slack.com/(?:services|workflows|triggers)/[A-Za-z0-9+/]{43,56}",
       false,
       0,
       {"hooks.slack.com"}},
      {"anthropic-api-key", R"~(\b(sk-ant-api03-[a-zA-Z0-9_\-]{93}AA))~" + kEnd, false, 0, {"sk-ant-api03"}},
      {"openai-api-key",
       R"~(\b(sk-(?:proj|svcacct|admin)-(?:[A-Za-z0-9_-]{74}|[A-Za-z0-9_-]{58})T3BlbkFJ(?:[A-Za-z0-9_-]{74}|[A-Za-z0-9_-]{58})\b|sk-[a-zA-Z0-9]{20}T3BlbkFJ[a-zA-Z0-9]{20}))~" +
           kEnd,
       false,
       3,
       {"t3blbkfj"}},
      {"stripe-access-token",
       R"~(\b((?:sk|rk)_(?:test|live|prod)_[a-zA-Z0-9]{10,99}))~" + kEnd,
       false,
       2,
       {"sk_test", "sk_live", "sk_prod", "rk_test", "rk_live", "rk_prod"}},
      {"npm-access-token", R"~(\b(npm_[a-z0-9]{36}))~" + kEnd, true, 2, {"npm_"}},
      {"pypi-upload-token", R"~(pypi-AgEIcHlwaS5vcmc[\w-]{50,1000})~", false, 3, {"pypi-ageichlwas5vcmc"}},
      {"gcp-api-key", R"~(\b(AIza[\w-]{35}))~" + kEnd, false, 4, {"aiza"}},
      {"huggingface-access-token", R"~(\b(hf_[a-zA-Z]{34}))~" + kEnd, false, 2, {"hf_"}},
      {"shopify-access-token", "shpat_[a-fA-F0-9]{32}", false, 2, {"shpat_"}},
      {"shopify-shared-secret", "shpss_[a-fA-F0-9]{32}", false, 2, {"shpss_"}},
      {"digitalocean-pat", R"~(\b(dop_v1_[a-f0-9]{64}))~" + kEnd, false, 3, {"dop_v1_"}},
      {"databricks-api-token", R"~(\b(dapi[a-f0-9]{32}(?:-\d)?))~" + kEnd, false, 3, {"dapi"}},
      {"doppler-api-token", R"~(dp\.pt\.[a-zA-Z0-9]{43})~", false, 2, {"dp.pt."}},
      {"vault-service-token",
       R"~(\b((?:hvs\.[\w-]{90,120}|s\.[a-zA-Z0-9]{24})))~" + kEnd,
       false,
       3.5,
       {"hvs.", "s."},
       {R"~(s\.[A-Za-z]{24})~"}},
      {"linear-api-key", "lin_api_[a-zA-Z0-9]{40}", false, 2, {"lin_api_"}},
      {"new-relic-user-api-key", named("new-relic|newrelic|new_relic", "NRAK-[a-z0-9]{27}"), true, 0, {"nrak"}},
      {"postman-api-token", R"~(\b(PMAK-[a-fA-F0-9]{24}\-[a-fA-F0-9]{34}))~" + kEnd, false, 3, {"pmak-"}},
      {"pulumi-api-token", R"~(\b(pul-[a-f0-9]{40}))~" + kEnd, false, 2, {"pul-"}},
      {"rubygems-api-token", R"~(\b(rubygems_[a-f0-9]{48}))~" + kEnd, false, 2, {"rubygems_"}},
      {"grafana-service-account-token", R"~(\b(glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}))~" + kEnd, true, 3, {"glsa_"}},
      {"grafana-cloud-api-token", R"~(\b(glc_[A-Za-z0-9+/]{32,400}={0,3}))~" + kEnd, true, 3, {"glc_"}},
      {"square-access-token", R"~(\b((?:EAAA|sq0atp-)[\w-]{22,60}))~" + kEnd, false, 2, {"sq0atp-", "eaaa"}},
      {"sendgrid-api-token", R"~(\b(SG\.[a-zA-Z0-9=_\-.]{66}))~" + kEnd, false, 2, {"sg."}},
      {"sendinblue-api-token", R"~(\b(xkeysib-[a-f0-9]{64}\-[a-zA-Z0-9]{16}))~" + kEnd, false, 2, {"xkeysib-"}},
      {"mailgun-private-api-token", named("mailgun", "key-[a-f0-9]{32}"), true, 0, {"mailgun"}},
      {"sentry-user-token", R"~(\b(sntryu_[a-f0-9]{64}))~" + kEnd, false, 3.5, {"sntryu_"}},
      {"planetscale-password", R"~(\b(pscale_pw_[\w=.-]{32,64}))~" + kEnd, true, 3, {"pscale_pw_"}},
      {"planetscale-api-token", R"~(\b(pscale_tkn_[\w=.-]{32,64}))~" + kEnd, true, 3, {"pscale_tkn_"}},
      {"prefect-api-token", R"~(\b(pnu_[a-zA-Z0-9]{36}))~" + kEnd, false, 2, {"pnu_"}},
      {"notion-api-token", R"~(\b(ntn_[0-9]{11}[A-Za-z0-9]{32}[A-Za-z0-9]{3}))~" + kEnd, false, 4, {"ntn_"}},
      {"twilio-api-key", "SK[0-9a-fA-F]{32}", false, 3, {"sk"}},
      {"atlassian-api-token",
       named("atlassian|confluence|jira", "[a-z0-9]{20}[a-f0-9]{4}") + R"~(|\b(ATATT3[A-Za-z0-9_\-=]{186}))~" + kEnd,
       true,
       3.5,
       {"atlassian", "confluence", "jira", "atatt3"}},
      {"alibaba-access-key-id", R"~(\b(LTAI[a-zA-Z0-9]{20}))~" + kEnd, false, 2, {"ltai"}},
      {"heroku-api-key-v2", R"~(\b((HRKU-AA[0-9a-zA-Z_-]{58})))~" + kEnd, false, 4, {"hrku-aa"}},
      {"heroku-api-key", named("heroku", uuid), true, 0, {"heroku"}},
      {"mailchimp-api-key",
       named(R"~(MailchimpSDK.initialize|mailchimp)~", R"~([a-f0-9]{32}-us\d\d)~"),
       true,
       0,
       {"mailchimp"}},
      {"azure-ad-client-secret",
       R"~((?:^|[\\'"`\s>=:(,)])([a-zA-Z0-9_~.]{3}\dQ~[a-zA-Z0-9_~.-]{31,34})(?:$|[\\'"`\s<),]))~",
       false,
       3,
       {"q~"}},
      {"hashicorp-tf-api-token", R"~([a-z0-9]{14}\.atlasv1\.[a-z0-9\-_=]{60,70})~", true, 3.5, {"atlasv1"}},
      {"dynatrace-api-token", R"~(dt0c01\.[a-zA-Z0-9]{24}\.[a-zA-Z0-9]{64})~", false, 4, {"dt0c01."}},
      {"readme-api-token", R"~(\b(rdme_[a-z0-9]{70}))~" + kEnd, false, 2, {"rdme_"}},
      {"perplexity-api-key", R"~(\b(pplx-[a-zA-Z0-9]{48})(?:[`'"\s;]|\\[nr]|$|\b))~", false, 4, {"pplx-"}},
      {"easypost-api-token", R"~(\bEZAK[a-zA-Z0-9]{54}\b)~", false, 2, {"ezak"}},
      {"clojars-api-token", "CLOJARS_[a-z0-9]{60}", true, 2, {"clojars_"}},
      {"flyio-access-token",
       R"~(\b((?:fo1_[\w-]{43}|fm1[ar]_[a-zA-Z0-9+/]{100,}={0,3}|fm2_[a-zA-Z0-9+/]{100,}={0,3})))~" + kEnd,
       false,
       4,
       {"fo1_", "fm1", "fm2_"}},
      {"facebook-page-access-token", R"~(\b(EAA[MC][a-zA-Z0-9]{100,}))~" + kEnd, false, 4, {"eaam", "eaac"}},
      {"infracost-api-token", R"~(\b(ico-[a-zA-Z0-9]{32}))~" + kEnd, false, 3, {"ico-"}},
      {"age-secret-key", "AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}", false, 0, {"age-secret-key-1"}},
      {"discord-api-token", named("discord", "[a-f0-9]{64}"), true, 0, {"discord"}},
      {"discord-client-secret", named("discord", R"~([a-z0-9=_\-]{32})~"), true, 2, {"discord"}},
      {"telegram-bot-api-token", named("telegr", R"~([0-9]{5,16}:A[a-z0-9_\-]{34})~"), true, 0, {"telegr"}},
      {"microsoft-teams-webhook",
       R"~(https://[a-z0-9]+\.webhook\.office\.com/webhookb2/[a-z0-9]{8}-([a-z0-9]{4}-){3}[a-z0-9]{12}@[a-z0-9]{8}-([a-z0-9]{4}-){3}[a-z0-9]{12}/IncomingWebhook/[a-z0-9]{32}/[a-z0-9]{8}-([a-z0-9]{4}-){3}[a-z0-9]{12})~",
       false,
       0,
       {"webhook.office.com", "webhookb2", "incomingwebhook"}},
      {"jwt",
       R"~(\b(ey[a-zA-Z0-9]{17,}\.ey[a-zA-Z0-9\/\\_-]{17,}\.(?:[a-zA-Z0-9\/\\_-]{10,}={0,2})?))~" + kEnd,
       false,
       3,
       {"ey"}},
      {"private-key",
       R"~(-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----[\s\S-]{64,}?KEY(?: BLOCK)?-----)~",
       true,
       0,
       {"-----begin"}},
      {"curl-auth-user",
       R"~(\bcurl\b.*[ \t](?:-u|--user)(?:=|[ \t]{0,5})("(:[^"]{3,}|[^:"]{3,}:|[^:"]{3,}:[^"]{3,})"|'([^:']{3,}:[^']{3,})'|((?:"[^"]{3,}"|'[^']{3,}'|[\w$@.-]+):(?:"[^"]{3,}"|'[^']{3,}'|[\w${}@.-]+)))(?:\s|$))~",
       false,
       2,
       {"curl"},
       {R"~([^:]+:(?:change(?:it|me)|pass(?:word)?|pwd|test|token|\*+|x+))~",
        R"~(['"]?<[^>]+>['"]?:['"]?<[^>]+>|<[^:]+:[^>]+>['"]?)~", R"~([^:]+:\[[^\]]+])~",
        R"~(['"]?[^:]+['"]?:['"]?\$(?:\d|\w+|\{(?:\d|\w+)\})['"]?)~", R"~(\$\([^)]+\):\$\([^)]+\))~",
        R"~(['"]?\$?\{\{[^}]+\}\}['"]?:['"]?\$?\{\{[^}]+\}\}['"]?)~"}},
      {"curl-auth-header",
       R"~(\bcurl\b.*[ \t](?:-H|--header)(?:=|[ \t]{0,5})(?:"(?:Authorization:[ \t]{0,5}(?:Basic[ \t]([a-z0-9+/]{8,}={0,3})|(?:Bearer|(?:Api-)?Token)[ \t]([\w=~@.+/-]{8,})|([\w=~@.+/-]{8,}))|(?:(?:X-(?:[a-z]+-)?)?(?:Api-?)?(?:Key|Token)):[ \t]{0,5}([\w=~@.+/-]{8,}))"|'(?:Authorization:[ \t]{0,5}(?:Basic[ \t]([a-z0-9+/]{8,}={0,3})|(?:Bearer|(?:Api-)?Token)[ \t]([\w=~@.+/-]{8,})|([\w=~@.+/-]{8,}))|(?:(?:X-(?:[a-z]+-)?)?(?:Api-?)?(?:Key|Token)):[ \t]{0,5}([\w=~@.+/-]{8,}))')(?:\B|\s|$))~",
       true,
       2.75,
       {"curl"}},
      {"database-password",
       named(R"~(db_passw(?:or)?d|database_passw(?:or)?d|pwd)~", "[a-zA-Z0-9:;<@=},!$?^]{1,100}"),
       true,
       0,
       {}},
      {"generic-api-key",
       named(R"~(access|auth|api|credential|creds|key|passw(?:or)?d|secret|token)~",
             R"~([\w.=-]{10,150}|[a-z0-9][a-z0-9+/]{11,}={0,3})~"),
       true,
       3.5,
       {"access", "api", "auth", "key", "credential", "creds", "passwd", "password", "secret", "token"},
       {"^[a-zA-Z_.-]+$"}},
  };
}

// Applied to every rule's secret (the config's global allowlist).
const std::vector<std::regex>& global_allow() {
  static const std::vector<std::regex> kAllow = [] {
    std::vector<std::regex> allow;
    for (const char* pattern :
         {R"~(^true|false|null$)~",
          R"~(^(?:a+|b+|c+|d+|e+|f+|g+|h+|i+|j+|k+|l+|m+|n+|o+|p+|q+|r+|s+|t+|u+|v+|w+|x+|y+|z+|\*+|\.+)$)~",
          R"~(^\$(?:\d+|\{\d+\})$)~", R"~(^\$(?:[A-Z_]+|[a-z_]+)$)~", R"~(^\$\{(?:[A-Z_]+|[a-z_]+)\}$)~",
          R"~(^\{\{[ \t]*[\w ().|]+[ \t]*\}\}$)~",
          R"~(^\$\{\{[ \t]*(?:(?:env|github|secrets|vars)(?:\.[A-Za-z]\w+)+[\w "'&./=|]*)[ \t]*\}\}$)~",
          R"~(^%(?:[A-Z_]+|[a-z_]+)%$)~", R"~(^%[+\-# 0]?[bcdeEfFgGoOpqstTUvxX]$)~", R"~(^\{\d{0,2}\}$)~",
          R"~(^@(?:[A-Z_]+|[a-z_]+)@$)~", R"~(^/(?:bin|etc|home|opt|tmp|usr|var)/[\w ./-]+$)~"}) {
      allow.push_back(compile(pattern, true));
    }
    return allow;
  }();
  return kAllow;
}

// The generic rule's allowlist over the whole match: names that only look
// like a secret's (a part of the config's list).
const std::regex& generic_match_allow() {
  static const std::regex kAllow = compile(
      R"~(access(?:ibility|or)|access[_.-]?id|random[_.-]?access|api[_.-]?(?:id|name|version)|rapid|capital|author|(?:credentials?[_.-]?id|withCredentials)|(?:bucket|foreign|hot|idx|natural|primary|pub(?:lic)?|schema|sequence)[_.-]?key|key[_.-]?(?:alias|board|code|frame|id|length|mesh|name|pair|press(?:ed)?|ring|selector|signature|size|stone|storetype|word|up|down|left|right)|key(?:store|tab)[_.-]?(?:file|path)|keying|secret[_.-]?(?:length|name|size)|csrf[_.-]?token|(?:api|credentials|token)[_.-]?(?:endpoint|ur[il])|public[_.-]?token|(?:key|token)[_.-]?file)~",
      true);
  return kAllow;
}

// A part of the generic rule's stopwords (the config lists about 1,400).
const std::vector<std::string>& stopwords() {
  static const std::vector<std::string> kWords = {
      "000000",   "aaaaaa",  "about",  "acces",   "admin",   "agent",    "alpha",   "amazon",  "apache",     "app_",
      "app-",     "app.",    "auth",   "author",  "backend", "backup",   "base",    "basic",   "beta",       "build",
      "cache",    "change",  "client", "cloud",   "code",    "config",   "content", "cookie",  "credential", "data",
      "database", "debug",   "demo",   "deploy",  "docker",  "domain",   "example", "export",  "fake",       "file",
      "github",   "gitlab",  "google", "hash",    "host",    "http",     "index",   "input",   "json",       "local",
      "login",    "mail",    "master", "name",    "node",    "password", "path",    "project", "public",     "random",
      "redi",     "sample",  "server", "service", "session", "setting",  "slack",   "string",  "stripe",     "system",
      "template", "testing", "token",  "user",    "value",   "version",  "webhook", "xxxxxx",
  };
  return kWords;
}

}  // namespace

GitleaksModel::GitleaksModel() {
  for (RuleText& text : rule_texts()) {
    auto rule = std::make_unique<Rule>();
    rule->id = text.id;
    rule->pattern = compile(text.pattern, text.icase);
    rule->min_entropy = text.min_entropy;
    rule->keywords = text.keywords;
    for (const std::string& allow : text.allow) rule->allow.push_back(compile(allow, false));
    rule->stopwords = rule->id == "generic-api-key";
    if (rule->stopwords) rule->allow_match.push_back(generic_match_allow());
    rules_.push_back(std::move(rule));
  }
}

GitleaksModel::~GitleaksModel() = default;

size_t GitleaksModel::rule_count() const { return rules_.size(); }

std::vector<std::string> GitleaksModel::findings(const std::string& fragment) const {
  std::vector<std::string> found;
  std::string lowered = lower(fragment);
  for (const auto& rule : rules_) {
    bool gated = !rule->keywords.empty() &&
                 std::none_of(rule->keywords.begin(), rule->keywords.end(),
                              [&](const std::string& k) { return lowered.find(k) != std::string::npos; });
    if (gated) continue;
    for (auto it = std::sregex_iterator(fragment.begin(), fragment.end(), rule->pattern); it != std::sregex_iterator();
         ++it) {
      const std::smatch& match = *it;
      std::string secret = match.str(0);
      for (size_t group = 1; group < match.size(); ++group) {
        if (match[group].matched && match[group].length() > 0) {
          secret = match.str(group);
          break;
        }
      }
      if (rule->min_entropy > 0 && policy::secrets::shannon_entropy(secret) <= rule->min_entropy) continue;
      auto allowed = [&](const std::regex& r) { return std::regex_search(secret, r); };
      if (std::any_of(rule->allow.begin(), rule->allow.end(), allowed)) continue;
      if (std::any_of(global_allow().begin(), global_allow().end(), allowed)) continue;
      std::string whole = match.str(0);
      if (std::any_of(rule->allow_match.begin(), rule->allow_match.end(),
                      [&](const std::regex& r) { return std::regex_search(whole, r); })) {
        continue;
      }
      std::string lowered_secret = lower(secret);
      if (rule->stopwords && std::any_of(stopwords().begin(), stopwords().end(), [&](const std::string& word) {
            return lowered_secret.find(word) != std::string::npos;
          })) {
        continue;
      }
      found.push_back(rule->id);
      break;
    }
  }
  return found;
}

}  // namespace corral::bench
