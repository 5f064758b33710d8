// The OCI runtime backend (oci_runtime.h). Over the ~350-line guide on
// purpose: a sandbox's whole life under runc/crun (bundle, foreground run,
// pidfd wait, kill, the background deleter) reads best as one file; its
// pieces that stand alone (bundle, config, rootfs, seccomp) are files of their own.
#include "containers/oci_runtime.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "containers/oci_bundle.h"

namespace corral::containers {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr auto kKillGrace = std::chrono::seconds(10);  // from SIGKILL to exit
constexpr auto kDrainGrace = std::chrono::seconds(2);  // output after exit
constexpr const char* kLabelPrefix = "corral.";

int open_pidfd(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

// Reads what is available now; false at end of stream.
bool forward_output(UniqueFd& fd, OutputStream stream, const OutputHandler& on_output) {
  char buf[16384];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n > 0) {
      if (on_output) on_output(stream, std::string_view(buf, static_cast<size_t>(n)));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return true;
    fd.reset();
    return false;
  }
}

std::string read_available(UniqueFd& fd) {
  std::string text;
  forward_output(fd, OutputStream::kStderr, [&](OutputStream, std::string_view chunk) { text += chunk; });
  return text;
}

std::string trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

std::optional<int64_t> read_counter(const fs::path& file, const std::string& key) {
  std::ifstream in(file);
  std::string name;
  int64_t value = 0;
  while (in >> name >> value) {
    if (name == key) return value;
  }
  return std::nullopt;
}

// The labels written into a bundle's config.json, for bundles the runtime
// never saw (a crash between writing the bundle and `runtime create`).
std::map<std::string, std::string> bundle_labels(const fs::path& bundle) {
  std::ifstream in(bundle / "config.json");
  std::stringstream text;
  text << in.rdbuf();
  auto config = nlohmann::json::parse(text.str(), nullptr, false);
  std::map<std::string, std::string> labels;
  if (config.is_discarded() || !config.contains("annotations")) return labels;
  for (const auto& [key, value] : config["annotations"].items()) {
    if (key.rfind(kLabelPrefix, 0) == 0 && value.is_string()) labels[key] = value;
  }
  return labels;
}

}  // namespace

struct OciRuntimeBackend::Live {
  pid_t runtime_pid = -1;  // `runc run`, our child; -1 before start
  UniqueFd runtime_pidfd;
  UniqueFd out;  // read ends of the container's stdout and stderr
  UniqueFd err;
  UniqueFd out_write;  // write ends, handed to the runtime at start
  UniqueFd err_write;
  int64_t memory_limit = 0;
  bool reaped = false;
};

OciRuntimeBackend::OciRuntimeBackend(OciRuntimeOptions options)
    : options_(std::move(options)), deleter_([this] { run_deleter(); }) {}

OciRuntimeBackend::~OciRuntimeBackend() {
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
  {
    MutexLock lock(mutex_);
    stopping_ = true;
  }
  deleter_wake_.notify_all();
  deleter_.join();
}

// Deletes what remove() queued; after the destructor asks it to stop, it
// finishes the queue first.
void OciRuntimeBackend::run_deleter() {
  for (;;) {
    std::string name;
    {
      MutexLock lock(mutex_);
      lock.wait(deleter_wake_, [&]() CORRAL_REQUIRES(mutex_) { return stopping_ || !to_delete_.empty(); });
      if (to_delete_.empty()) return;
      name = std::move(to_delete_.front());
      to_delete_.pop_front();
      ++deleting_;
    }
    // --force: the runtime may still see the just-exited init as running.
    auto out = run_command(runtime_command({"delete", "--force", name}));
    if (!out.is_ok() || out->exit_code != 0) {
      spdlog::warn("{} delete {} failed; reconciliation will remove it", options_.runtime, name);
    }
    Status removed = remove_bundle(bundle_dir(name));
    if (!removed.is_ok()) spdlog::warn("removing the bundle of {}: {}", name, removed.to_string());
    MutexLock lock(mutex_);
    --deleting_;
    deleter_idle_.notify_all();
  }
}

void OciRuntimeBackend::wait_for_deleter() {
  MutexLock lock(mutex_);
  lock.wait(deleter_idle_, [&]() CORRAL_REQUIRES(mutex_) { return to_delete_.empty() && deleting_ == 0; });
}

std::vector<std::string> OciRuntimeBackend::runtime_command(std::initializer_list<std::string> args) const {
  std::vector<std::string> argv = {options_.runtime, "--root", options_.state_root};
  argv.insert(argv.end(), args);
  return argv;
}

std::string OciRuntimeBackend::bundle_dir(const std::string& name) const {
  return (fs::path(options_.bundles_dir) / name).string();
}

OciRuntimeBackend::Live* OciRuntimeBackend::find(const std::string& name) {
  MutexLock lock(mutex_);
  auto it = live_.find(name);
  return it == live_.end() ? nullptr : it->second.get();
}

