#include "core/net/connection_pool.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <cerrno>

#include <boost/asio/bind_executor.hpp>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "core/net/openssl_handles.h"

namespace mpf::core {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;

std::string asn1_text(const ASN1_STRING* s) {
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<std::size_t>(ASN1_STRING_length(s)));
}

// What a certificate claims to be, for the "valid for X, not Y" part of a mismatch message.
CertificateIdentities identities_of(X509* cert) {
  CertificateIdentities out;
  if (cert == nullptr) return out;
  openssl::GeneralNamesPtr names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type == GEN_DNS) {
      out.dns_names.push_back(asn1_text(name->d.dNSName));
    } else if (name->type == GEN_IPADD) {
      const ASN1_OCTET_STRING* ip = name->d.iPAddress;
      char text[INET6_ADDRSTRLEN] = {};
      const int family = ASN1_STRING_length(ip) == 4 ? AF_INET : AF_INET6;
      if (ASN1_STRING_length(ip) == 4 || ASN1_STRING_length(ip) == 16) {
        if (::inet_ntop(family, ASN1_STRING_get0_data(ip), text, sizeof text) != nullptr) {
          out.ip_addresses.push_back(text);
        }
      }
    }
  }
  X509_NAME* subject = X509_get_subject_name(cert);
  const int at = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (at >= 0) out.common_name = asn1_text(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, at)));
  return out;
}

}  // namespace

Connection::Connection(SerialExecutor serial, std::shared_ptr<asio::ssl::context> tls, std::string key)
    : strand_(std::move(serial)), key_(std::move(key)), tls_context_(std::move(tls)), resolve_timer_(strand_) {
  if (tls_context_) {
    secure_.emplace(strand_, *tls_context_);
  } else {
    plain_.emplace(strand_);
  }
}

beast::tcp_stream& Connection::tcp() { return secure_ ? beast::get_lowest_layer(*secure_) : *plain_; }

void Connection::prepare_tls(const std::string& host, bool host_is_ip, bool verify) {
  SSL* ssl = secure_->native_handle();
  // RFC 6066: SNI carries DNS names only.
  if (!host_is_ip) SSL_set_tlsext_host_name(ssl, host.c_str());
  if (!verify) {
    SSL_set_verify(ssl, SSL_VERIFY_NONE, nullptr);
    return;
  }
  // Go checks SANs only (no Common Name fallback since 1.15) and no partial wildcards.
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS | X509_CHECK_FLAG_NEVER_CHECK_SUBJECT);
  if (host_is_ip) {
    X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
  } else {
    X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
  }
  // The SSL object belongs to this connection, so its app data cannot outlive `this`.
  SSL_set_app_data(ssl, this);
  SSL_set_verify(ssl, SSL_VERIFY_PEER, &Connection::on_verify);
}

int Connection::on_verify(int preverified, X509_STORE_CTX* store) {
  auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  auto* self = ssl != nullptr ? static_cast<Connection*>(SSL_get_app_data(ssl)) : nullptr;
  if (self != nullptr && preverified == 0 && self->verify_failure_.x509_error == X509_V_OK) {
    self->verify_failure_.x509_error = X509_STORE_CTX_get_error(store);
    self->verify_failure_.depth = X509_STORE_CTX_get_error_depth(store);
    self->verify_failure_.leaf = identities_of(X509_STORE_CTX_get0_cert(store));
  }
  return preverified;
}

void Connection::release_buffers() noexcept {
  if (buffer_.size() == 0) buffer_.shrink_to_fit();
  if (secure_) secure_->release_buffers();
}

void Connection::capture_verify_result() {
  if (!secure_ || verify_failure_.x509_error != X509_V_OK) return;
  SSL* ssl = secure_->native_handle();
  const long result = SSL_get_verify_result(ssl);
  if (result == X509_V_OK) return;
  verify_failure_.x509_error = static_cast<int>(result);
  STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl);
  if (chain != nullptr && sk_X509_num(chain) > 0) verify_failure_.leaf = identities_of(sk_X509_value(chain, 0));
}

