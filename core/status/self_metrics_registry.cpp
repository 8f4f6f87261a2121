#include "core/status/self_metrics_registry.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iterator>
#include <utility>

namespace mpf::core {
namespace {

class CounterImpl final : public mpf::Counter {
 public:
  void add(double delta) noexcept override {
    // A counter only goes up; a negative or NaN delta is a caller bug that must not corrupt it.
    if (!(delta >= 0)) return;
    value_.fetch_add(delta, std::memory_order_relaxed);
  }
  double value() const noexcept override { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class GaugeImpl final : public mpf::Gauge {
 public:
  void set(double value) noexcept override { value_.store(value, std::memory_order_relaxed); }
  void add(double delta) noexcept override { value_.fetch_add(delta, std::memory_order_relaxed); }
  double value() const noexcept override { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

bool valid_metric_name(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

// Names starting with "__" are reserved by Prometheus.
bool valid_label_name(std::string_view name) {
  if (name.empty() || name.starts_with("__")) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

std::vector<double> normalise_buckets(std::vector<double> bounds) {
  std::erase_if(bounds, [](double b) { return std::isnan(b) || (std::isinf(b) && b > 0); });
  std::sort(bounds.begin(), bounds.end());
  bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
  return bounds;
}

void append_escaped(std::string& out, std::string_view text, bool escape_quotes) {
  for (char c : text) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '"':
        if (escape_quotes) {
          out += "\\\"";
        } else {
          out += c;
        }
        break;
      default: out += c;
    }
  }
}

// Writes `{a="1",b="2"}` (or nothing without labels); `extra` is appended last, as Prometheus'
// clients do with `le`.
void append_labels(std::string& out, const mpf::MetricLabels& labels, const std::pair<std::string_view, std::string>* extra) {
  if (labels.empty() && extra == nullptr) return;
  out += '{';
  bool first = true;
  auto one = [&](std::string_view name, std::string_view value) {
    if (!first) out += ',';
    first = false;
    out += name;
    out += "=\"";
    append_escaped(out, value, true);
    out += '"';
  };
  for (const auto& [name, value] : labels) one(name, value);
  if (extra != nullptr) one(extra->first, extra->second);
  out += '}';
}

void append_sample(std::string& out, std::string_view name, std::string_view suffix, const mpf::MetricLabels& labels,
                   const std::pair<std::string_view, std::string>* extra, double value) {
  out += name;
  out += suffix;
  append_labels(out, labels, extra);
  out += ' ';
  out += format_metric_value(value);
  out += '\n';
}

}  // namespace

std::string format_metric_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  // -0 renders as "0", as in the Go client.
  if (value == 0) return "0";
  if (value == std::trunc(value) && std::fabs(value) <= 9007199254740992.0) {
    return std::to_string(static_cast<long long>(value));
  }
  char buf[64];
  auto sci = std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::scientific);
  std::string_view text(buf, static_cast<std::size_t>(sci.ptr - buf));
  int exponent = 0;
  if (auto e = text.find('e'); e != std::string_view::npos) {
    std::string_view digits = text.substr(e + 1);
    if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
    std::from_chars(digits.data(), digits.data() + digits.size(), exponent);
  }
  // Go's 'g' with the shortest precision uses the exponent form when the decimal exponent is below
  // -4 or at least 6 (6, not the digit count, for shortest output); both forms then carry the same
  // shortest round-trip digits, and to_chars' "e+06" exponent matches Go's at-least-two-digits style.
  if (exponent < -4 || exponent >= 6) return std::string(text);
  auto fixed = std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::fixed);
  return std::string(buf, static_cast<std::size_t>(fixed.ptr - buf));
}

// ---- AtomicHistogram ----

AtomicHistogram::AtomicHistogram(std::vector<double> upper_bounds)
    : upper_bounds_(normalise_buckets(std::move(upper_bounds))),
      buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(upper_bounds_.size() + 1)) {}

void AtomicHistogram::observe(double value) noexcept {
  if (std::isnan(value)) return;
  auto it = std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), value);
  auto index = static_cast<std::size_t>(std::distance(upper_bounds_.begin(), it));
  buckets_[index].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

void AtomicHistogram::observe_counts(std::span<const std::uint64_t> bucket_counts, double sum) noexcept {
  if (bucket_counts.size() != upper_bounds_.size() + 1 || std::isnan(sum)) return;
  for (std::size_t i = 0; i < bucket_counts.size(); ++i) {
    if (bucket_counts[i] != 0) buckets_[i].fetch_add(bucket_counts[i], std::memory_order_relaxed);
  }
  sum_.fetch_add(sum, std::memory_order_relaxed);
}

