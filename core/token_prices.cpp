#include "core/token_prices.h"

#include <charconv>
#include <vector>

namespace corral {

double TokenPrices::cost_usd(int64_t input_tokens, int64_t output_tokens, int64_t cache_read_tokens,
                             int64_t cache_write_tokens) const {
  return (input * static_cast<double>(input_tokens) + output * static_cast<double>(output_tokens) +
          cache_read * static_cast<double>(cache_read_tokens) + cache_write * static_cast<double>(cache_write_tokens)) /
         1e6;
}

Result<TokenPrices> parse_token_prices(const std::string& text) {
  auto refuse = [&] {
    return Status::invalid_argument("'" + text +
                                    "' is not IN/OUT[/CACHE_READ[/CACHE_WRITE]]: US dollars per million tokens, "
                                    "each a number from 0 to 1000000");
  };
  std::vector<double> values;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('/', start);
    if (end == std::string::npos) end = text.size();
    double value = 0;
    const char* first = text.data() + start;
    const char* last = text.data() + end;
    auto [stop, error] = std::from_chars(first, last, value, std::chars_format::fixed);
    if (first == last || error != std::errc() || stop != last || !(value >= 0 && value <= 1e6)) return refuse();
    values.push_back(value);
    start = end + 1;
  }
  if (values.size() < 2 || values.size() > 4) return refuse();
  TokenPrices prices{values[0], values[1], values[0], values[0]};
  if (values.size() > 2) prices.cache_read = values[2];
  if (values.size() > 3) prices.cache_write = values[3];
  return prices;
}

}  // namespace corral
