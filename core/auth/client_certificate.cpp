#include "core/auth/client_certificate.h"

#include <openssl/pem.h>

#include <ctime>
#include <exception>
#include <optional>
#include <string>
#include <utility>

#include "mpf/sdk/go_strings.h"

namespace mpf::core::auth {
namespace {

using openssl::X509Ptr;

// PEM blocks of type CERTIFICATE, in order; other block types are skipped as client-go's
// cert.ParseCertsPEM skips them. Errors name the block ("bad PEM: certificate 2: ...").
Result<std::vector<X509Ptr>> parse_certificates(std::string_view pem) {
  ERR_clear_error();
  std::vector<X509Ptr> out;
  openssl::BioPtr bio = openssl::memory_bio(pem);
  if (!bio) return Status::permanent(openssl::drain_errors("allocating a BIO"));
  while (true) {
    char* name = nullptr;
    char* header = nullptr;
    unsigned char* data = nullptr;
    long length = 0;
    if (PEM_read_bio(bio.get(), &name, &header, &data, &length) != 1) {
      const unsigned long error = ERR_peek_last_error();
      if (ERR_GET_LIB(error) == ERR_LIB_PEM && ERR_GET_REASON(error) == PEM_R_NO_START_LINE) {
        ERR_clear_error();  // the end of the text: no further block
        break;
      }
      return Status::invalid_argument(openssl::drain_errors("bad PEM"));
    }
    const bool is_certificate = std::string_view(name) == "CERTIFICATE";
    X509Ptr certificate;
    if (is_certificate) {
      const unsigned char* cursor = data;
      certificate.reset(d2i_X509(nullptr, &cursor, length));
    }
    OPENSSL_free(name);
    OPENSSL_free(header);
    OPENSSL_free(data);
    if (!is_certificate) continue;
    if (!certificate) {
      return Status::invalid_argument(
          openssl::drain_errors("bad PEM: certificate " + std::to_string(out.size() + 1) + " does not parse"));
    }
    out.push_back(std::move(certificate));
  }
  return out;
}

X509Ptr add_reference(X509* certificate) {
  if (certificate == nullptr || X509_up_ref(certificate) != 1) return nullptr;
  return X509Ptr(certificate);
}

// ---- Go's wording -------------------------------------------------------------------------------

// x509.go's columnSeparatedHex: upper-case hex pairs joined by ':'.
std::string colon_hex(const ASN1_OCTET_STRING* bytes) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  if (bytes == nullptr) return out;
  const unsigned char* data = ASN1_STRING_get0_data(bytes);
  for (int i = 0; i < ASN1_STRING_length(bytes); ++i) {
    if (i > 0) out += ':';
    out += kDigits[data[i] >> 4];
    out += kDigits[data[i] & 0xF];
  }
  return out;
}

std::string decimal_serial(const X509* certificate) {
  openssl::BignumPtr serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(certificate), nullptr));
  char* text = serial ? BN_bn2dec(serial.get()) : nullptr;
  if (text == nullptr) return "?";
  std::string out(text);
  OPENSSL_free(text);
  return out;
}

// x509.go's certificateIdentifier: "SN=%d, SKID=%s, AKID=%s" (an absent key id prints empty).
std::string certificate_identifier(X509* certificate) {
  return "SN=" + decimal_serial(certificate) + ", SKID=" + colon_hex(X509_get0_subject_key_id(certificate)) +
         ", AKID=" + colon_hex(X509_get0_authority_key_id(certificate));
}

std::optional<std::chrono::system_clock::time_point> to_time_point(const ASN1_TIME* time) {
  std::tm tm{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1) return std::nullopt;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

// time.RFC3339 of a UTC time: whole seconds, "Z".
std::string rfc3339(std::chrono::system_clock::time_point time) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(
      std::chrono::floor<std::chrono::seconds>(time));
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[32];
  const std::size_t size = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string(buffer, size);
}