AtomicHistogram::Counts AtomicHistogram::counts() const {
  Counts out;
  out.cumulative.reserve(upper_bounds_.size());
  std::uint64_t running = 0;
  for (std::size_t i = 0; i < upper_bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    out.cumulative.push_back(running);
  }
  out.count = running + buckets_[upper_bounds_.size()].load(std::memory_order_relaxed);
  out.sum = sum();
  return out;
}

std::uint64_t AtomicHistogram::count() const noexcept {
  std::uint64_t total = 0;
  for (std::size_t i = 0; i <= upper_bounds_.size(); ++i) total += buckets_[i].load(std::memory_order_relaxed);
  return total;
}

// ---- SelfMetricsRegistry ----

SelfMetricsRegistry::SelfMetricsRegistry() = default;
SelfMetricsRegistry::~SelfMetricsRegistry() = default;

const SelfMetricsRegistry::Series* SelfMetricsRegistry::find_or_add(std::string_view name, std::string_view help,
                                                                    Type type, mpf::MetricLabels labels,
                                                                    const std::vector<double>* buckets,
                                                                    const char*& error) {
  if (!valid_metric_name(name)) {
    error = "invalid_name";
    return nullptr;
  }
  std::sort(labels.begin(), labels.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::size_t i = 0; i < labels.size(); ++i) {
    bool reserved = type == Type::kHistogram && labels[i].first == "le";
    if (!valid_label_name(labels[i].first) || reserved || (i > 0 && labels[i].first == labels[i - 1].first)) {
      error = "invalid_label";
      return nullptr;
    }
  }
  auto family_it = families_.find(name);
  if (family_it == families_.end()) {
    Family family;
    family.type = type;
    family.help = std::string(help);
    if (buckets != nullptr) family.buckets = *buckets;
    family_it = families_.emplace(std::string(name), std::move(family)).first;
  }
  Family& family = family_it->second;
  if (family.type != type) {
    error = "type_conflict";
    return nullptr;
  }
  if (buckets != nullptr && family.buckets != *buckets) {
    error = "bucket_conflict";
    return nullptr;
  }
  auto [it, inserted] = family.series.try_emplace(std::move(labels));
  if (inserted) {
    switch (type) {
      case Type::kCounter: it->second.counter = std::make_shared<CounterImpl>(); break;
      case Type::kGauge: it->second.gauge = std::make_shared<GaugeImpl>(); break;
      case Type::kHistogram: it->second.histogram = std::make_shared<AtomicHistogram>(family.buckets); break;
    }
  }
  return &it->second;
}

void SelfMetricsRegistry::count_error(const char* reason) noexcept {
  // Goes straight to find_or_add rather than through counter(): if this very name were taken by a
  // gauge, counter() would report the conflict by calling count_error again, forever.
  try {
    std::shared_ptr<mpf::Counter> errors;
    {
      std::lock_guard lock(mu_);
      const char* ignored = nullptr;
      if (const Series* s = find_or_add("mpf_self_metrics_errors_total",
                                        "Self-metric registrations that were refused, by reason.", Type::kCounter,
                                        {{"reason", reason}}, nullptr, ignored)) {
        errors = s->counter;
      }
    }
    if (errors) errors->inc();
  } catch (...) {
    // Out of memory while counting a registration error: nothing better left to do.
  }
}

std::shared_ptr<mpf::Counter> SelfMetricsRegistry::counter(std::string_view name, std::string_view help,
                                                           mpf::MetricLabels labels) noexcept {
  const char* error = "internal";
  try {
    std::shared_ptr<mpf::Counter> out;
    {
      std::lock_guard lock(mu_);
      if (const Series* s = find_or_add(name, help, Type::kCounter, std::move(labels), nullptr, error)) {
        out = s->counter;
      }
    }
    if (out) return out;
  } catch (...) {
    error = "internal";
  }
  count_error(error);
  return std::make_shared<CounterImpl>();
}

std::shared_ptr<mpf::Gauge> SelfMetricsRegistry::gauge(std::string_view name, std::string_view help,
                                                       mpf::MetricLabels labels) noexcept {
  const char* error = "internal";
  try {
    std::shared_ptr<mpf::Gauge> out;
    {
      std::lock_guard lock(mu_);
      if (const Series* s = find_or_add(name, help, Type::kGauge, std::move(labels), nullptr, error)) {
        out = s->gauge;
      }
    }
    if (out) return out;
  } catch (...) {
    error = "internal";
  }
  count_error(error);
  return std::make_shared<GaugeImpl>();
}

