#pragma once

// A TLS client stream for connections that spend most of their life idle in a pool.
//
// asio::ssl::stream gives every connection a BIO pair and two transfer buffers of 17 KiB each that live
// as long as the connection (about 70 KiB with OpenSSL's own); a scraper keeping one connection alive
// per kubelet paid some 350 MiB for them at 5000 nodes. Here OpenSSL talks to a small BIO of our own
// that reads ciphertext straight from a receive buffer and appends what it writes to a send buffer.
// Both exist only while bytes move: release_buffers() frees them when the connection is parked, and
// OpenSSL frees its record buffers itself (SSL_MODE_RELEASE_BUFFERS). An idle connection then costs the
// SSL object and the socket.
//
// It meets Asio's AsyncReadStream and AsyncWriteStream requirements, so Beast's HTTP reads and writes
// run over it unchanged, and it keeps the error codes of asio::ssl::stream (OpenSSL errors in the ssl
// category, stream_truncated for a TCP close without close_notify, eof after one), so failure
// classification does not care which one it is. The deadline stays the lower layer's (tcp_stream).

#include <algorithm>
#include <cstddef>
#include <memory>
#include <string>
#include <utility>

#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/system/error_code.hpp>
#include <openssl/ssl.h>

namespace mpf::core {

class TlsClientStream {
 public:
  using next_layer_type = boost::beast::tcp_stream;
  using lowest_layer_type = next_layer_type;
  using executor_type = next_layer_type::executor_type;

  // Throws std::bad_alloc when OpenSSL cannot make the SSL object.
  TlsClientStream(const executor_type& executor, boost::asio::ssl::context& context);
  ~TlsClientStream();
  TlsClientStream(const TlsClientStream&) = delete;
  TlsClientStream& operator=(const TlsClientStream&) = delete;

  executor_type get_executor() noexcept { return tcp_.get_executor(); }
  next_layer_type& next_layer() noexcept { return tcp_; }
  SSL* native_handle() noexcept { return ssl_; }

  // Frees the send and receive buffers if they hold nothing; call between exchanges.
  void release_buffers() noexcept;
  // Bytes allocated for the send and receive buffers now (for tests and the curious).
  std::size_t buffer_capacity() const noexcept;

  template <class Handler>
  auto async_handshake(Handler&& handler) {
    return run(Handshake{}, std::forward<Handler>(handler));
  }

  template <class MutableBufferSequence, class Handler>
  auto async_read_some(const MutableBufferSequence& buffers, Handler&& handler) {
    return run(Read{first_buffer<boost::asio::mutable_buffer>(buffers)}, std::forward<Handler>(handler));
  }

  // One call sends at most 64 KiB. Several buffers (Beast's request header comes in pieces) are joined
  // first, so a request costs one TLS record and one socket write, not one per piece.
  template <class ConstBufferSequence, class Handler>
  auto async_write_some(const ConstBufferSequence& buffers, Handler&& handler) {
    return run(Write{gather(buffers)}, std::forward<Handler>(handler));
  }

 private:
  // What one call into OpenSSL asks for next.
  enum class Want { kNothing, kInput, kRetry };
  struct Outcome {
    Want want = Want::kNothing;
    boost::system::error_code error;
    std::size_t transferred = 0;
  };

  // The three operations, each one call into OpenSSL that may be retried.
  struct Handshake {
    int operator()(SSL* ssl, std::size_t& transferred) const;
  };
  struct Read {
    boost::asio::mutable_buffer buffer;
    int operator()(SSL* ssl, std::size_t& transferred) const;
  };
  struct Write {
    boost::asio::const_buffer buffer;
    int operator()(SSL* ssl, std::size_t& transferred) const;
  };

  static constexpr std::size_t kMaxPlaintextPerWrite = 64 * 1024;

  template <class Sequence>
  boost::asio::const_buffer gather(const Sequence& buffers) {
    const auto begin = boost::asio::buffer_sequence_begin(buffers);
    const auto end = boost::asio::buffer_sequence_end(buffers);
    std::size_t pieces = 0;
    for (auto it = begin; it != end && pieces < 2; ++it) pieces += boost::asio::const_buffer(*it).size() != 0;
    if (pieces < 2) return first_buffer<boost::asio::const_buffer>(buffers);
    staging_.clear();
    for (auto it = begin; it != end && staging_.size() < kMaxPlaintextPerWrite; ++it) {
      const boost::asio::const_buffer piece(*it);
      staging_.append(static_cast<const char*>(piece.data()),
                      std::min(piece.size(), kMaxPlaintextPerWrite - staging_.size()));
    }
    return boost::asio::buffer(staging_);
  }

