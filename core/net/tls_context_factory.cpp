#include "core/net/tls_context_factory.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <openssl/pem.h>
#include <openssl/ssl.h>

#include "core/net/openssl_handles.h"

namespace mpf::core {
namespace {

namespace ssl = boost::asio::ssl;
using namespace openssl;

// PEM text and how error messages name where it came from: "CA file /etc/ca.crt" or "inline CA data".
struct PemSource {
  std::string pem;
  std::string name;
};

// A file wins over inline data. An empty name: neither was given (an empty file was: it then fails to
// parse, naming the file, rather than silently meaning "none").
Result<PemSource> pick_source(const std::string& file, const std::string& inline_pem, std::string_view file_what,
                              std::string_view inline_name) {
  if (!file.empty()) {
    auto pem = read_text_file(file, file_what);
    if (!pem) return pem.status();
    return PemSource{std::move(pem).value(), std::string(file_what) + " " + file};
  }
  if (!inline_pem.empty()) return PemSource{inline_pem, std::string(inline_name)};
  return PemSource{};
}

// Adds every certificate of a PEM bundle to the context's trust store; none at all is an error (an
// empty trust store would fail every handshake with a confusing "unknown authority").
Status load_ca_bundle(ssl::context& context, const PemSource& ca) {
  BioPtr bio = memory_bio(ca.pem);
  STACK_OF(X509_INFO)* infos = PEM_X509_INFO_read_bio(bio.get(), nullptr, nullptr, nullptr);
  if (infos == nullptr) return Status::invalid_argument(drain_errors(ca.name + ": not PEM"));
  X509_STORE* store = SSL_CTX_get_cert_store(context.native_handle());
  int added = 0;
  for (int i = 0; i < sk_X509_INFO_num(infos); ++i) {
    X509_INFO* info = sk_X509_INFO_value(infos, i);
    if (info->x509 != nullptr && X509_STORE_add_cert(store, info->x509) == 1) ++added;
  }
  sk_X509_INFO_pop_free(infos, X509_INFO_free);
  ERR_clear_error();  // a duplicate certificate in the bundle is harmless
  if (added == 0) return Status::invalid_argument(ca.name + " contains no PEM certificate");
  return Status::ok();
}

Status load_client_identity(ssl::context& context, const mpf::HttpClientOptions& options) {
  auto cert = pick_source(options.client_certificate_file, options.client_certificate_pem, "client certificate",
                          "inline client certificate");
  if (!cert) return cert.status();
  auto key = pick_source(options.client_key_file, options.client_key_pem, "client key", "inline client key");
  if (!key) return key.status();
  if (cert->name.empty() != key->name.empty()) {
    return Status::invalid_argument("client certificate and key must be given together (certificate: " +
                                    (cert->name.empty() ? std::string("none") : cert->name) +
                                    ", key: " + (key->name.empty() ? std::string("none") : key->name) + ")");
  }
  if (cert->name.empty()) return Status::ok();
  boost::system::error_code ec;
  context.use_certificate_chain(boost::asio::buffer(cert->pem), ec);
  if (ec) return Status::invalid_argument(cert->name + ": not a PEM certificate (" + ec.message() + ")");
  // Parsed here rather than by use_private_key so that "not a key" and "not this certificate's key"
  // get different messages.
  BioPtr key_bio = memory_bio(key->pem);
  PkeyPtr private_key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (!private_key) return Status::invalid_argument(drain_errors(key->name + ": not a PEM private key"));
  X509* leaf = SSL_CTX_get0_certificate(context.native_handle());
  if (leaf == nullptr || X509_check_private_key(leaf, private_key.get()) != 1) {
    ERR_clear_error();
    return Status::invalid_argument(key->name + " does not match " + cert->name);
  }
  if (SSL_CTX_use_PrivateKey(context.native_handle(), private_key.get()) != 1) {
    return Status::invalid_argument(drain_errors(key->name));
  }
  return Status::ok();
}

}  // namespace

Result<std::string> read_text_file(const std::string& path, std::string_view what) noexcept {
  try {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      return Status::invalid_argument("cannot read " + std::string(what) + " " + path + ": " + std::strerror(errno));
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) return Status::invalid_argument("cannot read " + std::string(what) + " " + path);
    return text.str();
  } catch (const std::exception& e) {
    return Status::invalid_argument("cannot read " + std::string(what) + " " + path + ": " + e.what());
  }
}

Result<std::shared_ptr<ssl::context>> make_tls_client_context(const mpf::HttpClientOptions& options) noexcept {
  try {
    ERR_clear_error();
    auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
    context->set_options(ssl::context::default_workarounds | ssl::context::no_compression);
    if (SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION) != 1) {
      return Status::permanent(drain_errors("setting the minimum TLS version"));
    }
    if (options.insecure_skip_verify) {
      context->set_verify_mode(ssl::verify_none);
    } else {
      context->set_verify_mode(ssl::verify_peer);
      auto ca = pick_source(options.ca_file, options.ca_pem, "CA file", "inline CA data");
      if (!ca) return ca.status();
      if (!ca->name.empty()) {
        if (Status st = load_ca_bundle(*context, *ca); !st.is_ok()) return st;
      } else {
        boost::system::error_code ec;
        context->set_default_verify_paths(ec);
        if (ec) return Status::invalid_argument("cannot load the system's CA certificates: " + ec.message());
      }
    }
    if (Status st = load_client_identity(*context, options); !st.is_ok()) return st;
    return context;
  } catch (const std::exception& e) {  // ssl::context's constructor throws when OpenSSL cannot allocate
    return Status::permanent(std::string("creating a TLS context: ") + e.what());
  }
}

}  // namespace mpf::core
