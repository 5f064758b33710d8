// What a model's tokens cost, as an owner writes it in a repository's
// settings ("model_prices": {"MODEL": "IN/OUT[/CACHE_READ[/CACHE_WRITE]]"}),
// in US dollars per million tokens; cache reads and writes cost as input
// tokens unless given. The LLM gateway prices each call with it.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"

namespace corral {

struct TokenPrices {
  double input = 0, output = 0, cache_read = 0, cache_write = 0;  // USD per million tokens

  double cost_usd(int64_t input_tokens, int64_t output_tokens, int64_t cache_read_tokens,
                  int64_t cache_write_tokens) const;
};

// invalid_argument saying what is wrong: two to four non-negative numbers
// (at most 1,000,000 each) separated by '/'.
Result<TokenPrices> parse_token_prices(const std::string& text);

}  // namespace corral
