// One input of a validator's table: hostile (must be refused, by `rule`
// where the table says which) or an ordinary look-alike (must pass).
#pragma once

#include <string>

namespace corral::test {

struct CorpusCase {
  std::string family;
  bool hostile = false;
  std::string rule;  // for a hostile case: the rule that must refuse it ("" when any will do)
  std::string text;  // the path, URL or lines (joined by '\n')
};

}  // namespace corral::test
