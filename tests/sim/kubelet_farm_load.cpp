// kubelet-farm-load: scrapes a kubelet farm like a metrics-server would (one keep-alive connection per
// node) and reports throughput, latency and the CPU the farm used meanwhile.
//
//   kubelet-farm-load --nodes 5000 --port 20250 --cacert ca.pem --rate 333 --duration-s 30 --farm-pid PID
//
// --rate 0 (the default) sends as fast as --connections parallel requests allow.

// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <openssl/x509v3.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/sim/cluster_model.h"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

struct Options {
  uint32_t nodes = 10;
  uint16_t port = 10250;
  std::string cacert;  // Empty: plain HTTP.
  std::string path = "/metrics/resource";
  std::string token;
  bool gzip = false;
  double duration_s = 10;
  double warmup_s = 0;  // Requests and CPU of the first seconds (connection set-up) are not counted.
  double rate = 0;
  unsigned connections = 64;
  long farm_pid = 0;
};

struct Stats {
  uint64_t ok = 0;
  uint64_t errors = 0;
  uint64_t body_bytes = 0;
  std::vector<double> latencies_ms;
};

// One keep-alive connection per node, opened on first use.
struct Connection {
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;
  bool busy = false;
};

double cpu_seconds_of(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  // Fields after "(comm)": state is field 3; utime and stime are fields 14 and 15.
  std::vector<std::string> fields;
  size_t at = close + 2;
  while (at < stat.size() && fields.size() < 13) {
    const size_t space = stat.find(' ', at);
    fields.push_back(stat.substr(at, space - at));
    at = space == std::string::npos ? stat.size() : space + 1;
  }
  if (fields.size() < 13) return 0;
  return static_cast<double>(std::stoull(fields[11]) + std::stoull(fields[12])) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double own_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

class Load {
 public:
  explicit Load(const Options& o) : o_(o), tls_(ssl::context::tls_client), connections_(o.nodes) {
    if (!o_.cacert.empty()) {
      tls_.load_verify_file(o_.cacert);
      tls_.set_verify_mode(ssl::verify_peer);
    }
    for (uint32_t i = 0; i < o_.nodes; ++i) addresses_.push_back(mpf::sim::ClusterModel::node_address(i));
  }

  void run() {
    start_ = Clock::now();
    measured_from_ = start_;
    const auto total = std::chrono::duration<double>(o_.warmup_s + o_.duration_s);
    deadline_ = start_ + std::chrono::duration_cast<Clock::duration>(total);
    farm_cpu_at_start_ = o_.farm_pid > 0 ? cpu_seconds_of(o_.farm_pid) : 0;
    own_cpu_at_start_ = own_cpu_seconds();
    asio::steady_timer warmup(io_);
    if (o_.warmup_s > 0) {
      warmup.expires_after(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o_.warmup_s)));
      warmup.async_wait([this](error_code ec) {
        if (ec) return;
        stats_ = Stats{};
        measured_from_ = Clock::now();
        farm_cpu_at_start_ = o_.farm_pid > 0 ? cpu_seconds_of(o_.farm_pid) : 0;
        own_cpu_at_start_ = own_cpu_seconds();
      });
    }
    for (unsigned w = 0; w < o_.connections; ++w) asio::co_spawn(io_, worker(), asio::detached);
    io_.run();
    farm_cpu_ = o_.farm_pid > 0 ? cpu_seconds_of(o_.farm_pid) - farm_cpu_at_start_ : 0;
    own_cpu_ = own_cpu_seconds() - own_cpu_at_start_;
  }

  const Stats& stats() const { return stats_; }
  double elapsed_s() const { return std::chrono::duration<double>(finish_ - measured_from_).count(); }
  double farm_cpu_s() const { return farm_cpu_; }
  double own_cpu_s() const { return own_cpu_; }

 private:
  enum Outcome { kFailed, kOkKeepAlive, kOkClosed };

  template <class Stream>
  asio::awaitable<Outcome> exchange(Stream& stream, uint32_t node) {
    http::request<http::empty_body> request(http::verb::get, o_.path, 11);
    request.set(http::field::host, addresses_[node] + ":" + std::to_string(o_.port));
    request.keep_alive(true);
    if (o_.gzip) request.set(http::field::accept_encoding, "gzip");
    if (!o_.token.empty()) request.set(http::field::authorization, "Bearer " + o_.token);
    error_code ec;
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(20));
    co_await http::async_write(stream, request, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return kFailed;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    co_await http::async_read(stream, connections_[node].buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec || parser.get().result_int() != 200) co_return kFailed;
    stats_.body_bytes += parser.get().body().size();
    co_return parser.get().keep_alive() ? kOkKeepAlive : kOkClosed;
  }

  asio::awaitable<Outcome> request_node(uint32_t node) {
    Connection& c = connections_[node];
    error_code ec;
    if (!c.plain && !c.tls) c.buffer.clear();
    const tcp::endpoint endpoint(asio::ip::make_address_v4(addresses_[node]), o_.port);
    if (o_.cacert.empty()) {
      if (!c.plain) {
        c.plain = std::make_unique<beast::tcp_stream>(io_);
        c.plain->expires_after(std::chrono::seconds(10));
        co_await c.plain->async_connect(endpoint, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
          c.plain.reset();
          co_return kFailed;
        }
      }
      const Outcome outcome = co_await exchange(*c.plain, node);
      if (outcome != kOkKeepAlive) c.plain.reset();
      co_return outcome;
    }
    if (!c.tls) {
      c.tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(io_, tls_);
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c.tls->native_handle()), addresses_[node].c_str());
      beast::get_lowest_layer(*c.tls).expires_after(std::chrono::seconds(10));
      co_await beast::get_lowest_layer(*c.tls).async_connect(endpoint, asio::redirect_error(asio::use_awaitable, ec));
      if (!ec) co_await c.tls->async_handshake(ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        c.tls.reset();
        co_return kFailed;
      }
    }
    const Outcome outcome = co_await exchange(*c.tls, node);
    if (outcome != kOkKeepAlive) c.tls.reset();
    co_return outcome;
  }

  asio::awaitable<void> worker() {
    asio::steady_timer pacer(io_);
    for (;;) {
      const uint64_t k = next_++;
      if (o_.rate > 0) {
        const auto slot = start_ + std::chrono::duration_cast<Clock::duration>(
                                       std::chrono::duration<double>(static_cast<double>(k) / o_.rate));
        if (slot >= deadline_) break;
        pacer.expires_at(slot);
        error_code ec;
        co_await pacer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      } else if (Clock::now() >= deadline_) {
        break;
      }
      const auto node = static_cast<uint32_t>(k % o_.nodes);
      if (connections_[node].busy) {
        ++stats_.errors;  // The previous request to this node is still running: the node is too slow.
        continue;
      }
      connections_[node].busy = true;
      const auto began = Clock::now();
      const Outcome outcome = co_await request_node(node);
      connections_[node].busy = false;
      if (outcome == kFailed) {
        ++stats_.errors;
      } else {
        ++stats_.ok;
      }
      stats_.latencies_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - began).count());
    }
    finish_ = std::max(finish_, Clock::now());
  }

  Options o_;
  asio::io_context io_;
  ssl::context tls_;
  std::vector<std::string> addresses_;
  std::vector<Connection> connections_;
  Stats stats_;
  uint64_t next_ = 0;
  Clock::time_point start_;
  Clock::time_point measured_from_;
  Clock::time_point deadline_;
  double farm_cpu_at_start_ = 0;
  double own_cpu_at_start_ = 0;
  double farm_cpu_ = 0;
  double own_cpu_ = 0;
  Clock::time_point finish_;
};

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--nodes") o.nodes = static_cast<uint32_t>(std::stoul(value));
    else if (flag == "--port") o.port = static_cast<uint16_t>(std::stoul(value));
    else if (flag == "--cacert") o.cacert = value;
    else if (flag == "--path") o.path = value;
    else if (flag == "--token") o.token = value;
    else if (flag == "--gzip") o.gzip = value == "1" || value == "true";
    else if (flag == "--duration-s") o.duration_s = std::stod(value);
    else if (flag == "--warmup-s") o.warmup_s = std::stod(value);
    else if (flag == "--rate") o.rate = std::stod(value);
    else if (flag == "--connections") o.connections = static_cast<unsigned>(std::stoul(value));
    else if (flag == "--farm-pid") o.farm_pid = std::stol(value);
    else {
      std::fprintf(stderr,
                   "usage: kubelet-farm-load [--nodes N] [--port P] [--cacert CA.pem] [--path PATH] [--token T]\n"
                   "       [--gzip 1] [--warmup-s S] [--duration-s S] [--rate REQ_PER_S] [--connections C] [--farm-pid PID]\n");
      return 2;
    }
  }
  Load load(o);
  load.run();
  const double farm_cpu = load.farm_cpu_s();
  const double own_cpu = load.own_cpu_s();

  Stats stats = load.stats();
  std::sort(stats.latencies_ms.begin(), stats.latencies_ms.end());
  const auto percentile = [&](double p) {
    if (stats.latencies_ms.empty()) return 0.0;
    return stats.latencies_ms[std::min(stats.latencies_ms.size() - 1,
                                       static_cast<size_t>(p * static_cast<double>(stats.latencies_ms.size())))];
  };
  const double seconds = load.elapsed_s();
  std::printf("requests_ok=%llu errors=%llu seconds=%.2f requests_per_s=%.1f body_mb_per_s=%.2f avg_body_kb=%.1f "
              "p50_ms=%.2f p99_ms=%.2f farm_cpu_s=%.2f farm_cpu_pct=%.1f client_cpu_s=%.2f\n",
              static_cast<unsigned long long>(stats.ok), static_cast<unsigned long long>(stats.errors), seconds,
              static_cast<double>(stats.ok) / seconds, static_cast<double>(stats.body_bytes) / seconds / 1e6,
              stats.ok ? static_cast<double>(stats.body_bytes) / static_cast<double>(stats.ok) / 1e3 : 0.0,
              percentile(0.5), percentile(0.99), farm_cpu, 100.0 * farm_cpu / seconds, own_cpu);
  return stats.errors == 0 ? 0 : 1;
}
