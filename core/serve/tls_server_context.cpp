#include "core/serve/tls_server_context.h"

#include <openssl/pem.h>
#include <openssl/ssl.h>

#include "core/net/openssl_handles.h"

namespace mpf::core {
namespace {

namespace ssl = boost::asio::ssl;
using namespace openssl;

// Picks http/1.1 when the client offers it; otherwise the handshake goes on without ALPN, as a client
// that offered only h2 then speaks HTTP/1.1 or gives up by itself.
int select_alpn(SSL*, const unsigned char** out, unsigned char* out_length, const unsigned char* in,
                unsigned int in_length, void*) {
  static const unsigned char kHttp11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, out_length, kHttp11, sizeof kHttp11, in, in_length) !=
      OPENSSL_NPN_NEGOTIATED) {
    return SSL_TLSEXT_ERR_NOACK;
  }
  *out = selected;
  return SSL_TLSEXT_ERR_OK;
}

}  // namespace

Result<int> parse_min_tls_version(std::string_view name) noexcept {
  if (name == "VersionTLS12") return TLS1_2_VERSION;
  if (name == "VersionTLS13") return TLS1_3_VERSION;
  return Status::invalid_argument("unsupported TLS minimum version \"" + std::string(name) +
                                  "\" (want VersionTLS12 or VersionTLS13)");
}

Result<std::shared_ptr<ssl::context>> make_tls_server_context(const ServingPem& pem, int min_version) noexcept {
  try {
    ERR_clear_error();
    auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
    SSL_CTX* native = context->native_handle();
    context->set_options(ssl::context::default_workarounds | ssl::context::no_compression |
                         ssl::context::single_dh_use);
    if (SSL_CTX_set_min_proto_version(native, min_version) != 1) {
      return Status::permanent(drain_errors("setting the minimum TLS version"));
    }
    boost::system::error_code ec;
    context->use_certificate_chain(boost::asio::buffer(pem.certificate_pem), ec);
    if (ec) {
      ERR_clear_error();
      return Status::invalid_argument("serving certificate " + pem.certificate_file + ": not a PEM certificate (" +
                                      ec.message() + ")");
    }
    // Parsed here rather than by use_private_key so that "not a key" and "not this certificate's key" get
    // different messages.
    BioPtr key_bio = memory_bio(pem.private_key_pem);
    PkeyPtr key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
    if (!key) {
      return Status::invalid_argument(drain_errors("serving key " + pem.private_key_file + ": not a PEM private key"));
    }
    X509* leaf = SSL_CTX_get0_certificate(native);
    if (leaf == nullptr || X509_check_private_key(leaf, key.get()) != 1) {
      ERR_clear_error();
      return Status::invalid_argument("serving key " + pem.private_key_file + " does not match certificate " +
                                      pem.certificate_file);
    }
    if (SSL_CTX_use_PrivateKey(native, key.get()) != 1) {
      return Status::invalid_argument(drain_errors("serving key " + pem.private_key_file));
    }
    SSL_CTX_set_alpn_select_cb(native, select_alpn, nullptr);
    return context;
  } catch (const std::exception& e) {  // ssl::context's constructor throws when OpenSSL cannot allocate
    return Status::permanent(std::string("creating a TLS server context: ") + e.what());
  }
}

}  // namespace mpf::core