Result<std::string> OciRuntimeBackend::version() {
  auto out = run_command({options_.runtime, "--version"});
  if (!out.is_ok()) return out.status().with_context("OCI runtime " + options_.runtime);
  if (out->exit_code != 0)
    return Status::failed_precondition(options_.runtime + " --version failed: " + trim(out->output));
  return trim(out->output.substr(0, out->output.find('\n')));
}

Status OciRuntimeBackend::check_image(const std::string& image) {
  if (image.empty()) return Status::ok();
  return Status::invalid_argument(options_.runtime + " runs agents on the host's /usr and takes no image ('" + image +
                                  "'); use --backend docker for images");
}

Status OciRuntimeBackend::create(const SandboxSpec& spec) {
  if (spec.name.empty() || spec.name.find('/') != std::string::npos) {
    return Status::invalid_argument("sandbox name '" + spec.name + "' is not usable");
  }
  std::error_code ec;
  fs::create_directories(options_.state_root, ec);
  fs::create_directories(options_.bundles_dir, ec);
  auto live = std::make_unique<Live>();
  live->memory_limit = spec.limits.memory_bytes;
  CORRAL_RETURN_IF_ERROR(make_pipe(&live->out, &live->out_write));
  CORRAL_RETURN_IF_ERROR(make_pipe(&live->err, &live->err_write));
  set_nonblocking(live->out.get());
  set_nonblocking(live->err.get());
  CORRAL_RETURN_IF_ERROR(write_bundle(bundle_dir(spec.name), spec, options_.cgroup_parent));
  MutexLock lock(mutex_);
  live_[spec.name] = std::move(live);
  return Status::ok();
}

Status OciRuntimeBackend::start(const std::string& name) {
  Live* live = find(name);
  if (!live) return Status::not_found("no sandbox " + name + " was created here");
  if (live->runtime_pid > 0) return Status::failed_precondition("sandbox " + name + " was already started");
  std::string bundle = bundle_dir(name);
  auto pid = spawn({runtime_command({"run", "--keep", "--bundle", bundle, "--pid-file", bundle + "/init.pid", name}),
                    -1, live->out_write.get(), live->err_write.get()});
  if (!pid.is_ok()) return pid.status().with_context("starting " + options_.runtime);
  live->runtime_pid = *pid;
  live->out_write.reset();  // the container holds them now: EOF comes when it is gone
  live->err_write.reset();
  live->runtime_pidfd = UniqueFd(open_pidfd(*pid));
  if (live->runtime_pidfd.get() < 0) return Status::from_errno(errno, "watching " + options_.runtime);
  return wait_until_running(name, live);
}

// The runtime writes the pid file once the container's process exists. If the
// runtime exits first, it could not create the container: its output says why.
Status OciRuntimeBackend::wait_until_running(const std::string& name, Live* live) {
  std::string pid_file = bundle_dir(name) + "/init.pid";
  auto deadline = Clock::now() + std::chrono::seconds(60);
  while (!fs::exists(pid_file)) {
    pollfd pfd{live->runtime_pidfd.get(), POLLIN, 0};
    if (::poll(&pfd, 1, 1) > 0) {
      if (fs::exists(pid_file)) break;  // started and already finished
      auto code = wait_exit(live->runtime_pid);
      live->reaped = true;
      std::string why = trim(read_available(live->err) + read_available(live->out));
      return Status::failed_precondition(options_.runtime + " could not start sandbox " + name + " (exit " +
                                         std::to_string(code.is_ok() ? *code : -1) + "): " + why);
    }
    if (Clock::now() > deadline) return Status::timeout(options_.runtime + " did not start " + name + " in 60 s");
  }
  return Status::ok();
}

Result<SandboxExit> OciRuntimeBackend::wait(const std::string& name, std::chrono::milliseconds timeout,
                                            const OutputHandler& on_output) {
  Live* live = find(name);
  if (!live) return Status::not_found("no sandbox " + name + " was created here");
  if (live->runtime_pid <= 0 || live->reaped) return Status::failed_precondition("sandbox " + name + " is not running");
  SandboxExit exit;
  exit.memory_limit = live->memory_limit;
  exit.timeout_seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout).count();
  auto deadline = Clock::now() + timeout;
  bool exited = false;
  while (!exited || live->out.get() >= 0 || live->err.get() >= 0) {
    auto now = Clock::now();
    if (!exited && now >= deadline) {
      if (!exit.timed_out) static_cast<void>(kill(name));  // a failed kill shows as the wait's timeout next round
      exit.timed_out = true;
      deadline = now + kKillGrace;
    } else if (exited && now >= deadline) {
      break;  // output still open after exit: a leaked descriptor; stop waiting
    }
    pollfd fds[3] = {{live->out.get(), POLLIN, 0},
                     {live->err.get(), POLLIN, 0},
                     {exited ? -1 : live->runtime_pidfd.get(), POLLIN, 0}};
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
    int ready = ::poll(fds, 3, static_cast<int>(std::max<int64_t>(left, 1)));
    if (ready < 0 && errno != EINTR) return Status::from_errno(errno, "waiting for sandbox " + name);
    if (fds[0].revents) forward_output(live->out, OutputStream::kStdout, on_output);
    if (fds[1].revents) forward_output(live->err, OutputStream::kStderr, on_output);
    if (fds[2].revents) {
      auto code = wait_exit(live->runtime_pid);  // runc run exits with the container's status
      if (!code.is_ok()) return code.status();
      live->reaped = true;
      exit.exit_code = *code;
      exited = true;
      deadline = Clock::now() + kDrainGrace;
    }
  }
  if (!exited) return Status::timeout("sandbox " + name + " did not stop after SIGKILL");
  exit.oom_killed = !exit.timed_out && exit.exit_code != 0 && memory_limit_was_hit(name);
  return exit;
}

