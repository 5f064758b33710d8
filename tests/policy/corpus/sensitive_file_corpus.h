// The sensitive-file table: the credential stores real machines and
// repositories hold (hostile: a tool call or a diff touching one must be
// caught), and their harmless siblings and ordinary files (must pass), each
// at the top, in a home folder and deep in a tree.
#pragma once

#include <vector>

#include "policy/corpus/corpus_case.h"

namespace corral::test {

// Family "sensitive files".
std::vector<CorpusCase> sensitive_file_corpus();

}  // namespace corral::test
