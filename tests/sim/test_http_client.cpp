// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include "tests/sim/test_http_client.h"

#include <openssl/x509v3.h>
#include <zlib.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace mpf::sim::test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

template <class Stream>
asio::awaitable<void> exchange_all(Stream& stream, const std::string& host, const std::vector<std::string>& paths,
                                   const ClientOptions& options, std::vector<ClientResult>& results) {
  beast::flat_buffer buffer;
  for (const std::string& path : paths) {
    ClientResult& result = results.emplace_back();
    const auto began = std::chrono::steady_clock::now();
    http::request<http::empty_body> request(http::verb::get, path, 11);
    request.set(http::field::host, host);
    request.keep_alive(true);
    if (options.gzip) request.set(http::field::accept_encoding, "gzip");
    if (!options.token.empty()) request.set(http::field::authorization, "Bearer " + options.token);
    error_code ec;
    beast::get_lowest_layer(stream).expires_after(options.timeout);
    co_await http::async_write(stream, request, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      result.failed_stage = "write";
      result.error = ec.message();
      co_return;
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    result.elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - began).count();
    if (parser.is_header_done()) result.status = parser.get().result_int();
    result.body = parser.get().body();
    if (ec) {
      result.failed_stage = "read";
      result.error = ec.message();
      co_return;
    }
    for (const auto& field : parser.get()) {
      result.headers[std::string(field.name_string())] = std::string(field.value());
    }
    result.keep_alive = parser.get().keep_alive();
    if (!result.keep_alive) co_return;
  }
}

asio::awaitable<void> run_client(asio::io_context& io, const std::string& address, uint16_t port,
                                 const std::vector<std::string>& paths, const ClientOptions& options,
                                 std::vector<ClientResult>& results) {
  error_code ec;
  const tcp::endpoint endpoint(asio::ip::make_address(address, ec), port);
  const std::string host = address + ":" + std::to_string(port);
  const auto fail = [&results](const char* stage, const std::string& error) {
    ClientResult& r = results.emplace_back();
    r.failed_stage = stage;
    r.error = error;
  };
  if (!options.tls) {
    beast::tcp_stream stream(io);
    stream.expires_after(options.timeout);
    co_await stream.async_connect(endpoint, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return fail("connect", ec.message());
    co_await exchange_all(stream, host, paths, options, results);
    co_return;
  }
  ssl::context context(ssl::context::tls_client);
  context.set_verify_mode(ssl::verify_peer);
  context.add_certificate_authority(asio::buffer(options.ca_pem), ec);
  if (!options.client_cert_pem.empty()) {
    context.use_certificate_chain(asio::buffer(options.client_cert_pem), ec);
    context.use_private_key(asio::buffer(options.client_key_pem), ssl::context::pem, ec);
  }
  beast::ssl_stream<beast::tcp_stream> stream(io, context);
  // Verify the certificate against the dialled IP address, as Go's client does.
  const std::string& expected_ip = options.verify_ip.empty() ? address : options.verify_ip;
  X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(stream.native_handle()), expected_ip.c_str());
  beast::get_lowest_layer(stream).expires_after(options.timeout);
  co_await beast::get_lowest_layer(stream).async_connect(endpoint, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return fail("connect", ec.message());
  co_await stream.async_handshake(ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return fail("handshake", ec.message());
  co_await exchange_all(stream, host, paths, options, results);
}

}  // namespace

std::vector<ClientResult> http_get_all(const std::string& address, uint16_t port, const std::vector<std::string>& paths,
                                       const ClientOptions& options) {
  asio::io_context io;
  std::vector<ClientResult> results;
  asio::co_spawn(io, run_client(io, address, port, paths, options, results), asio::detached);
  io.run();
  if (results.empty()) results.emplace_back().failed_stage = "connect";
  return results;
}

std::string gunzip(const std::string& compressed) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 16) != Z_OK) return {};
  std::string out;
  char chunk[16384];
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  int rc = Z_OK;
  while (rc == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(chunk);
    stream.avail_out = sizeof chunk;
    rc = inflate(&stream, Z_NO_FLUSH);
    out.append(chunk, sizeof chunk - stream.avail_out);
  }
  inflateEnd(&stream);
  return rc == Z_STREAM_END ? out : std::string();
}

}  // namespace mpf::sim::test
