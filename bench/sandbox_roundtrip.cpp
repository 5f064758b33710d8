// Sandbox round trip (create, start a no-op, wait, remove) through corral's
// backends against the plain tools, in one run:
//   docker backend  vs  `docker run --rm` with the same hardening flags
//   runc backend    vs  bare `runc run` of the same bundle
// then 20 sandboxes started at once on each backend: time until all are
// running, and this process's peak resident memory.
//
// Usage: bench_sandbox_roundtrip [RUNS=50] [IMAGE=corral-test-agent:2]  (as root,
// dockerd running, image present: tests/support/make_test_image.sh makes it)
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_support.h"
#include "containers/backend_factory.h"
#include "containers/oci_bundle.h"
#include "core/ids.h"

namespace {

using corral::bench::must;

namespace fs = std::filesystem;
using namespace corral::containers;
using Clock = std::chrono::steady_clock;

struct Stats {
  double p50_ms, p99_ms;
};

Stats stats_of(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  auto at = [&](double p) { return ms[static_cast<size_t>(p * static_cast<double>(ms.size() - 1) + 0.5)]; };
  return {at(0.5), at(0.99)};
}

double time_ms(const std::function<void()>& body) {
  auto start = Clock::now();
  body();
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

void must_run(const std::string& command) { must(std::system(command.c_str()) == 0, command); }

long peak_rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string key;
  long value = 0;
  while (status >> key) {
    if (key == "VmHWM:") {
      status >> value;
      return value;
    }
  }
  return -1;
}

SandboxSpec noop_spec(const std::string& image, const std::string& workspace, const std::string& supervisor) {
  SandboxSpec spec;
  spec.name = "corral-" + corral::new_id("b");
  spec.image = image;
  spec.argv = {"/bin/sh", "-c", "true"};
  spec.env = {"PATH=/usr/bin:/bin", "HOME=/home/agent"};
  spec.workspace_host_path = workspace;
  spec.supervisor_host_path = supervisor;
  spec.labels = {{"corral.run", spec.name.substr(7)}};
  return spec;
}

void round_trip(SandboxBackend& backend, const SandboxSpec& spec) {
  must(backend.create(spec).is_ok(), "create");
  must(backend.start(spec.name).is_ok(), "start");
  auto exit = backend.wait(spec.name, std::chrono::seconds(60), nullptr);
  must(exit.is_ok() && exit->succeeded(), "wait");
  must(backend.remove(spec.name).is_ok(), "remove");
}

void print_pair(const char* ours, const Stats& a, const char* plain, const Stats& b) {
  std::printf("  %-34s p50 %7.1f ms  p99 %7.1f ms\n", ours, a.p50_ms, a.p99_ms);
  std::printf("  %-34s p50 %7.1f ms  p99 %7.1f ms\n", plain, b.p50_ms, b.p99_ms);
  std::printf("  %-34s p50 %7.2fx     p99 %7.2fx\n", "ratio corral/plain", a.p50_ms / b.p50_ms, a.p99_ms / b.p99_ms);
}

// 20 sandboxes created and started from 20 threads; ms until every start returned.
double start_many(SandboxBackend& backend, const std::vector<SandboxSpec>& specs) {
  std::vector<std::thread> threads;
  double ms = time_ms([&] {
    for (const SandboxSpec& spec : specs) {
      threads.emplace_back([&backend, &spec] {
        must(backend.create(spec).is_ok(), "create");
        must(backend.start(spec.name).is_ok(), "start");
      });
    }
    for (auto& thread : threads) thread.join();
  });
  for (const SandboxSpec& spec : specs) {
    must(backend.wait(spec.name, std::chrono::seconds(60), nullptr).is_ok(), "wait");
    must(backend.remove(spec.name).is_ok(), "remove");
  }
  return ms;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = argc > 1 ? std::atoi(argv[1]) : 50;
  std::string image = argc > 2 ? argv[2] : "corral-test-agent:2";
  char pattern[] = "/tmp/corral-bench-XXXXXX";
  std::string dir = ::mkdtemp(pattern);
  std::string workspace = dir + "/workspace";
  fs::create_directories(workspace);
  must(::chown(workspace.c_str(), kSandboxUid, kSandboxGid) == 0, "chown");
  std::string supervisor = std::string(CORRAL_BINARY_DIR) + "/corral-supervisor";

  BackendChoice choice{"docker", image, dir, dir + "/runtime", dir + "/bundles"};
  auto docker = make_backend(choice);
  must(docker.is_ok(), "connecting to the Docker engine");
  choice.kind = "runc";
  auto runc = make_backend(choice);
  must(runc.is_ok(), "runc");

  // The plain runc side runs the bundle corral writes (same hardening), by hand.
  SandboxSpec plain_spec = noop_spec("", workspace, supervisor);
  must(write_bundle(dir + "/plain-bundle", plain_spec, "/corral-bench").is_ok(), "bundle");
  std::string docker_flags =
      "--cap-drop ALL --security-opt no-new-privileges --read-only --network none --user 10001:10001"
      " --tmpfs /tmp:rw,nosuid,nodev,size=512m --tmpfs /home/agent:rw,nosuid,nodev,size=512m,uid=10001"
      " --memory 1g --memory-swap 1g --pids-limit 256 --cpus 1 -e PATH=/usr/bin:/bin"
      " --mount type=bind,src=" +
      workspace +
      ",dst=/workspace"
      " --mount type=bind,src=" +
      supervisor +
      ",dst=/.corral/supervisor,readonly"
      " --entrypoint /.corral/supervisor -w /workspace";

  std::vector<double> docker_ours, docker_cli, runc_ours, runc_bare;
  round_trip(**docker, noop_spec(image, workspace, supervisor));  // warm-up
  must_run("docker run --rm " + docker_flags + " " + image + " -- /bin/sh -c true");
  // Each backend in its own phase (the engine's background work after a docker
  // run must not land on a runc measurement), and the two sides of a pair
  // alternate who goes first.
  for (int i = 0; i < runs; ++i) {
    auto ours = [&] {
      docker_ours.push_back(time_ms([&] { round_trip(**docker, noop_spec(image, workspace, supervisor)); }));
    };
    auto cli = [&] {
      docker_cli.push_back(
          time_ms([&] { must_run("docker run --rm " + docker_flags + " " + image + " -- /bin/sh -c true"); }));
    };
    if (i % 2) {
      ours();
      cli();
    } else {
      cli();
      ours();
    }
  }
  for (int i = 0; i < runs; ++i) {
    auto ours = [&] {
      runc_ours.push_back(time_ms([&] { round_trip(**runc, noop_spec("", workspace, supervisor)); }));
    };
    auto bare = [&] {
      std::string id = "bench-" + std::to_string(i);
      runc_bare.push_back(
          time_ms([&] { must_run("runc --root " + dir + "/bare-state run --bundle " + dir + "/plain-bundle " + id); }));
    };
    if (i % 2) {
      ours();
      bare();
    } else {
      bare();
      ours();
    }
  }
  std::printf("sandbox round trip (create, start no-op, wait, remove), %d runs each\n", runs);
  print_pair("corral docker backend", stats_of(docker_ours), "docker run --rm (same flags)", stats_of(docker_cli));
  print_pair("corral runc backend", stats_of(runc_ours), "bare runc run (same bundle)", stats_of(runc_bare));

  constexpr int kConcurrent = 20;
  for (auto* backend : {docker->get(), runc->get()}) {
    std::vector<SandboxSpec> specs;
    for (int i = 0; i < kConcurrent; ++i) {
      specs.push_back(noop_spec(backend->kind() == "docker" ? image : "", workspace, supervisor));
      specs.back().argv = {"/bin/sh", "-c", "sleep 1"};
    }
    double ms = start_many(*backend, specs);
    std::printf("%d sandboxes started at once on %s: all running after %.1f ms\n", kConcurrent,
                std::string(backend->kind()).c_str(), ms);
  }
  std::printf("peak resident memory of this process (corral's backends): %ld KiB\n", peak_rss_kib());
  docker->reset();
  runc->reset();  // joins its deleter before the directory goes
  std::error_code ec;
  fs::remove_all(dir, ec);
  return 0;
}
