// How well the validators separate hostile input from ordinary look-alikes,
// family by family: recall (hostile cases caught) and false-positive rate
// (ordinary cases refused), over the tables in tests/policy/corpus/.
//
// For secrets the same lines also go through a model of gitleaks' default
// rules (gitleaks_model.h), side by side. The secret corpus' fake credentials
// are drawn afresh for each seed, so a rule that holds only for one draw
// shows here. Targets: recall >= 97% and false positives <= 2% in every
// family, and better than gitleaks on both.
//
// Paths, sensitive files and URLs have no such scanner to compare with; their
// tables are fixed.
//
// Usage: bench_validator_recall [SEEDS=20] [--show-misses]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "gitleaks_model.h"
#include "policy/corpus/path_corpus.h"
#include "policy/corpus/secret_corpus.h"
#include "policy/corpus/sensitive_file_corpus.h"
#include "policy/corpus/url_corpus.h"
#include "policy/path_rules.h"
#include "policy/secret_scan.h"
#include "policy/sensitive_files.h"
#include "policy/url_rules.h"

namespace {

using namespace corral;
using Steady = std::chrono::steady_clock;

struct Tally {
  size_t hostile = 0, caught = 0, ordinary = 0, refused = 0;
  void count(bool hostile_case, bool flagged) {
    if (hostile_case) {
      ++hostile;
      caught += flagged;
    } else {
      ++ordinary;
      refused += flagged;
    }
  }
  double recall() const { return hostile ? 100.0 * static_cast<double>(caught) / static_cast<double>(hostile) : 100; }
  double false_positives() const {
    return ordinary ? 100.0 * static_cast<double>(refused) / static_cast<double>(ordinary) : 0;
  }
};

void print_row(const std::string& family, const Tally& ours, const Tally* theirs) {
  std::printf("  %-20s %5zu %5zu   %6.1f%% %6.2f%%", family.c_str(), ours.hostile, ours.ordinary, ours.recall(),
              ours.false_positives());
  if (theirs) std::printf("   %6.1f%% %6.2f%%", theirs->recall(), theirs->false_positives());
  std::printf("\n");
}

// Paths, sensitive files and URLs: one table each, as a tool call meets them.
void tool_call_families(bool show_misses) {
  policy::UrlPolicy url_policy = test::url_corpus_policy();
  std::vector<std::string> patterns = policy::default_sensitive_patterns();
  struct Family {
    std::string name;
    std::vector<test::CorpusCase> cases;
    std::function<bool(const std::string&)> refused;
  };
  const Family kFamilies[] = {
      {"paths", test::path_corpus(),
       [](const std::string& path) {
         return policy::check_path(path, policy::PathPolicy{}).verdict != policy::Verdict::kAllow;
       }},
      {"sensitive files", test::sensitive_file_corpus(),
       [&](const std::string& path) { return policy::sensitive_match(patterns, path) != nullptr; }},
      {"urls", test::url_corpus(),
       [&](const std::string& url) {
         return policy::check_url(url, url_policy).decision.verdict != policy::Verdict::kAllow;
       }},
  };
  std::printf("tool calls (one table each)\n");
  std::printf("  %-20s %5s %5s   %7s %7s\n", "family", "host.", "ord.", "recall", "FP");
  for (const Family& family : kFamilies) {
    Tally tally;
    for (const test::CorpusCase& c : family.cases) {
      bool refused = family.refused(c.text);
      tally.count(c.hostile, refused);
      if (show_misses && refused != c.hostile) std::printf("    %s wrong: %s\n", family.name.c_str(), c.text.c_str());
    }
    print_row(family.name, tally, nullptr);
  }
}

void secrets(int seeds, bool show_misses) {
  bench::GitleaksModel gitleaks;
  std::map<std::string, Tally> ours, theirs;
  Tally our_total, their_total;
  double our_seconds = 0, their_seconds = 0;
  std::map<std::string, int> shown;
  std::vector<std::string> misses;  // C!: corral wrong, G!: the gitleaks model wrong
  for (int seed = 1; seed <= seeds; ++seed) {
    for (const test::CorpusCase& c : test::secret_corpus(static_cast<uint64_t>(seed))) {
      auto start = Steady::now();
      bool we_flag = !policy::find_secrets_in_text(c.text).empty();
      auto middle = Steady::now();
      bool they_flag = !gitleaks.findings(c.text).empty();
      auto end = Steady::now();
      our_seconds += std::chrono::duration<double>(middle - start).count();
      their_seconds += std::chrono::duration<double>(end - middle).count();
      ours[c.family].count(c.hostile, we_flag);
      theirs[c.family].count(c.hostile, they_flag);
      our_total.count(c.hostile, we_flag);
      their_total.count(c.hostile, they_flag);
      if ((we_flag != c.hostile || they_flag != c.hostile) && shown[c.text.substr(0, 24)]++ == 0) {
        misses.push_back(std::string(c.hostile ? "  secret   " : "  ordinary ") +
                         (we_flag == c.hostile ? "   " : "C! ") + (they_flag == c.hostile ? "   " : "G! ") + c.text);
      }
    }
  }
  std::printf("\nsecrets in diffs: %d draws of the corpus; gitleaks model: %zu rules\n", seeds, gitleaks.rule_count());
  std::printf("  %-20s %5s %5s   %7s %7s   %7s %7s\n", "family", "host.", "ord.", "recall", "FP", "gl rec.", "gl FP");
  for (const auto& [family, tally] : ours) print_row(family, tally, &theirs[family]);
  print_row("all", our_total, &their_total);
  size_t lines = our_total.hostile + our_total.ordinary;
  std::printf("  time per case: corral %.1f us, gitleaks model %.1f us (std::regex; gitleaks uses Go's RE2)\n",
              1e6 * our_seconds / static_cast<double>(lines), 1e6 * their_seconds / static_cast<double>(lines));
  if (show_misses) {
    std::printf("  cases either got wrong (C!: corral, G!: the gitleaks model), each shape once:\n");
    for (const std::string& miss : misses) std::printf("%s\n", miss.c_str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  int seeds = 20;
  bool show_misses = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--show-misses") == 0) {
      show_misses = true;
    } else {
      seeds = std::atoi(argv[i]);
    }
  }
  if (seeds < 1) {
    std::fprintf(stderr, "usage: bench_validator_recall [SEEDS=20] [--show-misses]\n");
    return 2;
  }
  tool_call_families(show_misses);
  secrets(seeds, show_misses);
  return 0;
}
