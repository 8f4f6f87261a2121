#include "kubelet_common/kubelet_request_metrics.h"

#include <utility>

namespace mpf::sources::kubelet {

namespace {

MetricLabels node_labels(std::string_view node) { return {{"node", std::string(node)}}; }

std::int64_t system_unix_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

KubeletRequestMetrics::KubeletRequestMetrics(SelfMetrics& metrics, UnixClock now)
    : metrics_(metrics),
      now_(now ? std::move(now) : UnixClock(system_unix_seconds)),
      succeeded_(metrics.counter(kRequestTotal, kRequestTotalHelp, {{"success", "true"}})),
      failed_(metrics.counter(kRequestTotal, kRequestTotalHelp, {{"success", "false"}})) {}

KubeletRequestMetrics::~KubeletRequestMetrics() {
  // A source that is gone requests nothing any more.
  std::lock_guard lock(mu_);
  for (const auto& entry : series_) remove_series(entry.first);
}

void KubeletRequestMetrics::record(std::string_view node, std::chrono::steady_clock::duration duration,
                                   bool success) noexcept {
  const std::shared_ptr<Counter>& total = success ? succeeded_ : failed_;
  if (total) total->inc();
  try {
    NodeSeries series;
    {
      std::lock_guard lock(mu_);
      if (listed_once_ && listed_.find(node) == listed_.end()) return;
      auto it = series_.find(node);
      if (it == series_.end()) {
        NodeSeries added{metrics_.histogram(kRequestDuration, kRequestDurationHelp, prometheus_default_buckets(),
                                            node_labels(node)),
                         metrics_.gauge(kLastRequestTime, kLastRequestTimeHelp, node_labels(node))};
        it = series_.emplace(std::string(node), std::move(added)).first;
      }
      series = it->second;
    }
    if (series.duration) series.duration->observe(std::chrono::duration<double>(duration).count());
    if (series.last_request) series.last_request->set(static_cast<double>(now_()));
  } catch (...) {
    // Out of memory for a node's series: the request stays counted in request_total.
  }
}

void KubeletRequestMetrics::record(std::string_view node, std::chrono::steady_clock::duration duration,
                                   const ScrapeOutcome& outcome) noexcept {
  record(node, duration, outcome.status.is_ok());
  if (!outcome.status.is_ok() && outcome.reason == FailureReason::kTls) record_tls_failure(outcome.status.message());
}

void KubeletRequestMetrics::record_tls_failure(std::string_view message) noexcept {
  try {
    std::string reason = tls_failure_reason(message);
    std::shared_ptr<Counter> counter;
    {
      std::lock_guard lock(mu_);
      auto it = tls_failures_.find(reason);
      if (it == tls_failures_.end()) {
        auto added = metrics_.counter(kTlsFailures, kTlsFailuresHelp, {{"reason", reason}});
        it = tls_failures_.emplace(std::move(reason), std::move(added)).first;
      }
      counter = it->second;
    }
    if (counter) counter->inc();
  } catch (...) {
    // Out of memory for the label: the request stays counted in request_total.
  }
}

std::string KubeletRequestMetrics::tls_failure_reason(std::string_view message) {
  std::size_t start = message.find("x509: ");
  if (start == std::string_view::npos) start = message.find("remote error: tls: ");
  if (start == std::string_view::npos) start = message.find("tls: ");
  if (start == std::string_view::npos) return "tls: other";
  std::string_view reason = message.substr(start);
  if (const std::size_t detail = reason.find(" ("); detail != std::string_view::npos) reason = reason.substr(0, detail);
  // Go's x509 messages that name the dialled address or the certificate's names (core/net x509_message).
  struct Shape {
    std::string_view starts_with;
    std::string_view label;
  };
  static constexpr Shape kShapes[] = {
      {"x509: cannot validate certificate for ",
       "x509: cannot validate certificate for <address> because it doesn't contain any IP SANs"},
      {"x509: certificate is valid for ", "x509: certificate is valid for <names>, not <address>"},
      {"x509: certificate is not valid for any names",
       "x509: certificate is not valid for any names, but wanted to match <address>"},
      {"x509: certificate relies on legacy Common Name field",
       "x509: certificate relies on legacy Common Name field, use SANs instead"},
  };
  for (const Shape& shape : kShapes) {
    if (reason.substr(0, shape.starts_with.size()) == shape.starts_with) return std::string(shape.label);
  }
  // The rest are fixed texts (Go's, or OpenSSL's reason strings); bound them anyway.
  constexpr std::size_t kMaxReason = 120;
  return std::string(reason.substr(0, kMaxReason));
}

void KubeletRequestMetrics::set_nodes(const std::vector<std::string>& nodes) noexcept {
  try {
    NameSet listed(nodes.begin(), nodes.end());
    std::lock_guard lock(mu_);
    listed_once_ = true;
    listed_ = std::move(listed);
    for (auto it = series_.begin(); it != series_.end();) {
      if (listed_.count(it->first) != 0) {
        ++it;
        continue;
      }
      remove_series(it->first);
      it = series_.erase(it);
    }
  } catch (...) {
    // Out of memory: the departed series stay until the next listing.
  }
}

void KubeletRequestMetrics::remove_series(const std::string& node) noexcept {
  try {
    MetricLabels labels = node_labels(node);
    metrics_.remove(kRequestDuration, labels);
    metrics_.remove(kLastRequestTime, labels);
  } catch (...) {
    // Out of memory for the labels: the series stay exported, nothing else breaks.
  }
}

std::size_t KubeletRequestMetrics::nodes_with_series_for_test() const {
  std::lock_guard lock(mu_);
  return series_.size();
}

}  // namespace mpf::sources::kubelet
