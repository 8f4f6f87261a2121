#include "core/net/tls_client_stream.h"

#include <algorithm>
#include <cstring>
#include <new>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <openssl/bio.h>
#include <openssl/err.h>

namespace mpf::core {
namespace {

namespace asio = boost::asio;

// One read from the socket: room for a whole TLS record (16 KiB plus header and expansion), so a
// record never needs two reads, and few enough bytes that a parked connection's peak does not matter.
constexpr std::size_t kReceiveBufferBytes = 17 * 1024 + 512;
// A send buffer that grew beyond this (a large POST) is freed after each flush, not kept.
constexpr std::size_t kKeptSendCapacity = 4 * 1024;

}  // namespace

// The BIO between OpenSSL and the stream's buffers. Reads take ciphertext from the receive buffer and
// say "retry" when it is empty (the stream then reads the socket); writes always succeed, appending to
// the send buffer (the stream then flushes it).
struct TlsClientStreamBio {
  static TlsClientStream& stream(BIO* bio) { return *static_cast<TlsClientStream*>(BIO_get_data(bio)); }

  static int read(BIO* bio, char* out, std::size_t size, std::size_t* read_bytes) {
    BIO_clear_retry_flags(bio);
    TlsClientStream& s = stream(bio);
    const std::size_t available = s.receive_end_ - s.receive_begin_;
    if (available == 0) {
      BIO_set_retry_read(bio);
      *read_bytes = 0;
      return 0;
    }
    const std::size_t n = std::min(size, available);
    std::memcpy(out, s.receive_.get() + s.receive_begin_, n);
    s.receive_begin_ += n;
    if (s.receive_begin_ == s.receive_end_) s.receive_begin_ = s.receive_end_ = 0;
    *read_bytes = n;
    return 1;
  }

  static int write(BIO* bio, const char* in, std::size_t size, std::size_t* written) {
    BIO_clear_retry_flags(bio);
    try {
      stream(bio).send_.append(in, size);
    } catch (const std::bad_alloc&) {
      *written = 0;
      return 0;  // OpenSSL reports it as a failed write
    }
    *written = size;
    return 1;
  }

  static long control(BIO* bio, int command, long, void*) {
    switch (command) {
      case BIO_CTRL_FLUSH:
        return 1;  // the stream flushes the send buffer after every call into OpenSSL
      case BIO_CTRL_PENDING: {
        const TlsClientStream& s = stream(bio);
        return static_cast<long>(s.receive_end_ - s.receive_begin_);
      }
      case BIO_CTRL_WPENDING:
        return static_cast<long>(stream(bio).send_.size());
      default:
        return 0;
    }
  }

  static BIO_METHOD* method() {
    // Made once, never freed: OpenSSL keeps no reference to it after the last BIO goes.
    static BIO_METHOD* const made = [] {
      BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "mpf tls client buffers");
      if (m == nullptr) return m;
      BIO_meth_set_read_ex(m, &read);
      BIO_meth_set_write_ex(m, &write);
      BIO_meth_set_ctrl(m, &control);
      return m;
    }();
    return made;
  }
};

TlsClientStream::TlsClientStream(const executor_type& executor, asio::ssl::context& context) : tcp_(executor) {
  BIO_METHOD* method = TlsClientStreamBio::method();
  ssl_ = method != nullptr ? SSL_new(context.native_handle()) : nullptr;
  if (ssl_ == nullptr) throw std::bad_alloc();
  BIO* bio = BIO_new(method);
  if (bio == nullptr) {
    SSL_free(ssl_);
    throw std::bad_alloc();
  }
  BIO_set_data(bio, this);
  BIO_set_init(bio, 1);
  SSL_set_bio(ssl_, bio, bio);  // one BIO both ways; the SSL object owns it
  // OpenSSL frees its record buffers whenever they are empty: an idle connection holds none.
  SSL_set_mode(ssl_, SSL_MODE_RELEASE_BUFFERS);
  SSL_set_connect_state(ssl_);
}

TlsClientStream::~TlsClientStream() { SSL_free(ssl_); }

void TlsClientStream::release_buffers() noexcept {
  if (receive_begin_ == receive_end_) {
    receive_.reset();
    receive_begin_ = receive_end_ = 0;
  }
  if (send_.empty()) std::string().swap(send_);
  std::string().swap(staging_);
}

