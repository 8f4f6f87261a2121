#include "core/serve/tls_server_context.h"

#include <algorithm>

#include <openssl/crypto.h>
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

// Client certificates are requested for authentication, which checks the chain against its own CAs
// (client CA, front-proxy CA) after the handshake, as Go's tls.RequestClientCert leaves it to
// apiserver's authenticators. So the handshake accepts any chain, and SSL_get_verify_result of such a
// connection means nothing.
int accept_any_chain(int, X509_STORE_CTX*) { return 1; }

}  // namespace

Result<std::shared_ptr<ssl::context>> make_tls_server_context(const ServingPem& pem,
                                                              const TlsServerSettings& settings) noexcept {
  try {
    ERR_clear_error();
    auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
    SSL_CTX* native = context->native_handle();
    // No compression (CRIME); no renegotiation at all, as Go's server (OpenSSL 3 already refuses the
    // client-initiated kind by default; this also rules out the server-initiated one); the server's
    // suite order rather than the client's.
    SSL_CTX_set_options(native, SSL_OP_ALL | SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                                    SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_SINGLE_DH_USE);
    // SSL_OP_ALL turns off the 1/n-1 record split, TLS 1.0's BEAST countermeasure; keep it.
    SSL_CTX_clear_options(native, SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS);
    // No TLS 1.0-1.2 suite at all: only TLS 1.3 can succeed, whatever the minimum says.
    const int min_version = settings.cipher_list.empty() ? std::max(settings.min_version, TLS1_3_VERSION)
                                                         : settings.min_version;
    if (SSL_CTX_set_min_proto_version(native, min_version) != 1) {
      return Status::permanent(drain_errors("setting the minimum TLS version"));
    }
    if (!settings.cipher_list.empty()) {
      // OpenSSL 3 refuses TLS 1.0 and 1.1 at its default security level 1 (their handshake signatures
      // use SHA-1/MD5); an operator who asked for them gets level 0, with the same suites.
      const std::string list =
          settings.cipher_list + (min_version < TLS1_2_VERSION ? ":@SECLEVEL=0" : std::string());
      if (SSL_CTX_set_cipher_list(native, list.c_str()) != 1) {
        return Status::invalid_argument(
            drain_errors("--tls-cipher-suites: none of the TLS 1.2 suites (" + settings.cipher_list +
                         ") is available in this OpenSSL (" + OpenSSL_version(OPENSSL_VERSION) + ")"));
      }
    }
    if (SSL_CTX_set1_groups_list(native, settings.groups.c_str()) != 1) {
      return Status::invalid_argument(drain_errors("--tls-curve-preferences: groups \"" + settings.groups +
                                                   "\" are not available in this OpenSSL"));
    }
    // Resumption (tickets and the session cache) stays on. With peer verification on, OpenSSL refuses
    // to resume a session that has no session id context, so every context gets one.
    static const unsigned char kSessionContext[] = {'m', 'p', 'f', '-', 's', 'e', 'r', 'v', 'e'};
    SSL_CTX_set_session_id_context(native, kSessionContext, sizeof kSessionContext);
    if (settings.request_client_certificate) {
      // Requested, not required (no SSL_VERIFY_FAIL_IF_NO_PEER_CERT), and no CA names sent (no client CA
      // list), so that Go clients send their certificate whoever signed it.
      SSL_CTX_set_verify(native, SSL_VERIFY_PEER, accept_any_chain);
    } else {
      SSL_CTX_set_verify(native, SSL_VERIFY_NONE, nullptr);
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