std::shared_ptr<mpf::Histogram> SelfMetricsRegistry::histogram(std::string_view name, std::string_view help,
                                                               std::vector<double> upper_bounds,
                                                               mpf::MetricLabels labels) noexcept {
  const char* error = "internal";
  try {
    std::vector<double> buckets = normalise_buckets(std::move(upper_bounds));
    std::shared_ptr<mpf::Histogram> out;
    {
      std::lock_guard lock(mu_);
      if (const Series* s = find_or_add(name, help, Type::kHistogram, std::move(labels), &buckets, error)) {
        out = s->histogram;
      }
    }
    if (out) return out;
    count_error(error);
    return std::make_shared<AtomicHistogram>(std::move(buckets));
  } catch (...) {
    count_error("internal");
    return std::make_shared<AtomicHistogram>(std::vector<double>{});
  }
}

void SelfMetricsRegistry::remove(std::string_view name, const mpf::MetricLabels& labels) noexcept {
  try {
    mpf::MetricLabels key = labels;
    std::sort(key.begin(), key.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::lock_guard lock(mu_);
    auto family = families_.find(name);
    if (family == families_.end()) return;
    family->second.series.erase(key);
    // A family without series would render a bare HELP/TYPE pair; drop it so that per-node families
    // do not accumulate either.
    if (family->second.series.empty()) families_.erase(family);
  } catch (...) {
    count_error("internal");
  }
}

std::string SelfMetricsRegistry::render_prometheus_text() const {
  std::string out;
  std::lock_guard lock(mu_);
  for (const auto& [name, family] : families_) {
    if (family.series.empty()) continue;
    if (!family.help.empty()) {
      out += "# HELP ";
      out += name;
      out += ' ';
      append_escaped(out, family.help, false);
      out += '\n';
    }
    out += "# TYPE ";
    out += name;
    switch (family.type) {
      case Type::kCounter: out += " counter\n"; break;
      case Type::kGauge: out += " gauge\n"; break;
      case Type::kHistogram: out += " histogram\n"; break;
    }
    for (const auto& [labels, series] : family.series) {
      switch (family.type) {
        case Type::kCounter: append_sample(out, name, "", labels, nullptr, series.counter->value()); break;
        case Type::kGauge: append_sample(out, name, "", labels, nullptr, series.gauge->value()); break;
        case Type::kHistogram: {
          AtomicHistogram::Counts counts = series.histogram->counts();
          const auto& bounds = series.histogram->upper_bounds();
          for (std::size_t i = 0; i < bounds.size(); ++i) {
            std::pair<std::string_view, std::string> le{"le", format_metric_value(bounds[i])};
            append_sample(out, name, "_bucket", labels, &le, static_cast<double>(counts.cumulative[i]));
          }
          std::pair<std::string_view, std::string> inf{"le", "+Inf"};
          append_sample(out, name, "_bucket", labels, &inf, static_cast<double>(counts.count));
          append_sample(out, name, "_sum", labels, nullptr, counts.sum);
          append_sample(out, name, "_count", labels, nullptr, static_cast<double>(counts.count));
          break;
        }
      }
    }
  }
  return out;
}

std::optional<double> SelfMetricsRegistry::value(std::string_view name, const mpf::MetricLabels& labels) const {
  mpf::MetricLabels key = labels;
  std::sort(key.begin(), key.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::lock_guard lock(mu_);
  auto family = families_.find(name);
  if (family == families_.end()) return std::nullopt;
  auto it = family->second.series.find(key);
  if (it == family->second.series.end()) return std::nullopt;
  if (it->second.counter) return it->second.counter->value();
  if (it->second.gauge) return it->second.gauge->value();
  return std::nullopt;
}

std::optional<AtomicHistogram::Counts> SelfMetricsRegistry::histogram_counts(std::string_view name,
                                                                             const mpf::MetricLabels& labels) const {
  mpf::MetricLabels key = labels;
  std::sort(key.begin(), key.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::lock_guard lock(mu_);
  auto family = families_.find(name);
  if (family == families_.end()) return std::nullopt;
  auto it = family->second.series.find(key);
  if (it == family->second.series.end() || !it->second.histogram) return std::nullopt;
  return it->second.histogram->counts();
}

std::size_t SelfMetricsRegistry::series_count() const {
  std::lock_guard lock(mu_);
  std::size_t n = 0;
  for (const auto& [name, family] : families_) n += family.series.size();
  return n;
}

}  // namespace mpf::core