// The subject's last CN (pkix.Name keeps the last) and every O in order, as UTF-8.
CertificateIdentity identity_of(X509* certificate) {
  CertificateIdentity identity;
  const X509_NAME* subject = X509_get_subject_name(certificate);
  for (int i = 0; i < X509_NAME_entry_count(subject); ++i) {
    const X509_NAME_ENTRY* entry = X509_NAME_get_entry(subject, i);
    const int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(entry));
    if (nid != NID_commonName && nid != NID_organizationName) continue;
    unsigned char* utf8 = nullptr;
    const int length = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(entry));
    if (length < 0) continue;
    std::string value(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(length));
    OPENSSL_free(utf8);
    if (nid == NID_commonName) {
      identity.common_name = std::move(value);
    } else {
      identity.organizations.push_back(std::move(value));
    }
  }
  return identity;
}

// Certificate.isValid's time check; nullopt when `now` is within [notBefore, notAfter].
std::optional<std::string> validity_error(X509* certificate, std::chrono::system_clock::time_point now) {
  const auto not_before = to_time_point(X509_get0_notBefore(certificate));
  const auto not_after = to_time_point(X509_get0_notAfter(certificate));
  if (!not_before || !not_after) return "x509: malformed validity";
  const std::string prefix = "x509: certificate has expired or is not yet valid: current time " + rfc3339(now);
  if (now < *not_before) return prefix + " is before " + rfc3339(*not_before);
  if (now > *not_after) return prefix + " is after " + rfc3339(*not_after);
  return std::nullopt;
}

// ---- Why no chain was found, in crypto/x509's words ----------------------------------------------
// OpenSSL decides; this only retraces Go's buildChains to word the failure as Go would, including the
// "(possibly because of ...)" hint about the first candidate issuer that was rejected.

std::string go_key_type(int pkey_type) {
  switch (pkey_type) {
    case EVP_PKEY_RSA: return "*rsa.PublicKey";
    case EVP_PKEY_EC: return "*ecdsa.PublicKey";
    case EVP_PKEY_ED25519: return "ed25519.PublicKey";
    default: return "<nil>";
  }
}

std::string go_algorithm_name(int pkey_type) {
  switch (pkey_type) {
    case EVP_PKEY_RSA: return "RSA";
    case EVP_PKEY_EC: return "ECDSA";
    case EVP_PKEY_ED25519: return "Ed25519";
    default: return "unknown";
  }
}

// Certificate.CheckSignatureFrom's error, or nullopt when `parent` signed `child`.
std::optional<std::string> signature_error(X509* child, X509* parent) {
  EVP_PKEY* key = X509_get0_pubkey(parent);
  // Go's x509.ErrUnsupportedAlgorithm, word for word (a key type OpenSSL cannot load): an error the
  // client gets, not a gap in this code.
  if (key == nullptr) return "x509: cannot verify signature: algorithm unimplemented";
  int digest_nid = 0;
  int signed_with = 0;
  OBJ_find_sigid_algs(X509_get_signature_nid(child), &digest_nid, &signed_with);
  const int key_type = EVP_PKEY_get_base_id(key);
  if (signed_with != 0 && signed_with != key_type && !(signed_with == EVP_PKEY_RSA_PSS && key_type == EVP_PKEY_RSA)) {
    return "x509: signature algorithm specifies an " + go_algorithm_name(signed_with) +
           " public key, but have public key of type " + go_key_type(key_type);
  }
  const int verified = X509_verify(child, key);
  ERR_clear_error();
  if (verified == 1) return std::nullopt;
  switch (key_type) {
    case EVP_PKEY_RSA: return "crypto/rsa: verification error";
    case EVP_PKEY_EC: return "x509: ECDSA verification failure";
    case EVP_PKEY_ED25519: return "x509: Ed25519 verification failure";
    default: return "x509: signature verification failure";
  }
}

std::string authority_name(X509* certificate) {
  CertificateIdentity identity = identity_of(certificate);
  if (!identity.common_name.empty()) return identity.common_name;
  if (!identity.organizations.empty()) return identity.organizations.front();
  return "serial:" + decimal_serial(certificate);
}

