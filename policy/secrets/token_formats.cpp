#include "policy/secrets/token_formats.h"

#include <array>
#include <cctype>

#include "policy/secrets/secret_values.h"

namespace corral::policy::secrets {
namespace {

enum class Charset {
  kUpperDigits,  // A-Z 0-9
  kAlnum,        // A-Z a-z 0-9
  kLetters,      // A-Z a-z
  kLowerAlnum,   // a-z 0-9
  kHex,          // 0-9 a-f A-F
  kHexDash,      // hex and '-'
  kWord,         // A-Z a-z 0-9 _
  kToken,        // A-Z a-z 0-9 _ -
  kTokenDot,     // A-Z a-z 0-9 _ - . =
  kBase64,       // A-Z a-z 0-9 + / =
  kBech32Upper,  // the 32 characters of upper-case bech32
};

bool in_charset(char c, Charset charset) {
  unsigned char u = static_cast<unsigned char>(c);
  switch (charset) {
    case Charset::kUpperDigits:
      return std::isupper(u) || std::isdigit(u);
    case Charset::kAlnum:
      return std::isalnum(u);
    case Charset::kLetters:
      return std::isalpha(u);
    case Charset::kLowerAlnum:
      return std::islower(u) || std::isdigit(u);
    case Charset::kHex:
      return std::isxdigit(u);
    case Charset::kHexDash:
      return std::isxdigit(u) || c == '-';
    case Charset::kWord:
      return std::isalnum(u) || c == '_';
    case Charset::kToken:
      return std::isalnum(u) || c == '_' || c == '-';
    case Charset::kTokenDot:
      return std::isalnum(u) || c == '_' || c == '-' || c == '.' || c == '=';
    case Charset::kBase64:
      return std::isalnum(u) || c == '+' || c == '/' || c == '=';
    case Charset::kBech32Upper:
      return (std::isupper(u) && c != 'B' && c != 'I' && c != 'O') || (std::isdigit(u) && c != '1');
  }
  return false;
}

// A documented format: a fixed prefix, then `min_length`..`max_length`
// characters of one set. Sources: each provider's token documentation (GitHub's
// and GitLab's token prefixes, Slack's token types, AWS's key ID prefixes,
// Google's API key and OAuth token forms, Stripe's key prefixes, npm's and
// PyPI's tokens, Twilio's API key SIDs, HashiCorp Vault's token prefixes, ...).
struct TokenRule {
  const char* name;
  const char* prefix;
  Charset charset;
  size_t min_length;
  size_t max_length;
};

// Where two prefixes share a start, the longer comes first.
constexpr std::array kTokenRules = {
    TokenRule{"github_token", "github_pat_", Charset::kWord, 60, 255},
    TokenRule{"github_token", "ghp_", Charset::kAlnum, 36, 36},
    TokenRule{"github_token", "gho_", Charset::kAlnum, 36, 36},
    TokenRule{"github_token", "ghu_", Charset::kAlnum, 36, 36},
    TokenRule{"github_token", "ghs_", Charset::kAlnum, 36, 36},
    TokenRule{"github_token", "ghr_", Charset::kAlnum, 36, 36},
    TokenRule{"gitlab_token", "glpat-", Charset::kTokenDot, 20, 300},
    TokenRule{"gitlab_token", "gldt-", Charset::kToken, 20, 64},
    TokenRule{"gitlab_token", "glrt-", Charset::kTokenDot, 20, 300},
    TokenRule{"gitlab_token", "glptt-", Charset::kHex, 40, 40},
    TokenRule{"gitlab_token", "glsoat-", Charset::kToken, 20, 64},
    TokenRule{"gitlab_token", "glffct-", Charset::kToken, 20, 64},
    TokenRule{"gitlab_token", "glcbt-", Charset::kToken, 20, 64},
    TokenRule{"gitlab_token", "glimt-", Charset::kToken, 25, 64},
    TokenRule{"gitlab_token", "glagent-", Charset::kToken, 50, 64},
    TokenRule{"gitlab_token", "gloas-", Charset::kToken, 64, 64},
    TokenRule{"gitlab_token", "glft-", Charset::kToken, 20, 64},
    TokenRule{"gitlab_token", "GR1348941", Charset::kToken, 20, 20},
    TokenRule{"slack_token", "xoxe.xoxp-", Charset::kToken, 20, 255},
    TokenRule{"slack_token", "xoxe.xoxb-", Charset::kToken, 20, 255},
    TokenRule{"slack_token", "xoxb-", Charset::kToken, 20, 255},
    TokenRule{"slack_token", "xoxp-", Charset::kToken, 20, 255},
    TokenRule{"slack_token", "xoxa-", Charset::kToken, 10, 255},
    TokenRule{"slack_token", "xoxr-", Charset::kToken, 10, 255},
    TokenRule{"slack_token", "xoxe-", Charset::kToken, 20, 255},
    TokenRule{"slack_token", "xoxs-", Charset::kToken, 20, 255},
    TokenRule{"slack_token", "xoxo-", Charset::kToken, 20, 255},
    TokenRule{"slack_token", "xapp-", Charset::kToken, 20, 255},
    TokenRule{"anthropic_key", "sk-ant-", Charset::kToken, 20, 255},
    TokenRule{"openai_key", "sk-proj-", Charset::kToken, 20, 255},
    TokenRule{"openai_key", "sk-svcacct-", Charset::kToken, 20, 255},
    TokenRule{"openai_key", "sk-admin-", Charset::kToken, 20, 255},
    TokenRule{"openai_key", "sk-", Charset::kToken, 32, 255},
    TokenRule{"stripe_secret_key", "sk_live_", Charset::kAlnum, 16, 255},
    TokenRule{"stripe_secret_key", "rk_live_", Charset::kAlnum, 16, 255},
    TokenRule{"stripe_secret_key", "sk_test_", Charset::kAlnum, 16, 255},
    TokenRule{"stripe_secret_key", "rk_test_", Charset::kAlnum, 16, 255},
    TokenRule{"stripe_webhook_secret", "whsec_", Charset::kBase64, 24, 255},
    TokenRule{"npm_token", "npm_", Charset::kAlnum, 36, 36},
    TokenRule{"pypi_token", "pypi-AgEIcHlwaS5vcmc", Charset::kToken, 50, 1000},
    TokenRule{"google_api_key", "AIza", Charset::kToken, 35, 35},
    TokenRule{"google_oauth_token", "ya29.", Charset::kTokenDot, 30, 2048},
    TokenRule{"google_oauth_token", "1//0", Charset::kToken, 30, 512},
    TokenRule{"google_oauth_client_secret", "GOCSPX-", Charset::kToken, 28, 28},
    TokenRule{"aws_access_key_id", "AKIA", Charset::kUpperDigits, 16, 16},
    TokenRule{"aws_access_key_id", "ASIA", Charset::kUpperDigits, 16, 16},
    TokenRule{"aws_access_key_id", "ABIA", Charset::kUpperDigits, 16, 16},
    TokenRule{"aws_access_key_id", "ACCA", Charset::kUpperDigits, 16, 16},
    TokenRule{"huggingface_token", "hf_", Charset::kLetters, 34, 34},
    TokenRule{"huggingface_token", "api_org_", Charset::kLetters, 34, 34},
    TokenRule{"shopify_token", "shpat_", Charset::kHex, 32, 32},
    TokenRule{"shopify_token", "shpca_", Charset::kHex, 32, 32},
    TokenRule{"shopify_token", "shppa_", Charset::kHex, 32, 32},
    TokenRule{"shopify_token", "shpss_", Charset::kHex, 32, 32},
    TokenRule{"digitalocean_token", "dop_v1_", Charset::kHex, 64, 64},
    TokenRule{"digitalocean_token", "doo_v1_", Charset::kHex, 64, 64},
    TokenRule{"digitalocean_token", "dor_v1_", Charset::kHex, 64, 64},
    TokenRule{"databricks_token", "dapi", Charset::kHex, 32, 32},
    TokenRule{"doppler_token", "dp.pt.", Charset::kAlnum, 40, 48},
    TokenRule{"doppler_token", "dp.st.", Charset::kTokenDot, 40, 96},
    TokenRule{"vault_token", "hvs.", Charset::kToken, 90, 300},
    TokenRule{"vault_token", "hvb.", Charset::kToken, 138, 300},
    TokenRule{"linear_api_key", "lin_api_", Charset::kAlnum, 40, 40},
    TokenRule{"newrelic_key", "NRAK-", Charset::kUpperDigits, 27, 27},
    TokenRule{"newrelic_key", "NRII-", Charset::kToken, 32, 32},
    TokenRule{"postman_api_key", "PMAK-", Charset::kHexDash, 59, 59},
    TokenRule{"pulumi_token", "pul-", Charset::kHex, 40, 40},
    TokenRule{"rubygems_token", "rubygems_", Charset::kHex, 48, 48},
    TokenRule{"age_secret_key", "AGE-SECRET-KEY-1", Charset::kBech32Upper, 58, 58},
    TokenRule{"grafana_token", "glc_", Charset::kBase64, 32, 400},
    TokenRule{"grafana_token", "glsa_", Charset::kWord, 41, 41},
    TokenRule{"square_token", "sq0atp-", Charset::kToken, 22, 60},
    TokenRule{"square_token", "sq0csp-", Charset::kToken, 40, 60},
    TokenRule{"square_token", "EAAA", Charset::kToken, 60, 60},
    TokenRule{"facebook_token", "EAA", Charset::kAlnum, 100, 400},
    TokenRule{"sendgrid_key", "SG.", Charset::kTokenDot, 66, 66},
    TokenRule{"brevo_key", "xkeysib-", Charset::kToken, 81, 81},
    TokenRule{"mailgun_key", "key-", Charset::kHex, 32, 32},
    TokenRule{"sentry_token", "sntryu_", Charset::kHex, 64, 64},
    TokenRule{"sentry_token", "sntrys_", Charset::kBase64, 100, 600},
    TokenRule{"planetscale_token", "pscale_tkn_", Charset::kTokenDot, 32, 64},
    TokenRule{"planetscale_token", "pscale_pw_", Charset::kTokenDot, 32, 64},
    TokenRule{"planetscale_token", "pscale_oauth_", Charset::kTokenDot, 32, 64},
    TokenRule{"prefect_key", "pnu_", Charset::kAlnum, 36, 36},
    TokenRule{"readme_key", "rdme_", Charset::kLowerAlnum, 70, 70},
    TokenRule{"scalingo_token", "tk-us-", Charset::kToken, 48, 48},
    TokenRule{"perplexity_key", "pplx-", Charset::kAlnum, 48, 48},
    TokenRule{"notion_token", "ntn_", Charset::kAlnum, 46, 46},
    TokenRule{"notion_token", "secret_", Charset::kAlnum, 43, 43},
    TokenRule{"clojars_token", "CLOJARS_", Charset::kAlnum, 60, 60},
    TokenRule{"atlassian_token", "ATATT3", Charset::kTokenDot, 150, 255},
    TokenRule{"artifactory_key", "AKCp", Charset::kAlnum, 60, 80},
    TokenRule{"alibaba_access_key_id", "LTAI", Charset::kAlnum, 12, 30},
    TokenRule{"flyio_token", "fo1_", Charset::kToken, 43, 43},
    TokenRule{"flyio_token", "fm2_", Charset::kBase64, 100, 1000},
    TokenRule{"heroku_key", "HRKU-AA", Charset::kToken, 58, 58},
    TokenRule{"infracost_key", "ico-", Charset::kAlnum, 32, 32},
    TokenRule{"onepassword_token", "ops_eyJ", Charset::kBase64, 250, 2000},
    TokenRule{"openshift_token", "sha256~", Charset::kToken, 43, 43},
    TokenRule{"duffel_token", "duffel_live_", Charset::kTokenDot, 43, 43},
    TokenRule{"duffel_token", "duffel_test_", Charset::kTokenDot, 43, 43},
    TokenRule{"easypost_key", "EZAK", Charset::kAlnum, 54, 54},
    TokenRule{"easypost_key", "EZTK", Charset::kAlnum, 54, 54},
    TokenRule{"dynatrace_token", "dt0c01.", Charset::kTokenDot, 89, 89},
    TokenRule{"frameio_token", "fio-u-", Charset::kTokenDot, 64, 64},
    TokenRule{"adobe_client_secret", "p8e-", Charset::kAlnum, 32, 32},
    TokenRule{"shippo_token", "shippo_live_", Charset::kHex, 40, 40},
    TokenRule{"shippo_token", "shippo_test_", Charset::kHex, 40, 40},
    TokenRule{"twilio_api_key", "SK", Charset::kHex, 32, 32},
};

bool is_word(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; }

// The rules by the first byte of their prefix, so a position costs only the
// rules that could start there.
const std::array<std::vector<const TokenRule*>, 256>& rules_by_first_byte() {
  static const auto kIndex = [] {
    std::array<std::vector<const TokenRule*>, 256> index;
    for (const TokenRule& rule : kTokenRules) index[static_cast<unsigned char>(rule.prefix[0])].push_back(&rule);
    return index;
  }();
  return kIndex;
}

// The length of the run of `charset` at `at`, read no further than `limit`.
size_t run_length(std::string_view line, size_t at, Charset charset, size_t limit) {
  size_t end = at;
  while (end < line.size() && end - at < limit && in_charset(line[end], charset)) ++end;
  return end - at;
}

bool is_token_char(char c) { return in_charset(c, Charset::kToken); }
bool is_webhook_path_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '+'; }

// The prefixed token at `at`, or nothing. Returns its length.
size_t prefixed_token_at(std::string_view line, size_t at, std::vector<SecretHit>& hits) {
  for (const TokenRule* rule : rules_by_first_byte()[static_cast<unsigned char>(line[at])]) {
    std::string_view prefix(rule->prefix);
    if (line.compare(at, prefix.size(), prefix) != 0) continue;
    size_t body_at = at + prefix.size();
    size_t length = run_length(line, body_at, rule->charset, rule->max_length + 1);
    if (length < rule->min_length || length > rule->max_length) continue;
    // The token ends where the format does: "sk_live_" + 24 then "xyz-" is not one.
    if (body_at + length < line.size() && is_word(line[body_at + length]) && rule->charset != Charset::kToken &&
        rule->charset != Charset::kTokenDot) {
      continue;
    }
    std::string_view body = line.substr(body_at, length);
    if (is_placeholder(body) || is_documented_example(line.substr(at, prefix.size() + length))) return prefix.size();
    hits.push_back({rule->name, 0, at + 1});
    return prefix.size() + length;
  }
  return 0;
}

// Slack's incoming webhooks: hooks.slack.com/services/T…/B…/secret (also
// /workflows/ and /triggers/). The documented example's secret is all X.
size_t slack_webhook_at(std::string_view line, size_t at, std::vector<SecretHit>& hits) {
  static constexpr std::string_view kHost = "hooks.slack.com/";
  if (line.compare(at, kHost.size(), kHost) != 0) return 0;
  size_t path = at + kHost.size();
  for (std::string_view kind : {"services/", "workflows/", "triggers/"}) {
    if (line.compare(path, kind.size(), kind) != 0) continue;
    size_t length = bounded_run(line, path + kind.size(), is_webhook_path_char, 200);
    std::string_view rest = line.substr(path + kind.size(), length);
    std::string_view secret = rest.substr(rest.rfind('/') == std::string_view::npos ? 0 : rest.rfind('/') + 1);
    if (length < 40 || secret.size() < 20 || is_placeholder(secret)) return kHost.size();
    hits.push_back({"slack_webhook", 0, at + 1});
    return kHost.size() + kind.size() + length;
  }
  return 0;
}

// Discord: discord.com/api/webhooks/<id>/<token> (and discordapp.com).
size_t discord_webhook_at(std::string_view line, size_t at, std::vector<SecretHit>& hits) {
  for (std::string_view host : {"discord.com/api/webhooks/", "discordapp.com/api/webhooks/"}) {
    if (line.compare(at, host.size(), host) != 0) continue;
    size_t id = at + host.size();
    size_t id_length = bounded_run(line, id, is_ascii_digit, 21);
    if (id_length < 17 || id_length > 20 || id + id_length >= line.size() || line[id + id_length] != '/') return 0;
    size_t token = id + id_length + 1;
    size_t token_length = bounded_run(line, token, is_token_char, 101);
    if (token_length < 60 || token_length > 100 || is_placeholder(line.substr(token, token_length))) return 0;
    hits.push_back({"discord_webhook", 0, at + 1});
    return token + token_length - at;
  }
  return 0;
}

// Microsoft Teams' incoming webhooks: <tenant>.webhook.office.com/webhookb2/…/IncomingWebhook/<32>/<guid>.
size_t teams_webhook_at(std::string_view line, size_t at, std::vector<SecretHit>& hits) {
  static constexpr std::string_view kPath = ".webhook.office.com/webhookb2/";
  if (line.compare(at, kPath.size(), kPath) != 0) return 0;
  size_t rest = at + kPath.size();
  size_t marker = line.substr(rest, 200).find("/IncomingWebhook/");
  if (marker == std::string_view::npos) return 0;
  size_t secret = rest + marker + 17;
  size_t length = run_length(line, secret, Charset::kAlnum, 33);
  if (length != 32 || is_placeholder(line.substr(secret, length))) return 0;
  hits.push_back({"teams_webhook", 0, at + 1});
  return secret + length - at;
}

// Telegram's bot tokens: the bot's numeric id, ':', then 35 characters.
size_t telegram_token_at(std::string_view line, size_t at, std::vector<SecretHit>& hits) {
  size_t digits = bounded_run(line, at, is_ascii_digit, 13);
  if (digits < 6 || digits > 12 || at + digits >= line.size() || line[at + digits] != ':') return 0;
  size_t token = at + digits + 1;
  size_t length = bounded_run(line, token, is_token_char, 36);
  if (length != 35) return digits;
  std::string_view body = line.substr(token, length);
  if (is_placeholder(body) || character_classes(body) < 2) return digits;
  hits.push_back({"telegram_bot_token", 0, at + 1});
  return digits + 1 + length;
}

// A JSON Web Token: base64url header and payload (each a JSON object, so each
// starts "eyJ"), then the signature. Bearer headers, cookies, JSON and env
// files all hold them this way.
size_t jwt_at(std::string_view line, size_t at, std::vector<SecretHit>& hits) {
  if (line.compare(at, 3, "eyJ") != 0) return 0;
  size_t header = bounded_run(line, at, is_token_char, 4096);
  size_t dot = at + header;
  if (header < 10 || dot >= line.size() || line[dot] != '.' || line.compare(dot + 1, 3, "eyJ") != 0) return 0;
  size_t payload = bounded_run(line, dot + 1, is_token_char, 16384);
  size_t second_dot = dot + 1 + payload;
  if (payload < 10 || second_dot >= line.size() || line[second_dot] != '.') return 0;
  size_t signature = bounded_run(line, second_dot + 1, is_token_char, 4096);
  size_t end = second_dot + 1 + signature;
  if (is_documented_example(line.substr(second_dot + 1, signature))) return end - at;
  hits.push_back({"jwt", 0, at + 1});
  return end - at;
}

// Microsoft Entra ID (Azure AD) client secrets: three characters, a digit,
// "Q~", then 31 to 34 more.
size_t azure_client_secret_at(std::string_view line, size_t at, std::vector<SecretHit>& hits) {
  auto secret_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '~' || c == '.';
  };
  if (at + 6 > line.size() || line.compare(at + 4, 2, "Q~") != 0 || !is_ascii_digit(line[at + 3])) return 0;
  for (size_t i = at; i < at + 3; ++i) {
    if (!secret_char(line[i])) return 0;
  }
  size_t end = at + 6;
  while (end < line.size() && end - at < 41 && (secret_char(line[end]) || line[end] == '-')) ++end;
  size_t length = end - at - 6;
  if (length < 31 || length > 34 || is_placeholder(line.substr(at + 6, length))) return 0;
  hits.push_back({"azure_client_secret", 0, at + 1});
  return end - at;
}

