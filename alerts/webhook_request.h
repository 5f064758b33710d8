// The HTTP request that delivers an alert to a destination, in its format:
//  - slack: an incoming webhook's JSON with blocks (header, fields, context);
//  - teams: a message holding an Adaptive Card (TextBlocks and a FactSet);
//  - telegram: the Bot API's sendMessage (URL: the API's base, default
//    https://api.telegram.org; secret: the bot token, only in the request's URL);
//  - json: the alert as alert_json() shows it, signed: X-Corral-Timestamp
//    (Unix seconds) and X-Corral-Signature: sha256=HEX, the HMAC-SHA256 of
//    "TIMESTAMP.BODY" under the destination's secret. A receiver recomputes
//    it, refuses a timestamp more than 5 minutes off (a replay), and drops a
//    delivery id it has seen (a retry).
// Every request carries the delivery's id as Idempotency-Key and X-Corral-Delivery.
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "store/alert_outbox.h"
#include "store/alerts.h"

namespace corral::alerts {

inline constexpr const char* kFormats[] = {"slack", "teams", "telegram", "json"};
inline constexpr const char* kTelegramApi = "https://api.telegram.org";

struct WebhookRequest {
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;
};

// invalid_argument naming what is wrong: an unknown format, a URL or secret
// that must be a reference and is not, a missing chat id or secret.
Status check_destination(const store::AlertDestination& destination);

// The references are resolved here: an error names the reference, never the secret.
Result<WebhookRequest> webhook_request(const store::AlertDestination& destination, const store::AlertRecord& alert,
                                       const std::string& delivery_id, TimePoint now);

}  // namespace corral::alerts