  template <class Buffer, class Sequence>
  static Buffer first_buffer(const Sequence& buffers) {
    for (auto it = boost::asio::buffer_sequence_begin(buffers); it != boost::asio::buffer_sequence_end(buffers); ++it) {
      Buffer buffer(*it);
      if (buffer.size() != 0) return buffer;
    }
    return Buffer();
  }

  // Calls `operation` once: done (or failed), wants more ciphertext, or wants to be called again once
  // the send buffer is flushed.
  template <class Operation>
  Outcome perform(const Operation& operation);
  Outcome classify(int result, std::size_t transferred);
  // The receive buffer's free space, allocated on first use.
  boost::asio::mutable_buffer receive_space();
  void received(std::size_t bytes) { receive_end_ += bytes; }
  // What the transport's error means at the TLS level: asio::ssl::stream's mapping of eof.
  boost::system::error_code transport_error(const boost::system::error_code& error) const;
  void sent() noexcept;

  template <class Operation>
  struct IoOp;

  template <class Operation, class Handler>
  auto run(Operation operation, Handler&& handler) {
    return boost::asio::async_compose<Handler, void(boost::system::error_code, std::size_t)>(
        IoOp<Operation>{*this, operation}, handler, tcp_);
  }

  // The BIO's callbacks reach the buffers through its data pointer.
  friend struct TlsClientStreamBio;

  next_layer_type tcp_;
  SSL* ssl_ = nullptr;
  std::unique_ptr<char[]> receive_;
  std::size_t receive_begin_ = 0;  // first byte OpenSSL has not read yet
  std::size_t receive_end_ = 0;    // one past the last byte received
  std::string send_;               // ciphertext OpenSSL wrote, not yet on the socket
  std::string staging_;            // plaintext of a write gathered from several buffers
};

// One operation: call OpenSSL, flush what it wrote, read what it wants, until it is done or fails.
template <class Operation>
struct TlsClientStream::IoOp {
  IoOp(TlsClientStream& s, Operation op) : stream(s), operation(op) {}

  TlsClientStream& stream;
  Operation operation;
  enum class State { kStart, kSending, kReceiving, kCompleting } state = State::kStart;
  bool went_async = false;
  Outcome outcome;  // the last OpenSSL result

  template <class Self>
  void operator()(Self& self, boost::system::error_code error = {}, std::size_t bytes = 0) {
    switch (state) {
      case State::kStart:
        break;
      case State::kSending:
        stream.sent();
        // OpenSSL's own error (the alert just sent says so) comes before the socket's, as in Asio.
        if (outcome.error) return finish(self);
        if (error) return self.complete(error, 0);
        if (outcome.want == Want::kInput) return receive(self);
        if (outcome.want == Want::kNothing) return finish(self);
        break;  // kRetry: call OpenSSL again now that its output is out
      case State::kReceiving:
        if (error) return self.complete(stream.transport_error(error), 0);
        stream.received(bytes);
        break;
      case State::kCompleting:
        return finish(self);
    }
    outcome = stream.perform(operation);
    if (!stream.send_.empty()) {
      // Whatever OpenSSL wrote goes out first: a handshake message, a request, an alert with an error.
      state = State::kSending;
      went_async = true;
      boost::asio::async_write(stream.tcp_, boost::asio::buffer(stream.send_), std::move(self));
      return;
    }
    if (outcome.want == Want::kInput) return receive(self);
    if (!went_async) {
      // Done without waiting (decrypted data was at hand); the handler must still not run inside the
      // initiating call, as Asio promises.
      state = State::kCompleting;
      went_async = true;
      return boost::asio::post(stream.get_executor(), std::move(self));
    }
    finish(self);
  }

  template <class Self>
  void receive(Self& self) {
    state = State::kReceiving;
    went_async = true;
    stream.tcp_.async_read_some(stream.receive_space(), std::move(self));
  }

  template <class Self>
  void finish(Self& self) {
    self.complete(outcome.error, outcome.error ? 0 : outcome.transferred);
  }
};

template <class Operation>
TlsClientStream::Outcome TlsClientStream::perform(const Operation& operation) {
  ERR_clear_error();
  std::size_t transferred = 0;
  const int result = operation(ssl_, transferred);
  return classify(result, transferred);
}

}  // namespace mpf::core