// Terraform Cloud API tokens: 14 characters, ".atlasv1.", 60 to 70 more.
size_t terraform_token_at(std::string_view line, size_t at, std::vector<SecretHit>& hits) {
  size_t id = run_length(line, at, Charset::kAlnum, 15);
  if (id != 14 || line.compare(at + 14, 9, ".atlasv1.") != 0) return 0;
  size_t length = run_length(line, at + 23, Charset::kTokenDot, 71);
  if (length < 60 || length > 70) return 0;
  hits.push_back({"terraform_token", 0, at + 1});
  return 23 + length;
}

// Mailchimp API keys: 32 hex digits, "-us", the data centre's number.
size_t mailchimp_key_at(std::string_view line, size_t at, std::vector<SecretHit>& hits) {
  size_t hex = run_length(line, at, Charset::kHex, 33);
  if (hex != 32 || line.compare(at + 32, 3, "-us") != 0) return 0;
  size_t digits = bounded_run(line, at + 35, is_ascii_digit, 3);
  if (digits < 1 || digits > 2 || is_placeholder(line.substr(at, 32))) return 0;
  hits.push_back({"mailchimp_key", 0, at + 1});
  return 35 + digits;
}

}  // namespace

void find_tokens(std::string_view line, std::vector<SecretHit>& hits) {
  using Matcher = size_t (*)(std::string_view, size_t, std::vector<SecretHit>&);
  static constexpr std::array<Matcher, 9> kMatchers = {prefixed_token_at,      slack_webhook_at,   discord_webhook_at,
                                                       teams_webhook_at,       telegram_token_at,  jwt_at,
                                                       azure_client_secret_at, terraform_token_at, mailchimp_key_at};
  for (size_t at = 0; at < line.size(); ++at) {
    // Every format starts a word but Teams' webhook host, which starts at the
    // dot after the tenant's name ("contoso.webhook.office.com").
    bool starts_word = at == 0 || !is_word(line[at - 1]);
    if (!starts_word && line[at] != '.') continue;
    for (Matcher matcher : kMatchers) {
      if (!starts_word && matcher != teams_webhook_at) continue;
      size_t before = hits.size();
      size_t consumed = matcher(line, at, hits);
      if (hits.size() > before) {
        at += consumed - 1;
        break;
      }
    }
  }
}

}  // namespace corral::policy::secrets
