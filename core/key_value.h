// "KEY=VALUE" as command-line flags write it (--llm anthropic=URL, --budget
// task_calls=3, --relay 3128=SOCKET): the key is what comes before the first
// '=' and may not be empty; the value may hold '=' itself.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace corral {

struct KeyValue {
  std::string key;
  std::string value;
};

std::optional<KeyValue> split_key_value(std::string_view text);

// A whole decimal number (an optional '-', digits) and nothing else; nullopt
// for anything else or a number out of int64 range.
std::optional<int64_t> parse_whole_number(std::string_view text);

}  // namespace corral
