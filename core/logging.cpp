#include "core/logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>

#include "core/visible_text.h"

namespace corral {
namespace {

// Passes every message on visible_inline(): log lines quote what agents wrote
// (file names, reasons), and an operator reads them in a terminal too.
class VisibleSink final : public spdlog::sinks::sink {
 public:
  explicit VisibleSink(std::shared_ptr<spdlog::sinks::sink> inner) : inner_(std::move(inner)) {}
  void log(const spdlog::details::log_msg& message) override {
    std::string text = visible_inline(std::string_view(message.payload.data(), message.payload.size()));
    spdlog::details::log_msg shown = message;
    shown.payload = text;
    inner_->log(shown);
  }
  void flush() override { inner_->flush(); }
  void set_pattern(const std::string& pattern) override { inner_->set_pattern(pattern); }
  void set_formatter(std::unique_ptr<spdlog::formatter> formatter) override {
    inner_->set_formatter(std::move(formatter));
  }

 private:
  std::shared_ptr<spdlog::sinks::sink> inner_;
};

}  // namespace

void setup_logging() {
  auto sink = std::make_shared<VisibleSink>(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  auto logger = std::make_shared<spdlog::logger>("corral", sink);
  const char* level = std::getenv("CORRAL_LOG");
  logger->set_level(level ? spdlog::level::from_str(level) : spdlog::level::warn);
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  spdlog::set_default_logger(logger);
}

}  // namespace corral
