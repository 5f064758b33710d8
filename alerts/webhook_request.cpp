#include "alerts/webhook_request.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "alerts/alert_json.h"
#include "alerts/secret_reference.h"
#include "core/hash.h"

namespace corral::alerts {
namespace {

using nlohmann::json;

bool is_http_url(const std::string& url) { return url.starts_with("http://") || url.starts_with("https://"); }

// The title a person reads first: "[critical] history_rewrite: ...".
std::string headline(const store::AlertRecord& alert) {
  return "[" + alert.severity + "] corral " + alert.rule + ": " + alert.summary;
}

std::vector<std::pair<std::string, std::string>> facts_of(const store::AlertRecord& alert) {
  std::vector<std::pair<std::string, std::string>> facts = {{"Rule", alert.rule}, {"Severity", alert.severity}};
  if (!alert.repo_id.empty()) facts.emplace_back("Repository", alert.repo_id);
  if (!alert.task_id.empty()) facts.emplace_back("Task", alert.task_id);
  if (!alert.agent.empty()) facts.emplace_back("Agent", alert.agent);
  facts.emplace_back("Alert", alert.id);
  return facts;
}

json slack_body(const store::AlertRecord& alert) {
  json fields = json::array();
  for (const auto& [name, value] : facts_of(alert))
    fields.push_back({{"type", "mrkdwn"}, {"text", "*" + name + "*\n" + value}});
  return {
      {"text", headline(alert)},
      {"blocks",
       {{{"type", "header"}, {"text", {{"type", "plain_text"}, {"text", alert.rule + " (" + alert.severity + ")"}}}},
        {{"type", "section"}, {"text", {{"type", "plain_text"}, {"text", alert.summary}}}},
        {{"type", "section"}, {"fields", fields}},
        {{"type", "context"},
         {"elements", {{{"type", "mrkdwn"}, {"text", "raised " + alert.raised_at + " by corral"}}}}}}}};
}

json teams_body(const store::AlertRecord& alert) {
  json facts = json::array();
  for (const auto& [name, value] : facts_of(alert)) facts.push_back({{"title", name}, {"value", value}});
  json card = {{"$schema", "http://adaptivecards.io/schemas/adaptive-card.json"},
               {"type", "AdaptiveCard"},
               {"version", "1.4"},
               {"body",
                {{{"type", "TextBlock"},
                  {"text", "corral " + alert.rule + " (" + alert.severity + ")"},
                  {"weight", "Bolder"},
                  {"size", "Medium"},
                  {"wrap", true}},
                 {{"type", "TextBlock"}, {"text", alert.summary}, {"wrap", true}},
                 {{"type", "FactSet"}, {"facts", facts}}}}};
  return {{"type", "message"},
          {"attachments",
           {{{"contentType", "application/vnd.microsoft.card.adaptive"}, {"contentUrl", nullptr}, {"content", card}}}}};
}

json telegram_body(const store::AlertRecord& alert, const std::string& chat_id) {
  std::string text = headline(alert);
  for (const auto& [name, value] : facts_of(alert)) text += "\n" + name + ": " + value;
  return {{"chat_id", chat_id}, {"text", text}, {"disable_web_page_preview", true}};
}

Result<std::string> url_of(const std::string& url) { return is_reference(url) ? resolve_reference(url) : url; }

}  // namespace

Status check_destination(const store::AlertDestination& destination) {
  const std::string& format = destination.format;
  if (std::find(std::begin(kFormats), std::end(kFormats), format) == std::end(kFormats))
    return Status::invalid_argument("format '" + format + "' is not one of slack, teams, telegram, json");
  if (destination.name.empty() || destination.name.size() > 64 ||
      destination.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-_") != std::string::npos)
    return Status::invalid_argument("a destination's name is 1 to 64 of a-z, 0-9, - and _");
  bool url_is_secret = format == "slack" || format == "teams";
  if (url_is_secret || is_reference(destination.url)) {
    CORRAL_RETURN_IF_ERROR(check_reference(destination.url, "the " + format + " webhook's URL"));
  } else if (!(format == "telegram" && destination.url.empty()) && !is_http_url(destination.url)) {
    return Status::invalid_argument("the URL must start with http:// or https:// (or be env:NAME or file:/PATH)");
  }
  if (format == "json" || format == "telegram") {
    CORRAL_RETURN_IF_ERROR(
        check_reference(destination.secret, format == "json" ? "the signing secret" : "the bot token"));
  } else if (!destination.secret.empty()) {
    return Status::invalid_argument("a " + format + " destination takes no secret: its URL is the secret");
  }
  if (format == "telegram" && destination.chat_id.empty()) return Status::invalid_argument("telegram needs a chat id");
  if (format != "telegram" && !destination.chat_id.empty())
    return Status::invalid_argument("only a telegram destination takes a chat id");
  return Status::ok();
}

Result<WebhookRequest> webhook_request(const store::AlertDestination& destination, const store::AlertRecord& alert,
                                       const std::string& delivery_id, TimePoint now) {
  WebhookRequest request;
  request.headers = {"Content-Type: application/json", "Idempotency-Key: " + delivery_id,
                     "X-Corral-Delivery: " + delivery_id};
  const std::string& format = destination.format;
  if (format == "slack" || format == "teams") {
    CORRAL_ASSIGN_OR_RETURN(request.url, url_of(destination.url));
    request.body = (format == "slack" ? slack_body(alert) : teams_body(alert)).dump();
  } else if (format == "telegram") {
    CORRAL_ASSIGN_OR_RETURN(std::string base, url_of(destination.url.empty() ? kTelegramApi : destination.url));
    CORRAL_ASSIGN_OR_RETURN(std::string token, resolve_reference(destination.secret));
    while (!base.empty() && base.back() == '/') base.pop_back();
    request.url = base + "/bot" + token + "/sendMessage";
    request.body = telegram_body(alert, destination.chat_id).dump();
  } else if (format == "json") {
    CORRAL_ASSIGN_OR_RETURN(request.url, url_of(destination.url));
    CORRAL_ASSIGN_OR_RETURN(std::string key, resolve_reference(destination.secret));
    request.body = json({{"delivery", delivery_id}, {"alert", alert_json(alert)}}).dump();
    std::string timestamp =
        std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
    request.headers.push_back("X-Corral-Timestamp: " + timestamp);
    request.headers.push_back("X-Corral-Signature: sha256=" + hmac_sha256_hex(key, timestamp + "." + request.body));
  } else {
    return Status::invalid_argument("format '" + format + "' is not one of slack, teams, telegram, json");
  }
  return request;
}

}  // namespace corral::alerts
