// What the LLM gateway forwards: which requests are model calls a provider's
// key may be used for, the model a call names, and the run token a request
// presents. Pure, so each rule is tested with a table.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <string>

namespace corral::runner {

using LlmRequest = boost::beast::http::request<boost::beast::http::string_body>;

// Model calls, not files, batches, fine-tuning or account endpoints:
// anthropic POST /v1/messages[/count_tokens]; openai /v1/chat/completions,
// /v1/completions, /v1/responses; gemini /v1[beta]/models/M:generateContent,
// :streamGenerateContent, :countTokens.
bool is_model_call(const std::string& provider, boost::beast::http::verb method, const std::string& target);

// Gemini names the model in the path, not the body; "" when it is not there.
std::string model_in_path(const std::string& target);

// The key the request presents: x-api-key, x-goog-api-key or a bearer token.
std::string presented_key(const LlmRequest& request);

// Compared in constant time; an empty secret matches nothing.
bool same_secret(const std::string& a, const std::string& b);

// Headers the gateway sets itself and never passes on: hop-by-hop ones,
// credentials, the host, the length and encodings of the body.
bool is_hop_or_credential(boost::beast::http::field field, boost::beast::string_view name);

}  // namespace corral::runner
