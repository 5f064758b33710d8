#include "runner/output_recorder.h"

#include "runner/agent_report.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <vector>

namespace corral::runner {
namespace {

using containers::OutputStream;

class CollectingSink final : public EventSink {
 public:
  Status record(const Event& event) override {
    events.push_back(event);
    return Status::ok();
  }
  std::vector<std::string> texts() const {
    std::vector<std::string> out;
    for (const Event& e : events) out.push_back(nlohmann::json::parse(e.payload)["text"]);
    return out;
  }
  std::vector<Event> events;
};

Event base() { return Event{"agent.output", "t-1", "r-1", "repo-1", "agent", "r-1", "{}"}; }

TEST(OutputRecorder, EmitsWholeLinesAsTheyComplete) {
  CollectingSink sink;
  OutputRecorder recorder(sink, base());
  recorder.on_output(OutputStream::kStdout, "hel");
  EXPECT_TRUE(sink.events.empty());
  recorder.on_output(OutputStream::kStdout, "lo\nwor");
  ASSERT_EQ(sink.events.size(), 1u);
  EXPECT_EQ(sink.texts()[0], "hello\n");
  EXPECT_EQ(sink.events[0].type, "agent.output");
  EXPECT_EQ(sink.events[0].task_id, "t-1");
  recorder.finish();
  EXPECT_EQ(sink.texts()[1], "wor");
}

TEST(OutputRecorder, KeepsStreamsApart) {
  CollectingSink sink;
  OutputRecorder recorder(sink, base());
  recorder.on_output(OutputStream::kStdout, "a");
  recorder.on_output(OutputStream::kStderr, "b\n");
  recorder.on_output(OutputStream::kStdout, "c\n");
  ASSERT_EQ(sink.events.size(), 2u);
  EXPECT_EQ(nlohmann::json::parse(sink.events[0].payload)["stream"], "stderr");
  EXPECT_EQ(sink.texts()[1], "ac\n");
}

TEST(OutputRecorder, CutsLinesLongerThanAChunk) {
  CollectingSink sink;
  OutputRecorder recorder(sink, base());
  recorder.on_output(OutputStream::kStdout, std::string(OutputRecorder::kChunkBytes * 2 + 10, 'x'));
  EXPECT_EQ(sink.events.size(), 2u);
  recorder.finish();
  EXPECT_EQ(sink.events.size(), 3u);
}

TEST(OutputRecorder, StopsRecordingAtTheCapAndSaysSo) {
  CollectingSink sink;
  OutputRecorder recorder(sink, base(), /*cap_bytes=*/100);
  for (int i = 0; i < 50; ++i) recorder.on_output(OutputStream::kStdout, "0123456789\n");
  recorder.finish();
  EXPECT_EQ(recorder.bytes_seen(), 550);
  EXPECT_EQ(recorder.bytes_dropped(), 550 - 99);
  EXPECT_NE(sink.texts().back().find("451 bytes not recorded"), std::string::npos) << sink.texts().back();
  EXPECT_LE(sink.events.size(), 11u);
}

TEST(OutputRecorder, KeepsTheTailForErrorMessages) {
  CollectingSink sink;
  OutputRecorder recorder(sink, base());
  recorder.on_output(OutputStream::kStdout, std::string(10000, 'x'));
  recorder.on_output(OutputStream::kStderr, "fatal: the real reason\n");
  recorder.finish();
  EXPECT_LE(recorder.tail().size(), 2048u);
  EXPECT_NE(recorder.tail().find("the real reason"), std::string::npos);
}

TEST(OutputRecorder, ReportLinesBecomeTheirOwnEventsWhereverTheyFall) {
  CollectingSink sink;
  OutputRecorder recorder(sink, base());
  std::string confidence = format_report({"confidence", 0.75, "tests pass"});
  std::string escalation = format_report({"escalation", 0, "the migration looks risky"});
  recorder.on_output(OutputStream::kStdout, "working\n" + confidence + "still working\n" + escalation.substr(0, 10));
  recorder.on_output(OutputStream::kStdout, escalation.substr(10) + "done\n");
  recorder.finish();
  ASSERT_EQ(sink.events.size(), 5u);
  EXPECT_EQ(sink.events[0].type, "agent.output");
  EXPECT_EQ(sink.events[1].type, "agent.confidence");
  auto payload = nlohmann::json::parse(sink.events[1].payload);
  EXPECT_EQ(payload["value"], 0.75);
  EXPECT_EQ(payload["reason"], "tests pass");
  EXPECT_EQ(sink.events[1].task_id, "t-1");
  EXPECT_EQ(nlohmann::json::parse(sink.events[2].payload)["text"], "still working\n");
  EXPECT_EQ(sink.events[3].type, "agent.escalation");
  EXPECT_EQ(nlohmann::json::parse(sink.events[3].payload)["reason"], "the migration looks risky");
  EXPECT_EQ(nlohmann::json::parse(sink.events[4].payload)["text"], "done\n");
}

TEST(AgentReport, OnlyWellFormedReportsCount) {
  EXPECT_TRUE(parse_report(format_report({"confidence", 1, ""})));
  for (std::string line :
       {std::string(kReportMarker) + "{\"kind\":\"confidence\",\"value\":1.5}\n",
        std::string(kReportMarker) + "{\"kind\":\"confidence\"}\n",
        std::string(kReportMarker) + "{\"kind\":\"promote-me\"}\n", std::string(kReportMarker) + "not json\n",
        std::string("corral-report {\"kind\":\"escalation\"}\n"),
        std::string(kReportMarker) + "{\"kind\":\"escalation\",\"reason\":\"" + std::string(kMaxReasonBytes + 1, 'x') +
            "\"}\n"}) {
    EXPECT_FALSE(parse_report(line)) << line.substr(0, 60);
  }
}

}  // namespace
}  // namespace corral::runner