bool Connection::unusable_after_idle() {
  auto& socket = tcp().socket();
  if (!socket.is_open()) return true;
  char byte = 0;
  const ssize_t n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  // 0: the server closed; > 0: it sent something unasked (a TLS close_notify, an error page).
  if (n >= 0) return true;
  return errno != EAGAIN && errno != EWOULDBLOCK;
}

void Connection::close() noexcept {
  try {
    boost::system::error_code ec;
    tcp().socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    tcp().close();  // also cancels the stream's deadline timer
    resolve_timer_.cancel();
  } catch (const std::exception&) {
    // Closing is best effort; the descriptor goes with the object anyway.
  }
}

ConnectionPool::ConnectionPool(const IoExecutor& io, ConnectionPoolOptions options)
    : io_(io), options_(options), strand_(make_serial_executor()), sweep_timer_(strand_) {}

SerialExecutor ConnectionPool::make_serial_executor() const {
  return options_.single_threaded ? SerialExecutor(io_) : SerialExecutor(asio::make_strand(io_));
}

std::shared_ptr<Connection> ConnectionPool::take(const std::string& key) {
  auto it = idle_.find(key);
  if (it == idle_.end()) return nullptr;
  auto& list = it->second;
  const auto now = std::chrono::steady_clock::now();
  std::shared_ptr<Connection> found;
  while (!list.empty() && !found) {
    std::shared_ptr<Connection> candidate = std::move(list.back());
    list.pop_back();
    if (now - candidate->idle_since < options_.idle_timeout && !candidate->unusable_after_idle()) {
      found = std::move(candidate);
    } else {
      candidate->close();
    }
  }
  if (list.empty()) idle_.erase(it);
  return found;
}

void ConnectionPool::put(std::shared_ptr<Connection> connection) {
  if (closed_ || options_.max_idle_per_host == 0) {
    connection->close();
    return;
  }
  auto& list = idle_[connection->key()];
  if (list.size() >= options_.max_idle_per_host) {
    list.front()->close();
    list.erase(list.begin());
  }
  connection->idle_since = std::chrono::steady_clock::now();
  list.push_back(std::move(connection));
  arm_sweep();
}

void ConnectionPool::close_all() {
  closed_ = true;
  for (auto& entry : idle_) {
    for (auto& connection : entry.second) connection->close();
  }
  idle_.clear();
  sweep_timer_.cancel();
}

std::size_t ConnectionPool::idle_count() const {
  std::size_t count = 0;
  for (const auto& entry : idle_) count += entry.second.size();
  return count;
}

void ConnectionPool::arm_sweep() {
  if (sweep_armed_ || closed_) return;
  sweep_armed_ = true;
  // Half the idle timeout: a connection is closed at most 1.5 timeouts after its last use, and a pool
  // of 5000 idle connections costs one timer, not 5000.
  sweep_timer_.expires_after(std::max<std::chrono::steady_clock::duration>(options_.idle_timeout / 2,
                                                                           std::chrono::milliseconds(10)));
  // A weak reference: the timer must not keep a destroyed client's pool alive.
  sweep_timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (!self) return;
    self->sweep_armed_ = false;
    if (!ec) self->sweep();
  });
}

void ConnectionPool::sweep() {
  const auto now = std::chrono::steady_clock::now();
  for (auto it = idle_.begin(); it != idle_.end();) {
    auto& list = it->second;
    std::erase_if(list, [&](const std::shared_ptr<Connection>& c) {
      const bool expired = now - c->idle_since >= options_.idle_timeout || c->unusable_after_idle();
      if (expired) c->close();
      return expired;
    });
    it = list.empty() ? idle_.erase(it) : std::next(it);
  }
  if (!idle_.empty()) arm_sweep();
}

}  // namespace mpf::core
