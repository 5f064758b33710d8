// A model of gitleaks' default rules, for comparing the secret scanner with
// the best-known open-source one on the same lines (bench_validator_recall).
//
// gitleaks itself cannot be installed here: it is neither a Debian 12
// package nor on npm, the only registries these machines reach. So the rules
// that can fire on the corpus' families are restated from its published
// config/gitleaks.toml (gitleaks v8, read at commit 009e025a) as ECMAScript
// regular expressions with the same parts: keywords that gate a rule, the
// pattern and its secret group, the entropy floor, the rule's and the global
// allowlists. Rules for providers the corpus does not hold are left out (they
// cannot fire on it). Of the generic rule's 1,400 stopwords only the common
// ones are kept: the model may flag a little more than gitleaks does, on
// secrets and look-alikes alike.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace corral::bench {

class GitleaksModel {
 public:
  GitleaksModel();
  ~GitleaksModel();

  // The ids of the rules that report a secret in `fragment` (its lines joined
  // by '\n', as gitleaks reads a diff hunk).
  std::vector<std::string> findings(const std::string& fragment) const;

  size_t rule_count() const;

 private:
  struct Rule;
  std::vector<std::unique_ptr<Rule>> rules_;
};

}  // namespace corral::bench