bool OciRuntimeBackend::memory_limit_was_hit(const std::string& name) const {
  fs::path cgroup = fs::path(options_.cgroup_parent).relative_path() / name;
  if (fs::exists("/sys/fs/cgroup/cgroup.controllers")) {  // cgroup v2
    auto kills = read_counter(fs::path("/sys/fs/cgroup") / cgroup / "memory.events", "oom_kill");
    return kills.value_or(0) > 0;
  }
  auto kills = read_counter(fs::path("/sys/fs/cgroup/memory") / cgroup / "memory.oom_control", "oom_kill");
  return kills.value_or(0) > 0;
}

Status OciRuntimeBackend::signal(const std::string& name, const char* signal) {
  auto out = run_command(runtime_command({"kill", name, signal}));
  if (!out.is_ok()) return out.status();
  if (out->exit_code != 0) return Status::failed_precondition("signalling " + name + ": " + trim(out->output));
  return Status::ok();
}

Status OciRuntimeBackend::kill(const std::string& name) { return signal(name, "KILL"); }

Status OciRuntimeBackend::terminate(const std::string& name) { return signal(name, "TERM"); }

Status OciRuntimeBackend::remove(const std::string& name) {
  std::unique_ptr<Live> live;
  {
    MutexLock lock(mutex_);
    if (auto it = live_.find(name); it != live_.end()) {
      live = std::move(it->second);
      live_.erase(it);
    }
    if (live && live->reaped) {
      // Seen to exit: nothing runs any more, so the bookkeeping can go in the background.
      to_delete_.push_back(name);
      deleter_wake_.notify_one();
      return Status::ok();
    }
  }
  auto out = run_command(runtime_command({"delete", "--force", name}));
  if (!out.is_ok()) return out.status();
  bool gone = out->exit_code == 0 || out->output.find("does not exist") != std::string::npos ||
              out->output.find("not found") != std::string::npos;
  if (live && !live->reaped && live->runtime_pid > 0) ::waitpid(live->runtime_pid, nullptr, 0);
  if (!gone) return Status::failed_precondition("removing sandbox " + name + ": " + trim(out->output));
  return remove_bundle(bundle_dir(name));
}

Result<std::vector<SandboxInfo>> OciRuntimeBackend::list_ours() {
  wait_for_deleter();
  std::vector<SandboxInfo> ours;
  if (!fs::exists(options_.state_root)) return ours;
  auto out = run_command(runtime_command({"list", "--format", "json"}));
  if (!out.is_ok()) return out.status();
  if (out->exit_code != 0) return Status::failed_precondition("listing sandboxes: " + trim(out->output));
  // The list is one line of JSON; warnings (a container whose process died
  // under it, after a crash) come on stderr, interleaved: skip those lines.
  nlohmann::json list = nlohmann::json::value_t::discarded;
  std::istringstream lines(out->output);
  for (std::string line; list.is_discarded() && std::getline(lines, line);) {
    if (!line.empty() && (line[0] == '[' || line == "null")) list = nlohmann::json::parse(line, nullptr, false);
  }
  if (list.is_discarded()) {
    return Status::io(options_.runtime + " list printed something that is not JSON: " + trim(out->output));
  }
  // runc prints null when it has no containers.
  for (const auto& entry : list.is_array() ? list : nlohmann::json::array()) {
    SandboxInfo info;
    info.name = entry.value("id", "");
    info.status = entry.value("status", "");
    const nlohmann::json annotations = entry.value("annotations", nlohmann::json::object());
    for (const auto& [key, value] : annotations.items()) {
      if (key.rfind(kLabelPrefix, 0) == 0 && value.is_string()) info.labels[key] = value;
    }
    if (!info.labels.empty()) ours.push_back(std::move(info));
  }
  // Bundles the runtime does not know: created but never started, or a crash
  // between writing the bundle and starting it.
  if (fs::exists(options_.bundles_dir)) {
    for (const auto& dir : fs::directory_iterator(options_.bundles_dir)) {
      std::string name = dir.path().filename().string();
      if (is_shared_rootfs(name)) continue;
      bool listed = std::any_of(ours.begin(), ours.end(), [&](const SandboxInfo& i) { return i.name == name; });
      if (!listed) ours.push_back({name, "bundle-only", bundle_labels(dir.path())});
    }
  }
  return ours;
}

}  // namespace corral::containers
