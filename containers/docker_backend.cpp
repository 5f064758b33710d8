#include "containers/docker_backend.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "containers/docker_config.h"
#include "containers/docker_engine.h"
#include "containers/docker_stream.h"

namespace corral::containers {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kKillGrace = std::chrono::seconds(10);
constexpr auto kExitQueryTimeout = std::chrono::seconds(30);
constexpr const char* kOwnerLabel = "corral.owner";

}  // namespace

struct DockerBackend::Live {
  HijackedStream stream;
  FrameDecoder decoder;
  int64_t memory_limit = 0;
};

Result<std::unique_ptr<DockerBackend>> DockerBackend::connect(const std::string& socket_path, std::string owner) {
  auto engine = DockerEngine::connect(socket_path);
  if (!engine.is_ok()) return engine.status();
  return std::unique_ptr<DockerBackend>(new DockerBackend(std::move(*engine), std::move(owner)));
}

DockerBackend::DockerBackend(std::unique_ptr<DockerEngine> engine, std::string owner)
    : engine_(std::move(engine)), owner_(std::move(owner)) {}

DockerBackend::~DockerBackend() {
  std::vector<std::string> names;
  {
    MutexLock lock(mutex_);
    for (const auto& [name, live] : live_) names.push_back(name);
  }
  for (const std::string& name : names) {
    Status removed = remove(name);
    if (!removed.is_ok())
      spdlog::warn("removing sandbox {}: {} (reconciliation will retry)", name, removed.to_string());
  }
}

DockerBackend::Live* DockerBackend::find(const std::string& name) {
  MutexLock lock(mutex_);
  auto it = live_.find(name);
  return it == live_.end() ? nullptr : it->second.get();
}

Status DockerBackend::check_image(const std::string& image) { return engine_->check_image(image); }

Status DockerBackend::create(const SandboxSpec& spec) {
  CORRAL_RETURN_IF_ERROR(engine_->check_image(spec.image));
  auto id = engine_->create(spec.name, docker_create_body(spec, owner_));
  if (!id.is_ok()) return id.status();
  auto stream = engine_->attach(spec.name);
  if (!stream.is_ok()) {
    static_cast<void>(engine_->remove(spec.name));  // best effort: the attach error is the one to report
    return stream.status();
  }
  auto live = std::make_unique<Live>();
  live->stream = std::move(*stream);
  live->memory_limit = spec.limits.memory_bytes;
  MutexLock lock(mutex_);
  live_[spec.name] = std::move(live);
  return Status::ok();
}

Status DockerBackend::start(const std::string& name) {
  if (!find(name)) return Status::not_found("no sandbox " + name + " was created here");
  return engine_->start(name);
}

Result<SandboxExit> DockerBackend::wait(const std::string& name, std::chrono::milliseconds timeout,
                                        const OutputHandler& on_output) {
  Live* live = find(name);
  if (!live) return Status::not_found("no sandbox " + name + " was created here");
  SandboxExit exit;
  exit.memory_limit = live->memory_limit;
  exit.timeout_seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout).count();
  live->decoder.feed(live->stream.already_read, on_output);
  auto deadline = Clock::now() + timeout;
  char buf[16384];
  for (;;) {
    auto now = Clock::now();
    if (now >= deadline) {
      if (exit.timed_out) return Status::timeout("sandbox " + name + " did not stop after SIGKILL");
      static_cast<void>(engine_->kill(name));  // a failed kill shows as the wait's own timeout next round
      exit.timed_out = true;
      deadline = now + kKillGrace;
    }
    pollfd pfd{live->stream.fd.get(), POLLIN, 0};
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
    int ready = ::poll(&pfd, 1, static_cast<int>(std::max<int64_t>(left, 1)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return Status::from_errno(errno, "waiting for sandbox " + name);
    if (ready == 0) continue;
    ssize_t n = ::read(live->stream.fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the stream ends when the container's process ends, or the engine goes away
    live->decoder.feed(std::string_view(buf, static_cast<size_t>(n)), on_output);
  }
  return finish(name, exit);
}

// The stream ended: ask the engine how the container ended.
Result<SandboxExit> DockerBackend::finish(const std::string& name, SandboxExit exit) {
  auto code = engine_->wait(name, kExitQueryTimeout);
  if (!code.is_ok()) {
    return Status::failed_precondition("lost the Docker engine during the run: " + code.status().message());
  }
  exit.exit_code = *code;
  auto state = engine_->inspect(name);
  if (state.is_ok() && state->contains("State")) {
    exit.oom_killed = !exit.timed_out && (*state)["State"].value("OOMKilled", false);
  }
  return exit;
}

Status DockerBackend::kill(const std::string& name) { return engine_->kill(name); }

Status DockerBackend::terminate(const std::string& name) { return engine_->kill(name, "TERM"); }

Status DockerBackend::remove(const std::string& name) {
  {
    MutexLock lock(mutex_);
    live_.erase(name);
  }
  return engine_->remove(name);
}

Result<std::vector<SandboxInfo>> DockerBackend::list_ours() {
  auto list = engine_->list_with_label(std::string(kOwnerLabel) + "=" + owner_);
  if (!list.is_ok()) return list.status();
  std::vector<SandboxInfo> ours;
  for (const auto& entry : *list) {
    SandboxInfo info;
    const auto names = entry.value("Names", nlohmann::json::array());
    info.name = names.empty() ? entry.value("Id", "") : names[0].get<std::string>().substr(1);
    info.status = entry.value("State", "");
    const auto labels = entry.value("Labels", nlohmann::json::object());
    for (const auto& [key, value] : labels.items()) {
      if (key.rfind("corral.", 0) == 0 && value.is_string()) info.labels[key] = value;
    }
    ours.push_back(std::move(info));
  }
  return ours;
}

}  // namespace corral::containers