struct ChainSearch {
  const std::vector<X509Ptr>& roots;
  std::vector<X509*> intermediates;
  std::chrono::system_clock::time_point now;
  int signature_checks = 0;

  // CertPool.findPotentialParents: same subject as the child's issuer, key-id matches first.
  std::vector<X509*> potential_parents(X509* child, const std::vector<X509*>& pool) const {
    std::vector<X509*> matching, one_id, mismatching;
    const ASN1_OCTET_STRING* authority_id = X509_get0_authority_key_id(child);
    for (X509* candidate : pool) {
      if (X509_NAME_cmp(X509_get_subject_name(candidate), X509_get_issuer_name(child)) != 0) continue;
      const ASN1_OCTET_STRING* subject_id = X509_get0_subject_key_id(candidate);
      const bool has_subject_id = subject_id != nullptr && ASN1_STRING_length(subject_id) > 0;
      const bool has_authority_id = authority_id != nullptr && ASN1_STRING_length(authority_id) > 0;
      if ((!has_subject_id && !has_authority_id) ||
          (has_subject_id && has_authority_id && ASN1_OCTET_STRING_cmp(subject_id, authority_id) == 0)) {
        matching.push_back(candidate);
      } else if (has_subject_id != has_authority_id) {
        one_id.push_back(candidate);
      } else {
        mismatching.push_back(candidate);
      }
    }
    matching.insert(matching.end(), one_id.begin(), one_id.end());
    matching.insert(matching.end(), mismatching.begin(), mismatching.end());
    return matching;
  }

  // isValid for an issuer: time, then CA-ness and path length.
  std::optional<std::string> issuer_error(X509* candidate, std::size_t chain_length) const {
    if (auto error = validity_error(candidate, now)) return error;
    if (X509_check_ca(candidate) == 0 || (X509_get_extension_flags(candidate) & EXFLAG_CA) == 0) {
      return std::string("x509: certificate is not authorized to sign other certificates");
    }
    const long max_path_length = X509_get_pathlen(candidate);
    if (max_path_length >= 0 && static_cast<long>(chain_length) - 1 > max_path_length) {
      return std::string("x509: too many intermediates for path length constraint");
    }
    return std::nullopt;
  }

  // buildChains: true when some chain reaches a root; otherwise `error` says why, as Go's would.
  bool build(std::vector<X509*>& chain, std::string& error) {
    X509* child = chain.back();
    std::optional<std::string> hint;
    X509* hint_certificate = nullptr;
    bool found = false;
    std::string child_error;
    auto consider = [&](X509* candidate, bool is_root) {
      for (X509* in_chain : chain) {
        if (X509_cmp(in_chain, candidate) == 0) return;
      }
      if (++signature_checks > 100) {
        child_error = "x509: signature check attempts limit reached while verifying certificate chain";
        return;
      }
      auto problem = signature_error(child, candidate);
      if (!problem) problem = issuer_error(candidate, chain.size());
      if (problem) {
        if (!hint) hint = std::move(problem), hint_certificate = candidate;
        return;
      }
      if (is_root) {
        found = true;
        return;
      }
      chain.push_back(candidate);
      std::string deeper;
      if (build(chain, deeper)) found = true;
      child_error = std::move(deeper);
      chain.pop_back();
    };
    std::vector<X509*> root_pointers;
    for (const X509Ptr& root : roots) root_pointers.push_back(root.get());
    for (X509* root : potential_parents(child, root_pointers)) consider(root, true);
    for (X509* intermediate : potential_parents(child, intermediates)) consider(intermediate, false);
    if (found) return true;
    if (!child_error.empty()) {
      error = std::move(child_error);
      return false;
    }
    error = "x509: certificate signed by unknown authority";
    if (hint) {
      error += " (possibly because of " + go::go_quote(*hint) + " while trying to verify candidate authority certificate " +
               go::go_quote(authority_name(hint_certificate)) + ")";
    }
    return false;
  }
};

