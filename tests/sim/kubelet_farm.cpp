// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include "tests/sim/kubelet_farm.h"

#include <unistd.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/net/cert_generator.h"
#include "tests/sim/expect_file.h"
#include "tests/sim/request_handler.h"

namespace mpf::sim {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr auto kHandshakeTimeout = std::chrono::seconds(10);
constexpr auto kWriteTimeout = std::chrono::seconds(60);
constexpr size_t kMaxRequestBytes = 1 << 20;

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string_view view(beast::string_view s) { return {s.data(), s.size()}; }

// Reply buffers are pooled per thread and held only while a reply is written, so that thousands of idle
// keep-alive connections do not each pin a response's worth (~50 kB) of memory.
std::vector<std::string>& reply_pool() {
  thread_local std::vector<std::string> pool;
  return pool;
}

// One simulated kubelet: its listener, TLS context and fault mode.
struct NodeRuntime {
  size_t index = 0;
  FaultMode fault = FaultMode::kNone;
  std::unique_ptr<tcp::acceptor> acceptor;
  ssl::context* tls = nullptr;
  std::atomic<uint64_t> requests{0};
};

Result<std::unique_ptr<ssl::context>> make_server_context(const core::PemPair& pair, const std::string& client_ca) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
  error_code ec;
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1,
                   ec);
  ctx->use_certificate_chain(asio::buffer(pair.certificate_pem), ec);
  if (!ec) ctx->use_private_key(asio::buffer(pair.private_key_pem), ssl::context::pem, ec);
  if (ec) return Status::permanent("loading the serving certificate: " + ec.message());
  // Thousands of idle keep-alive connections would otherwise pin ~34 kB of TLS buffers each.
  SSL_CTX_set_mode(ctx->native_handle(), SSL_MODE_RELEASE_BUFFERS);
  if (!client_ca.empty()) {
    ctx->load_verify_file(client_ca, ec);
    if (ec) return Status::invalid_argument("--require-client-ca " + client_ca + ": " + ec.message());
    ctx->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
  }
  return ctx;
}

}  // namespace

struct KubeletFarm::Impl {
  FarmOptions options;
  HandlerConfig handler;
  std::vector<FaultMode> faults;
  core::PemPair ca;
  std::vector<std::unique_ptr<ssl::context>> tls_contexts;
  std::vector<std::unique_ptr<NodeRuntime>> nodes;
  std::atomic<uint64_t> served{0};

  mutable std::mutex model_mutex;
  std::shared_ptr<const ClusterModel> model;  // Guarded by model_mutex.

  // Destroyed explicitly, acceptors first, then the io_context, whose pending coroutine frames refer to
  // the members above. The work guard keeps run() serving even with no listener (every node refusing).
  std::unique_ptr<asio::io_context> io;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::unique_ptr<asio::signal_set> signals;
  std::unique_ptr<asio::steady_timer> rename_timer;

  ~Impl() {
    for (auto& node : nodes) node->acceptor.reset();
    signals.reset();
    rename_timer.reset();
    work.reset();
    io.reset();
  }

  std::shared_ptr<const ClusterModel> current_model() const {
    std::lock_guard<std::mutex> lock(model_mutex);
    return model;
  }

  Status write_expect_file() const {
    if (options.expect_file.empty()) return Status::ok();
    std::string json;
    ExpectContext context{options.port, !options.plain_http, options.cycle.count(), options.slow_delay.count()};
    render_expect_json(*current_model(), faults, context, json);
    return write_file_atomically(options.expect_file, json);
  }

  void rename_now() {
    auto next = std::make_shared<ClusterModel>(*current_model());
    next->rename_pods(next->generation() + 1, now_ms() * 1000000);
    {
      std::lock_guard<std::mutex> lock(model_mutex);
      model = std::move(next);
    }
    if (Status st = write_expect_file(); !st.is_ok()) std::fprintf(stderr, "kubelet-farm: %s\n", st.message().c_str());
  }

  void schedule_rename() {
    rename_timer->expires_after(options.rename_every);
    rename_timer->async_wait([this](error_code ec) {
      if (ec) return;
      rename_now();
      schedule_rename();
    });
  }

  void watch_signals() {
    signals->async_wait([this](error_code ec, int signal) {
      if (ec) return;
      if (signal == SIGUSR1) {
        rename_now();
        watch_signals();
        return;
      }
      io->stop();
    });
  }

  // Holds a connection without answering until the client gives up (kHang).
  template <class Stream>
  asio::awaitable<void> hang(Stream& stream) {
    beast::get_lowest_layer(stream).expires_never();
    char sink[512];
    error_code ec;
    while (!ec) co_await stream.async_read_some(asio::buffer(sink), asio::redirect_error(asio::use_awaitable, ec));
  }

