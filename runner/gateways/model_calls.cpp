#include "runner/gateways/model_calls.h"

#include <openssl/crypto.h>

#include <boost/beast/core/string.hpp>

namespace corral::runner {

namespace http = boost::beast::http;

bool is_model_call(const std::string& provider, http::verb method, const std::string& target) {
  std::string path = target.substr(0, target.find('?'));
  if (method != http::verb::post) return false;
  if (provider == "openai")
    return path == "/v1/chat/completions" || path == "/v1/completions" || path == "/v1/responses";
  if (provider == "gemini") {  // /v1beta/models/MODEL:ACTION
    size_t models = path.find("/models/");
    size_t colon = path.rfind(':');
    if ((path.rfind("/v1beta/models/", 0) != 0 && path.rfind("/v1/models/", 0) != 0) || colon == std::string::npos ||
        colon < models + 8 || path.find('/', models + 8) != std::string::npos) {
      return false;
    }
    std::string action = path.substr(colon + 1);
    return action == "generateContent" || action == "streamGenerateContent" || action == "countTokens";
  }
  return path == "/v1/messages" || path == "/v1/messages/count_tokens";
}

std::string model_in_path(const std::string& target) {
  size_t models = target.find("/models/");
  size_t colon = target.rfind(':');
  if (models == std::string::npos || colon == std::string::npos || colon < models + 8) return "";
  return target.substr(models + 8, colon - models - 8);
}

std::string presented_key(const LlmRequest& request) {
  for (const char* header : {"x-api-key", "x-goog-api-key"}) {
    auto key = request.find(header);
    if (key != request.end()) return std::string(key->value());
  }
  auto auth = request.find(http::field::authorization);
  std::string value = auth == request.end() ? "" : std::string(auth->value());
  return value.rfind("Bearer ", 0) == 0 ? value.substr(7) : "";
}

bool same_secret(const std::string& a, const std::string& b) {
  return a.size() == b.size() && !a.empty() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool is_hop_or_credential(http::field field, boost::beast::string_view name) {
  switch (field) {
    case http::field::host:
    case http::field::authorization:
    case http::field::connection:
    case http::field::keep_alive:
    case http::field::content_length:
    case http::field::transfer_encoding:
    case http::field::accept_encoding:
    case http::field::te:
    case http::field::upgrade:
      return true;
    default:
      break;
  }
  return boost::beast::iequals(name, "x-api-key") || boost::beast::iequals(name, "x-goog-api-key") ||
         (name.size() >= 6 && boost::beast::iequals(name.substr(0, 6), "proxy-"));
}

}  // namespace corral::runner
