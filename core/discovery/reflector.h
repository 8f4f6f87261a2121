#pragma once

// Keeps one ResourceStore in step with the kube-apiserver the way client-go's Reflector does: list in
// pages, then watch from the list's resourceVersion; a watch that ends normally resumes from the last
// resourceVersion seen; "410 Gone"/"Expired" relists at once; any other failure relists after an
// exponential backoff (0.8 s doubling to 30 s, with jitter, as client-go). Bookmarks are asked for so
// that resuming rarely needs a relist.
//
// Threads: every step runs on the io_context given (one thread, the cluster view's); HTTP completions
// arrive on the engine's threads and are posted there. Watch lines are split on the engine thread and
// decoded on the reflector's.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/discovery/api_connection.h"
#include "core/discovery/resource_store.h"
#include "core/net/http_stream.h"
#include "mpf/sdk/logger.h"
#include "mpf/sdk/self_metrics.h"
#include "mpf/sdk/status.h"

namespace mpf::core {

struct ReflectorOptions {
  std::string resource;        // "nodes", "pods": messages and metric labels
  std::string path;            // "/api/v1/nodes"
  std::string field_selector;  // e.g. "status.phase=Running"; empty for none
  std::string list_accept = "application/json";
  std::string watch_accept = "application/json";
  int page_size = 500;                                         // Default: 500 (client-go's pager).
  std::chrono::milliseconds list_timeout{60000};               // Default: 60s per page.
  std::chrono::milliseconds min_watch_timeout{300000};         // Default: 5 min; each watch asks [min, 2 min).
  std::chrono::milliseconds backoff_initial{800};              // Default: 800ms.
  std::chrono::milliseconds backoff_max{30000};                // Default: 30s.
  std::size_t max_event_bytes = 16u << 20;                     // Default: 16 MiB per watch event line.
};

class Reflector : public std::enable_shared_from_this<Reflector> {
 public:
  // Called on the io thread after the store changed; `listed` after a complete list was committed.
  using ChangeCallback = std::function<void(bool listed)>;

  Reflector(boost::asio::io_context& io, std::shared_ptr<StreamingHttpClient> client,
            const ApiServerConnection& connection, ReflectorOptions options, ResourceStore& store,
            ChangeCallback changed, Logger& logger, SelfMetrics& metrics);

  // Starts listing (posted to the io thread).
  void start();
  // Cancels the request in flight and the timers; nothing runs after the io thread has processed it.
  // Any thread.
  void stop();

  // A complete list was committed at least once.
  bool synced() const { return synced_.load(std::memory_order_acquire); }
  // Ok, or the latest failure while it lasts.
  Status health() const;
  // The resourceVersion the next watch resumes from (tests).
  std::string resource_version() const;

 private:
  struct Metrics {
    std::shared_ptr<Counter> list_ok, list_failed, watch_started, events, relists_expired, relists_error;
    std::shared_ptr<Gauge> objects;
  };

  void list_from_start() { list_page({}); }
  void list_page(std::string continue_token);
  void on_list_page(std::uint64_t attempt, const Status& transport, int status_code, const std::string& body,
                    const std::string& continue_token);
  void watch();
  void on_watch_line(std::uint64_t attempt, const std::string& line);
  void on_watch_end(std::uint64_t attempt, const Status& transport, int status_code, const std::string& body);
  // Cancels the watch in flight, if any (its completion is then stale and ignored).
  void cancel_stream();
  // Runs `step` after `delay` unless something else happened meanwhile.
  void after_backoff(std::chrono::milliseconds delay, void (Reflector::*step)());
  void relist_after_backoff(Status why);
  void relist_now(std::string_view why);
  void set_health(Status status);
  std::string query(bool watch, const std::string& continue_token);
  std::chrono::milliseconds next_backoff();
  bool current(std::uint64_t attempt) const { return attempt == attempt_ && !stopped_; }
  // Posts `step` to the io thread unless stop() was called; from the engine's threads. Handlers hold
  // the reflector weakly: the cluster view owns it, and destroys it only after its io thread ended.
  template <class Step>
  void post_from_engine(Step step);

  boost::asio::io_context& io_;
  std::shared_ptr<StreamingHttpClient> client_;
  const ApiServerConnection connection_;
  const ReflectorOptions options_;
  ResourceStore& store_;
  ChangeCallback changed_;
  Logger& logger_;
  Metrics metrics_;
  boost::asio::steady_timer backoff_timer_;
  std::mt19937_64 random_;

  // io thread only.
  std::uint64_t attempt_ = 0;  // bumped per request: completions of older ones are ignored
  bool stopped_ = false;
  std::string resource_version_;
  std::chrono::milliseconds backoff_{0};
  std::chrono::steady_clock::time_point last_failure_{};
  std::shared_ptr<StreamHandle> stream_;

  std::mutex post_mutex_;
  bool accepting_ = true;  // under post_mutex_: false once stop() was called

  std::atomic<bool> synced_{false};
  mutable std::mutex health_mutex_;
  Status health_;
  std::string health_resource_version_;  // copy of resource_version_ for other threads
};

}  // namespace mpf::core