  template <class Stream>
  asio::awaitable<void> serve_requests(Stream& stream, NodeRuntime& node) {
    beast::flat_buffer buffer;
    Reply reply;
    error_code ec;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(kMaxRequestBytes);
      beast::get_lowest_layer(stream).expires_after(options.idle_timeout);
      co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;  // Closed by the client, idle, or not HTTP: drop the connection like Go does.
      const auto& request = parser.get();
      const RequestView view_of{view(request.method_string()), view(request.target()),
                                view(request[http::field::authorization]),
                                view(request[http::field::accept_encoding]), request.keep_alive()};
      const Action action = plan_request(view_of, node.fault, handler);
      if (action == Action::kHang) {
        co_await hang(stream);
        co_return;
      }
      if (action == Action::kDelayThenRespond) {
        asio::steady_timer delay(co_await asio::this_coro::executor);
        delay.expires_after(options.slow_delay);
        co_await delay.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      }
      if (!reply_pool().empty()) {
        reply.wire = std::move(reply_pool().back());
        reply_pool().pop_back();
      }
      build_reply(view_of, node.fault, handler, *current_model(), node.index, now_ms(), node.requests++, reply);
      served.fetch_add(1, std::memory_order_relaxed);
      beast::get_lowest_layer(stream).expires_after(kWriteTimeout);
      co_await asio::async_write(stream, asio::buffer(reply.wire.data(), reply.send_bytes),
                                 asio::redirect_error(asio::use_awaitable, ec));
      if (reply_pool().size() < 64) reply_pool().push_back(std::move(reply.wire));
      reply.wire = std::string();
      if (ec || reply.close_after) {
        // No TLS close_notify: a truncated reply must look cut off, and Go does not wait for the peer's.
        auto& socket = beast::get_lowest_layer(stream).socket();
        socket.shutdown(tcp::socket::shutdown_both, ec);
        socket.close(ec);
        co_return;
      }
    }
  }

  asio::awaitable<void> serve_plain(tcp::socket socket, NodeRuntime& node) {
    beast::tcp_stream stream(std::move(socket));
    co_await serve_requests(stream, node);
  }

  asio::awaitable<void> serve_tls(tcp::socket socket, NodeRuntime& node) {
    beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *node.tls);
    beast::get_lowest_layer(stream).expires_after(kHandshakeTimeout);
    error_code ec;
    co_await stream.async_handshake(ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    co_await serve_requests(stream, node);
  }

  asio::awaitable<void> accept_loop(NodeRuntime& node) {
    for (;;) {
      error_code ec;
      tcp::socket socket = co_await node.acceptor->async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (ec == asio::error::operation_aborted || !node.acceptor->is_open()) co_return;
        // Out of descriptors or similar: back off instead of spinning on the error.
        asio::steady_timer pause(co_await asio::this_coro::executor);
        pause.expires_after(std::chrono::milliseconds(50));
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        continue;
      }
      socket.set_option(tcp::no_delay(true), ec);
      if (options.plain_http) {
        asio::co_spawn(asio::make_strand(*io), serve_plain(std::move(socket), node), asio::detached);
      } else {
        asio::co_spawn(asio::make_strand(*io), serve_tls(std::move(socket), node), asio::detached);
      }
    }
  }

  Status make_certificates() {
    core::CertificateRequest ca_request;
    ca_request.common_name = "kubelet-farm-ca";
    ca_request.is_ca = true;
    auto generated_ca = core::generate_self_signed(ca_request);
    if (!generated_ca) return generated_ca.status();
    ca = std::move(*generated_ca);
    if (!options.ca_file.empty()) {
      if (Status st = write_file_atomically(options.ca_file, ca.certificate_pem); !st.is_ok()) return st;
    }

    const ClusterModel& m = *model;
    const bool per_node = options.per_node_certs || m.nodes().size() > kMaxSharedCertNodes;
    if (!per_node) {
      core::CertificateRequest request;
      request.common_name = "kubelet-farm";
      for (const NodeSpec& node : m.nodes()) request.ip_addresses.push_back(node.address);
      auto leaf = core::issue_certificate(request, ca);
      if (!leaf) return leaf.status();
      if (!options.cert_file.empty() || !options.key_file.empty()) {
        if (Status st = core::write_pem_files(*leaf, options.cert_file, options.key_file); !st.is_ok()) return st;
      }
      auto ctx = make_server_context(*leaf, options.require_client_ca);
      if (!ctx) return ctx.status();
      tls_contexts.push_back(std::move(*ctx));
      for (auto& node : nodes) node->tls = tls_contexts.front().get();
      return Status::ok();
    }
    for (auto& node : nodes) {
      if (node->fault == FaultMode::kRefuse) continue;
      const NodeSpec& spec = m.node(node->index);
      // What a kubelet's CSR-issued serving certificate carries.
      core::CertificateRequest request;
      request.common_name = "system:node:" + spec.name;
      request.organizations = {"system:nodes"};
      request.dns_names = {spec.name};
      request.ip_addresses = {spec.address};
      auto leaf = core::issue_certificate(request, ca);
      if (!leaf) return leaf.status();
      auto ctx = make_server_context(*leaf, options.require_client_ca);
      if (!ctx) return ctx.status();
      node->tls = ctx->get();
      tls_contexts.push_back(std::move(*ctx));
    }
    return Status::ok();
  }

  Status bind_listeners() {
    const ClusterModel& m = *model;
    for (auto& node : nodes) {
      if (node->fault == FaultMode::kRefuse) continue;
      const NodeSpec& spec = m.node(node->index);
      error_code ec;
      const tcp::endpoint endpoint(asio::ip::make_address_v4(spec.address, ec), options.port);
      auto acceptor = std::make_unique<tcp::acceptor>(*io);
      if (!ec) acceptor->open(endpoint.protocol(), ec);
      if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
      if (!ec) acceptor->bind(endpoint, ec);
      if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
      if (ec) {
        return Status::permanent("listening on " + spec.address + ":" + std::to_string(options.port) + " (" +
                                 spec.name + "): " + ec.message());
      }
      node->acceptor = std::move(acceptor);
    }
    return Status::ok();
  }
};