std::size_t TlsClientStream::buffer_capacity() const noexcept {
  // Heap bytes only: a string's inline capacity costs nothing extra.
  const auto heap = [](const std::string& s) { return s.capacity() > std::string().capacity() ? s.capacity() : 0; };
  return (receive_ ? kReceiveBufferBytes : 0) + heap(send_) + heap(staging_);
}

asio::mutable_buffer TlsClientStream::receive_space() {
  if (!receive_) receive_ = std::make_unique_for_overwrite<char[]>(kReceiveBufferBytes);
  // OpenSSL asked for more, so everything received so far has been read into it: the buffer is empty
  // (read() rewinds it) and the whole of it is free.
  return asio::buffer(receive_.get() + receive_end_, kReceiveBufferBytes - receive_end_);
}

void TlsClientStream::sent() noexcept {
  if (send_.capacity() > kKeptSendCapacity) {
    std::string().swap(send_);
  } else {
    send_.clear();
  }
}

boost::system::error_code TlsClientStream::transport_error(const boost::system::error_code& error) const {
  // A peer that closes the TCP connection without close_notify truncated the stream (asio::ssl::stream
  // says the same); one that sent close_notify ended it properly.
  if (error == asio::error::eof && (SSL_get_shutdown(ssl_) & SSL_RECEIVED_SHUTDOWN) == 0) {
    return asio::ssl::error::stream_truncated;
  }
  return error;
}

TlsClientStream::Outcome TlsClientStream::classify(int result, std::size_t transferred) {
  Outcome out;
  const int ssl_error = SSL_get_error(ssl_, result);
  const unsigned long queued = ERR_get_error();
  switch (ssl_error) {
    case SSL_ERROR_NONE:
      out.transferred = transferred;
      return out;
    case SSL_ERROR_WANT_READ:
      out.want = Want::kInput;
      return out;
    case SSL_ERROR_WANT_WRITE:
      out.want = Want::kRetry;
      return out;
    case SSL_ERROR_ZERO_RETURN:  // close_notify: the end of the stream
      out.error = asio::error::eof;
      return out;
    case SSL_ERROR_SSL:
      // A repeated failure may find the error queue already emptied; it must still read as one.
      out.error = queued == 0 ? boost::system::error_code(asio::ssl::error::unexpected_result)
                              : boost::system::error_code(static_cast<int>(queued), asio::error::get_ssl_category());
      return out;
    case SSL_ERROR_SYSCALL:
      out.error = queued == 0 ? boost::system::error_code(asio::ssl::error::unspecified_system_error)
                              : boost::system::error_code(static_cast<int>(queued), asio::error::get_ssl_category());
      return out;
    default:
      out.error = asio::ssl::error::unexpected_result;
      return out;
  }
}

int TlsClientStream::Handshake::operator()(SSL* ssl, std::size_t&) const { return SSL_do_handshake(ssl); }

int TlsClientStream::Read::operator()(SSL* ssl, std::size_t& transferred) const {
  if (buffer.size() == 0) return 1;  // a zero-byte read completes at once, as on a socket
  // SSL_read returns one record at a time, and servers write small ones (a kubelet's chunked body
  // comes in records of a few KiB). Taking every record already received in one call saves a trip
  // through the event loop per record, the largest cost of a scrape once the bytes are in.
  auto* out = static_cast<char*>(buffer.data());
  std::size_t total = 0;
  for (;;) {
    std::size_t n = 0;
    const int result = SSL_read_ex(ssl, out + total, buffer.size() - total, &n);
    if (result == 1) {
      total += n;
      if (total == buffer.size()) break;
      continue;
    }
    if (total == 0) return result;
    // Data first; whatever stopped the loop (no more input, close_notify, an error) comes back on
    // the next read, since OpenSSL keeps that state.
    ERR_clear_error();
    break;
  }
  transferred = total;
  return 1;
}

int TlsClientStream::Write::operator()(SSL* ssl, std::size_t& transferred) const {
  if (buffer.size() == 0) return 1;
  return SSL_write_ex(ssl, buffer.data(), std::min(buffer.size(), kMaxPlaintextPerWrite), &transferred);
}

}  // namespace mpf::core
