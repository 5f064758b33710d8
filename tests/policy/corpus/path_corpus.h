// The path-spelling table: paths a tool call could name that are not plain,
// printable and canonical (each with the rule that must refuse it), and the
// ordinary names, in many scripts and shapes, that must pass.
#pragma once

#include <string>
#include <vector>

#include "policy/corpus/corpus_case.h"

namespace corral::test {

// Family "paths".
std::vector<CorpusCase> path_corpus();

// `c` as UTF-8.
std::string utf8(char32_t c);

}  // namespace corral::test