KubeletFarm::KubeletFarm(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

KubeletFarm::~KubeletFarm() = default;

Result<std::unique_ptr<KubeletFarm>> KubeletFarm::create(const FarmOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->handler.require_token = options.require_token;
  impl->handler.shape = options.shape;
  impl->handler.gzip_level = options.gzip_level;
  impl->handler.chunked = options.chunked;
  impl->handler.pretty_summary = options.pretty_summary;

  ModelConfig config = options.model;
  if (!options.anchor_given) config.anchor_unix_ns = now_ms() * 1000000;
  auto model = std::make_shared<ClusterModel>(config);
  auto faults = assign_faults(options.faults, *model);
  if (!faults) return faults.status();
  impl->faults = std::move(*faults);
  const int64_t cycle_ns = options.cycle.count() * 1000000;
  for (size_t n = 0; n < impl->faults.size(); ++n) {
    switch (impl->faults[n]) {
      case FaultMode::kZero: model->set_counter_mode(n, CounterMode::kZero, 0); break;
      case FaultMode::kRestart:
        model->set_counter_mode(n, CounterMode::kContainerRestarts, cycle_ns * options.restart_every_cycles);
        break;
      case FaultMode::kReboot:
        model->set_counter_mode(n, CounterMode::kNodeReboots, cycle_ns * options.reboot_every_cycles);
        break;
      default: break;
    }
  }
  impl->model = std::move(model);

  impl->io = std::make_unique<asio::io_context>(static_cast<int>(options.threads));
  for (size_t n = 0; n < impl->faults.size(); ++n) {
    auto node = std::make_unique<NodeRuntime>();
    node->index = n;
    node->fault = impl->faults[n];
    impl->nodes.push_back(std::move(node));
  }
  if (!options.plain_http) {
    if (Status st = impl->make_certificates(); !st.is_ok()) return st;
  }
  if (Status st = impl->bind_listeners(); !st.is_ok()) return st;
  if (Status st = impl->write_expect_file(); !st.is_ok()) return st;

  for (auto& node : impl->nodes) {
    if (node->acceptor) asio::co_spawn(*impl->io, impl->accept_loop(*node), asio::detached);
  }
  impl->work.emplace(impl->io->get_executor());
  if (options.handle_signals) {
    impl->signals = std::make_unique<asio::signal_set>(*impl->io, SIGINT, SIGTERM, SIGUSR1);
    impl->watch_signals();
  }
  if (options.rename_every.count() > 0) {
    impl->rename_timer = std::make_unique<asio::steady_timer>(*impl->io);
    impl->schedule_rename();
  }
  return std::unique_ptr<KubeletFarm>(new KubeletFarm(std::move(impl)));
}

void KubeletFarm::run() {
  if (!impl_->options.ready_file.empty()) {
    const std::string ready = "pid=" + std::to_string(::getpid()) + "\nport=" + std::to_string(impl_->options.port) +
                              "\nnodes=" + std::to_string(impl_->nodes.size()) + "\n";
    if (Status st = write_file_atomically(impl_->options.ready_file, ready); !st.is_ok()) {
      std::fprintf(stderr, "kubelet-farm: %s\n", st.message().c_str());
    }
  }
  std::vector<std::thread> helpers;
  for (unsigned i = 1; i < impl_->options.threads; ++i) helpers.emplace_back([this] { impl_->io->run(); });
  impl_->io->run();
  for (std::thread& t : helpers) t.join();
}

void KubeletFarm::stop() { impl_->io->stop(); }

void KubeletFarm::rename_next_generation() {
  asio::post(*impl_->io, [impl = impl_.get()] { impl->rename_now(); });
}

std::shared_ptr<const ClusterModel> KubeletFarm::model() const { return impl_->current_model(); }

std::span<const FaultMode> KubeletFarm::faults() const { return impl_->faults; }

const std::string& KubeletFarm::ca_certificate_pem() const { return impl_->ca.certificate_pem; }

uint64_t KubeletFarm::requests_served() const { return impl_->served.load(std::memory_order_relaxed); }

}  // namespace mpf::sim
