#include "core/key_value.h"

#include <charconv>

namespace corral {

std::optional<KeyValue> split_key_value(std::string_view text) {
  size_t equals = text.find('=');
  if (equals == std::string_view::npos || equals == 0) return std::nullopt;
  return KeyValue{std::string(text.substr(0, equals)), std::string(text.substr(equals + 1))};
}

std::optional<int64_t> parse_whole_number(std::string_view text) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [stopped, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || stopped != end) return std::nullopt;
  return value;
}

}  // namespace corral