// checkChainForKeyUsage with {ExtKeyUsageClientAuth}: every certificate that lists usages must list
// clientAuth or anyExtendedKeyUsage; one without the extension allows everything.
bool chain_allows_client_auth(STACK_OF(X509)* chain) {
  for (int i = 0; i < sk_X509_num(chain); ++i) {
    X509* certificate = sk_X509_value(chain, i);
    if ((X509_get_extension_flags(certificate) & EXFLAG_XKUSAGE) == 0) continue;
    if ((X509_get_extended_key_usage(certificate) & (XKU_SSL_CLIENT | XKU_ANYEKU)) == 0) return false;
  }
  return true;
}

// The leaf's validity was checked with Go's rule (now strictly after notAfter); OpenSSL's own check,
// one second stricter at the boundary, is not asked twice.
int ignore_leaf_time(int ok, X509_STORE_CTX* context) {
  if (ok == 0 && X509_STORE_CTX_get_error_depth(context) == 0) {
    const int error = X509_STORE_CTX_get_error(context);
    if (error == X509_V_ERR_CERT_HAS_EXPIRED || error == X509_V_ERR_CERT_NOT_YET_VALID) {
      X509_STORE_CTX_set_error(context, X509_V_OK);
      return 1;
    }
  }
  return ok;
}

// What Certificate.Verify returns: nullopt on success, else the error text.
std::optional<std::string> go_verify(const PeerCertificates& peer, const CertificatePool& roots,
                                     std::chrono::system_clock::time_point now) {
  X509* leaf = peer.chain().front().get();
  if (auto error = validity_error(leaf, now)) return error;

  openssl::X509StorePtr store(X509_STORE_new());
  if (!store) return openssl::drain_errors("x509: allocating a store");
  for (const X509Ptr& root : roots.certificates()) {
    if (X509_STORE_add_cert(store.get(), root.get()) != 1) ERR_clear_error();  // a duplicate is fine
  }
  struct StackFree {
    void operator()(STACK_OF(X509) * stack) const noexcept { sk_X509_free(stack); }
  };
  std::unique_ptr<STACK_OF(X509), StackFree> untrusted(sk_X509_new_null());
  if (!untrusted) return openssl::drain_errors("x509: allocating a stack");
  for (std::size_t i = 1; i < peer.chain().size(); ++i) sk_X509_push(untrusted.get(), peer.chain()[i].get());

  openssl::X509StoreCtxPtr context(X509_STORE_CTX_new());
  if (!context || X509_STORE_CTX_init(context.get(), store.get(), leaf, untrusted.get()) != 1) {
    return openssl::drain_errors("x509: initialising verification");
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(context.get());
  X509_VERIFY_PARAM_set_time(param, std::chrono::system_clock::to_time_t(now));
  // Go ends a chain at any certificate of the pool, self-signed or not.
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
  X509_STORE_CTX_set_verify_cb(context.get(), ignore_leaf_time);

  const bool verified = X509_verify_cert(context.get()) == 1;
  const int error = X509_STORE_CTX_get_error(context.get());
  const int depth = X509_STORE_CTX_get_error_depth(context.get());
  ERR_clear_error();
  if (verified) {
    if (!chain_allows_client_auth(X509_STORE_CTX_get0_chain(context.get()))) {
      return std::string("x509: certificate specifies an incompatible key usage");
    }
    return std::nullopt;
  }
  if (error == X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION && depth == 0) {
    return std::string("x509: unhandled critical extension");
  }
  ChainSearch search{roots.certificates(), {}, now};
  for (std::size_t i = 1; i < peer.chain().size(); ++i) search.intermediates.push_back(peer.chain()[i].get());
  std::vector<X509*> chain{leaf};
  std::string message;
  if (search.build(chain, message)) return std::string("x509: certificate signed by unknown authority");
  return message;
}

}  // namespace

