// The bell that wakes event streams: rings are counted, coalesced into one
// wake-up until it has run, and each napping stream is woken once.
#include "api/stream_bell.h"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <vector>

namespace corral::api {
namespace {

struct CountingNapper : Napper {
  int woken = 0;
  void wake() override { ++woken; }
};

class StreamBellTest : public ::testing::Test {
 protected:
  // Wake-ups posted "to the I/O thread", run when the test says.
  std::vector<std::function<void()>> posted_;
  StreamBell bell_{[this](std::function<void()> wake) { posted_.push_back(std::move(wake)); }};

  void run_posted() {
    auto now = std::move(posted_);
    posted_.clear();
    for (auto& wake : now) wake();
  }
};

TEST_F(StreamBellTest, ManyRingsBeforeTheWakeUpRunsPostOneAndCountEach) {
  auto napper = std::make_shared<CountingNapper>();
  bell_.wake_at_next_ring(napper);
  uint64_t before = bell_.generation();
  for (int i = 0; i < 100; ++i) bell_.ring();
  EXPECT_EQ(bell_.generation(), before + 100) << "a stream that read before these sees it has news";
  EXPECT_EQ(posted_.size(), 1u);
  run_posted();
  EXPECT_EQ(napper->woken, 1);
  bell_.ring();
  EXPECT_EQ(posted_.size(), 1u) << "after the wake-up ran, a ring posts again";
  run_posted();
  EXPECT_EQ(napper->woken, 1) << "woken once per registration";
}

TEST_F(StreamBellTest, AStreamRegisteredTwiceIsWokenOnceAndAGoneOneNotAtAll) {
  auto napper = std::make_shared<CountingNapper>();
  bell_.wake_at_next_ring(napper);
  bell_.wake_at_next_ring(napper);
  auto gone = std::make_shared<CountingNapper>();
  bell_.wake_at_next_ring(gone);
  gone.reset();
  bell_.ring();
  run_posted();
  EXPECT_EQ(napper->woken, 1);
}

TEST_F(StreamBellTest, StreamsThatWentAwayWithoutARingDoNotPileUp) {
  for (int i = 0; i < 5000; ++i) {
    bell_.wake_at_next_ring(std::make_shared<CountingNapper>());  // gone at once: a client that left
  }
  auto alive = std::make_shared<CountingNapper>();
  bell_.wake_at_next_ring(alive);
  EXPECT_LE(bell_.registered(), 1024u) << "entries of gone streams are pruned";
  bell_.ring();
  run_posted();
  EXPECT_EQ(alive->woken, 1) << "pruning keeps the living";
  EXPECT_EQ(bell_.registered(), 0u);
}

}  // namespace
}  // namespace corral::api
