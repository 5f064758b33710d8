#include "daemon/serve.h"

#include <malloc.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <thread>

#include <spdlog/spdlog.h>

#include "admission/gateway_options.h"
#include "api/http_server.h"
#include "api/service.h"
#include "core/clock.h"
#include "core/data_dir.h"
#include "core/file_lock.h"
#include "core/stage_hook.h"
#include "core/url.h"
#include "daemon/daemon.h"
#include "merge/commit_step.h"
#include "scheduler/backends.h"
#include "scheduler/scheduler.h"

namespace corral::daemon {
namespace {

// Each malloc arena beyond the first keeps the free space at its top for
// good, so a burst of large answers built on many threads (a hundred 6 MB
// task pages) left the daemon ~55 MiB larger; with two arenas it comes back
// to within ~12 MiB of where it was (with one, fully, but its threads then
// contend for one lock: ~10% fewer submissions a second in
// bench_api_throughput). The API server trims what is free after such bursts.
void bound_malloc_arenas() { ::mallopt(M_ARENA_MAX, 2); }

std::atomic<bool> g_stop{false};

void request_stop(int) { g_stop = true; }

}  // namespace

std::string api_socket_path(const std::string& data_dir) { return layout_for(data_dir).root() + "/corral.sock"; }

// The TCP listener's flags, checked before anything starts: bearer tokens
// cross that listener, so plain TCP beyond loopback needs TLS or the
// operator's explicit --insecure-tcp.
Status check_tcp_listener(const ServeOptions& options) {
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    return Status::invalid_argument("--tls-cert and --tls-key go together");
  }
  bool tls = !options.tls_cert.empty();
  if (options.listen_tcp.empty()) {
    if (tls) return Status::invalid_argument("--tls-cert and --tls-key need --listen");
    return Status::ok();
  }
  CORRAL_ASSIGN_OR_RETURN(HostPort listen, parse_host_port(options.listen_tcp, "--listen"));
  for (const std::string& file : {options.tls_cert, options.tls_key}) {
    if (!file.empty() && ::access(file.c_str(), R_OK) != 0) {
      return Status::from_errno(errno, "--tls-cert/--tls-key: reading " + file);
    }
  }
  bool loopback = listen.host == "localhost" || listen.host == "::1" || listen.host.rfind("127.", 0) == 0;
  if (tls || loopback) return Status::ok();
  if (!options.insecure_tcp) {
    return Status::invalid_argument("--listen " + options.listen_tcp +
                                    ": bearer tokens would cross the network in clear; give --tls-cert and "
                                    "--tls-key, or --insecure-tcp to accept that");
  }
  spdlog::warn("serving plain HTTP on {}: bearer tokens cross the network in clear (--insecure-tcp)",
               options.listen_tcp);
  return Status::ok();
}

Status serve(const ServeOptions& options) {
  if (!options.test_pause_at.empty() && !is_stage(options.test_pause_at)) {
    return Status::invalid_argument("--test-pause-at: '" + options.test_pause_at + "' is not a stage");
  }
  CORRAL_RETURN_IF_ERROR(check_tcp_listener(options));
  bound_malloc_arenas();
  auto gateways = admission::parse_gateway_flags(options.gateways);
  if (!gateways.is_ok()) return gateways.status();
  DataLayout layout = layout_for(options.data_dir);
  auto backend = scheduler::backend_for_run(layout, options.backend, options.image);
  if (!backend.is_ok()) return backend.status();
  CORRAL_RETURN_IF_ERROR((*backend)->check_image(options.image));
  auto prepared = prepare_data_dir(layout.root());
  if (!prepared.is_ok()) return prepared.status();
  if (!layout.create_directories()) return Status::permission_denied("cannot create directories in " + layout.root());
  // One daemon per data directory: two would schedule the same queue.
  auto daemon_lock = FileLock::try_acquire(layout.daemon_lock());
  if (!daemon_lock.is_ok()) return daemon_lock.status();
  if (!daemon_lock->held()) {
    return Status::already_exists("another corral serve is already running on " + layout.root());
  }
  SystemClock clock;
  auto store = store::Store::open(layout.database(), clock);
  if (!store.is_ok()) return store.status();

  api::Service service(**store, layout);
  // Crash tests kill the daemon inside a stage; 5 s there is long enough to
  // hit on a loaded 2-core machine.
  StageHook at_stage =
      options.test_pause_at.empty() ? StageHook() : pause_at(options.test_pause_at, std::chrono::seconds(5));
  scheduler::SchedulerOptions scheduling;
  scheduling.caps = options.caps;
  scheduling.image = options.image;
  scheduling.max_attempts = options.max_attempts;
  scheduling.supervisor_path = options.supervisor_path;
  scheduling.gateways = *gateways;
  scheduling.workspace = options.workspace;
  scheduling.at_stage = at_stage;
  scheduler::Scheduler scheduler(**store, layout, **backend, scheduling);
  merge::CommitStep commit_step(**store, layout, **backend, {options.image, options.supervisor_path, 5, at_stage});
  service.set_queue_board(&commit_step.board());
  service.set_cancel_hook([&scheduler](const std::string& task_id) { scheduler.cancel_running(task_id); });
  CORRAL_RETURN_IF_ERROR(scheduler.recover().with_context("recovering"));

  metrics::EventMetrics metrics;
  service.set_metrics_source([&]() { return metrics.exposition(**store); });
  api::HttpServer server(service);
  server.limit_connections(options.max_connections);
  CORRAL_RETURN_IF_ERROR(server.listen_unix(api_socket_path(options.data_dir)));
  if (!options.tls_cert.empty()) CORRAL_RETURN_IF_ERROR(server.use_tls(options.tls_cert, options.tls_key));
  if (!options.listen_tcp.empty()) CORRAL_RETURN_IF_ERROR(server.listen_tcp(options.listen_tcp));
  std::string ui_note;
  if (!options.listen_tcp.empty()) {
    auto ui = api::StaticFiles::load(options.web_root.empty() ? CORRAL_WEB_ROOT : options.web_root);
    // A web root named on purpose must be there; the default may be unbuilt.
    if (!ui.is_ok() && !options.web_root.empty()) return ui.status().with_context("--web-root");
    ui_note = ui.is_ok() ? "; the web UI at /" : "; " + ui.status().message();
    if (ui.is_ok()) server.serve_ui(std::move(*ui));
  }

  g_stop = false;
  std::signal(SIGTERM, request_stop);
  std::signal(SIGINT, request_stop);
  std::printf(
      "corral: serving %s on %s%s (backend %s)\n", layout.root().c_str(), api_socket_path(options.data_dir).c_str(),
      options.listen_tcp.empty() ? ""
                                 : (" and " + options.listen_tcp + " (port " + std::to_string(server.tcp_port()) + ")" +
                                    (options.tls_cert.empty() ? "" : " over TLS"))
                                       .c_str(),
      std::string((*backend)->kind()).c_str());
  if (!ui_note.empty()) std::printf("corral:%s\n", ui_note.substr(1).c_str());
  std::fflush(stdout);
  Daemon daemon(**store, scheduler, commit_step, options.alert_retries, &metrics, options.queue_backoff);
  std::thread engine([&] { daemon.run(g_stop); });
  server.run(g_stop);
  daemon.wake();  // g_stop is set: the engine's threads see it now
  engine.join();
  return Status::ok();
}

}  // namespace corral::daemon