Result<std::shared_ptr<const CertificatePool>> CertificatePool::from_pem(std::string_view pem,
                                                                         std::string_view origin) {
  try {
    auto certificates = parse_certificates(pem);
    if (!certificates) return Status::invalid_argument(std::string(origin) + ": " + certificates.status().message());
    if (certificates->empty()) return Status::invalid_argument(std::string(origin) + ": no certificate found");
    auto pool = std::make_shared<CertificatePool>();
    pool->pem_ = std::string(pem);
    pool->certificates_ = std::move(*certificates);
    return std::shared_ptr<const CertificatePool>(std::move(pool));
  } catch (const std::exception& e) {
    return Status::permanent(std::string(origin) + ": " + e.what());
  }
}

PeerCertificates PeerCertificates::from_ssl(const SSL* ssl) {
  PeerCertificates peer;
  if (ssl == nullptr) return peer;
  try {
    // A server's SSL_get_peer_cert_chain lacks the leaf, a client's starts with it: take the leaf
    // apart and skip it in the chain when it is there.
    X509* leaf = SSL_get0_peer_certificate(ssl);
    if (leaf == nullptr) return peer;
    X509Ptr leaf_reference = add_reference(leaf);
    if (!leaf_reference) return peer;
    peer.chain_.push_back(std::move(leaf_reference));
    STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl);
    for (int i = 0; chain != nullptr && i < sk_X509_num(chain); ++i) {
      X509* certificate = sk_X509_value(chain, i);
      if (i == 0 && X509_cmp(certificate, leaf) == 0) continue;
      if (X509Ptr reference = add_reference(certificate)) peer.chain_.push_back(std::move(reference));
    }
  } catch (const std::exception&) {
    peer.chain_.clear();  // out of memory: as if nothing was presented
  }
  return peer;
}

Result<PeerCertificates> PeerCertificates::from_pem(std::string_view pem) {
  try {
    auto certificates = parse_certificates(pem);
    if (!certificates) return certificates.status();
    PeerCertificates peer;
    peer.chain_ = std::move(*certificates);
    return peer;
  } catch (const std::exception& e) {
    return Status::permanent(std::string("peer certificates: ") + e.what());
  }
}

Result<CertificateIdentity> verify_client_certificate(const PeerCertificates& peer, const CertificatePool& roots,
                                                      std::chrono::system_clock::time_point now) {
  if (peer.empty()) return Status::invalid_argument("no client certificate was presented");
  try {
    X509* leaf = peer.chain().front().get();
    if (auto error = go_verify(peer, roots, now)) {
      return Status::permanent("verifying certificate " + certificate_identifier(leaf) + " failed: " + *error);
    }
    return identity_of(leaf);
  } catch (const std::exception& e) {
    ERR_clear_error();
    return Status::permanent(std::string("verifying a client certificate: ") + e.what());
  }
}

Result<CertificateIdentity> verify_client_certificate_cached(const PeerCertificates& peer,
                                                             const std::shared_ptr<const CertificatePool>& roots,
                                                             std::chrono::system_clock::time_point now) {
  constexpr auto kRemembered = std::chrono::seconds(10);
  auto& verified = peer.verified_;
  std::erase_if(verified, [&](const PeerCertificates::Verified& entry) {
    return entry.until <= now || entry.pool.expired();
  });
  for (const PeerCertificates::Verified& entry : verified) {
    if (entry.pool.lock() != roots) continue;
    if (!entry.status.is_ok()) return entry.status;
    return CertificateIdentity{entry.common_name, entry.organizations};
  }
  auto result = verify_client_certificate(peer, *roots, now);
  try {
    PeerCertificates::Verified entry{roots, now + kRemembered, result.is_ok() ? Status::ok() : result.status(), {}, {}};
    if (result) {
      entry.common_name = result->common_name;
      entry.organizations = result->organizations;
    }
    verified.push_back(std::move(entry));
  } catch (const std::exception&) {
    // Not remembered: the next request verifies again.
  }
  return result;
}

}  // namespace mpf::core::auth
