// The URL table: for an allowlist of exact and wildcard hosts (with a fixed
// resolver), the tricks that must be refused each by its rule, every
// non-canonical spelling of an allowed URL (refused as noncanonical_url or
// invalid_url), and the canonical spellings and allowed forms that must pass.
#pragma once

#include <vector>

#include "policy/corpus/corpus_case.h"
#include "policy/url_rules.h"

namespace corral::test {

// The allowlist the table is written for.
policy::UrlPolicy url_corpus_policy();

// Family "urls".
std::vector<CorpusCase> url_corpus();

}  // namespace corral::test
