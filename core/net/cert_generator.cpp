#include "core/net/cert_generator.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "core/net/openssl_handles.h"

namespace mpf::core {
namespace {

using namespace openssl;

Result<PkeyPtr> generate_key(KeyAlgorithm algorithm) {
  PkeyPtr key(algorithm == KeyAlgorithm::kRsa2048 ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256"));
  if (!key) return Status::permanent(drain_errors("generating a private key"));
  return key;
}

Status add_name_entries(X509_NAME* name, const CertificateRequest& request) {
  auto add = [name](const char* field, const std::string& value) {
    return X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(value.c_str()),
                                      -1, -1, 0) == 1;
  };
  for (const std::string& o : request.organizations) {
    if (!add("O", o)) return Status::invalid_argument(drain_errors("organization \"" + o + "\""));
  }
  if (!request.common_name.empty() && !add("CN", request.common_name)) {
    return Status::invalid_argument(drain_errors("common name \"" + request.common_name + "\""));
  }
  return Status::ok();
}

Status add_extension(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  X509ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return Status::permanent(drain_errors(std::string("adding extension ") + OBJ_nid2sn(nid) + "=" + value));
  }
  return Status::ok();
}

Status add_subject_alt_names(X509* cert, const CertificateRequest& request) {
  if (request.dns_names.empty() && request.ip_addresses.empty()) return Status::ok();
  GeneralNamesPtr names(sk_GENERAL_NAME_new_null());
  if (!names) return Status::permanent(drain_errors("allocating subjectAltName"));
  for (const std::string& dns : request.dns_names) {
    GeneralNamePtr name(GENERAL_NAME_new());
    ASN1_IA5STRING* text = ASN1_IA5STRING_new();
    if (!name || !text || ASN1_STRING_set(text, dns.data(), static_cast<int>(dns.size())) != 1) {
      ASN1_IA5STRING_free(text);
      return Status::permanent(drain_errors("subjectAltName DNS \"" + dns + "\""));
    }
    GENERAL_NAME_set0_value(name.get(), GEN_DNS, text);
    if (sk_GENERAL_NAME_push(names.get(), name.get()) == 0) return Status::permanent(drain_errors("subjectAltName"));
    name.release();
  }
  for (const std::string& ip : request.ip_addresses) {
    // a2i_IPADDRESS parses both families into the 4- or 16-byte form the SAN needs.
    Asn1OctetStringPtr octets(a2i_IPADDRESS(ip.c_str()));
    if (!octets) {
      ERR_clear_error();
      return Status::invalid_argument("subjectAltName IP \"" + ip + "\" is not an IPv4 or IPv6 address");
    }
    GeneralNamePtr name(GENERAL_NAME_new());
    if (!name) return Status::permanent(drain_errors("allocating subjectAltName"));
    GENERAL_NAME_set0_value(name.get(), GEN_IPADD, octets.release());
    if (sk_GENERAL_NAME_push(names.get(), name.get()) == 0) return Status::permanent(drain_errors("subjectAltName"));
    name.release();
  }
  // RFC 5280 4.2.1.6: with an empty subject the SAN must be critical (Go rejects it otherwise).
  const int critical = request.common_name.empty() && request.organizations.empty() ? 1 : 0;
  if (X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), critical, X509V3_ADD_DEFAULT) != 1) {
    return Status::permanent(drain_errors("adding subjectAltName"));
  }
  return Status::ok();
}

std::string key_usage(const CertificateRequest& request) {
  if (request.is_ca) return "critical,digitalSignature,keyCertSign,cRLSign";
  // RSA key exchange (TLS 1.2 RSA suites) needs keyEncipherment; ECDSA keys only ever sign.
  return request.key_algorithm == KeyAlgorithm::kRsa2048 ? "critical,digitalSignature,keyEncipherment"
                                                         : "critical,digitalSignature";
}

// Builds and signs the certificate. issuer_cert == nullptr means self-signed with `key`.
Result<PemPair> build(const CertificateRequest& request, X509* issuer_cert, EVP_PKEY* issuer_key) {
  if (request.validity.count() <= 0) return Status::invalid_argument("certificate validity must be positive");
  auto key = generate_key(request.key_algorithm);
  if (!key) return key.status();
  EVP_PKEY* signing_key = issuer_key != nullptr ? issuer_key : key->get();

  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1) {
    return Status::permanent(drain_errors("allocating a certificate"));
  }
  // 159 random bits: positive, unique in practice, and within RFC 5280's 20-octet limit.
  BignumPtr serial_bn(BN_new());
  if (!serial_bn || BN_rand(serial_bn.get(), 159, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1) {
    return Status::permanent(drain_errors("generating a serial number"));
  }
  Asn1IntegerPtr serial(BN_to_ASN1_INTEGER(serial_bn.get(), nullptr));
  if (!serial || X509_set_serialNumber(cert.get(), serial.get()) != 1) {
    return Status::permanent(drain_errors("setting the serial number"));
  }
  // notBefore an hour back tolerates clock skew between the generating and the verifying host.
  const long validity_seconds = static_cast<long>(std::chrono::seconds(request.validity).count());
  if (X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert.get()), validity_seconds) == nullptr) {
    return Status::permanent(drain_errors("setting the validity period"));
  }
  if (Status st = add_name_entries(X509_get_subject_name(cert.get()), request); !st.is_ok()) return st;
  X509_NAME* issuer_name =
      issuer_cert != nullptr ? X509_get_subject_name(issuer_cert) : X509_get_subject_name(cert.get());
  if (X509_set_issuer_name(cert.get(), issuer_name) != 1 || X509_set_pubkey(cert.get(), key->get()) != 1) {
    return Status::permanent(drain_errors("setting issuer and public key"));
  }

  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer_cert != nullptr ? issuer_cert : cert.get(), cert.get(), nullptr, nullptr, 0);
  const std::string usage = key_usage(request);
  Status st = add_extension(cert.get(), &ctx, NID_basic_constraints,
                            request.is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  if (st.is_ok()) st = add_extension(cert.get(), &ctx, NID_key_usage, usage.c_str());
  // A CA gets no extKeyUsage: Go intersects EKUs down the chain, and "none" means "any".
  if (st.is_ok() && !request.is_ca && (request.server_auth || request.client_auth)) {
    const char* eku = request.server_auth && request.client_auth ? "serverAuth,clientAuth"
                      : request.server_auth                      ? "serverAuth"
                                                                 : "clientAuth";
    st = add_extension(cert.get(), &ctx, NID_ext_key_usage, eku);
  }
  if (st.is_ok()) st = add_extension(cert.get(), &ctx, NID_subject_key_identifier, "hash");
  if (st.is_ok() && issuer_cert != nullptr) {
    st = add_extension(cert.get(), &ctx, NID_authority_key_identifier, "keyid:always");
  }
  if (st.is_ok()) st = add_subject_alt_names(cert.get(), request);
  if (!st.is_ok()) return st;

  if (X509_sign(cert.get(), signing_key, EVP_sha256()) == 0) {
    return Status::permanent(drain_errors("signing the certificate"));
  }

  BioPtr cert_bio(BIO_new(BIO_s_mem()));
  BioPtr key_bio(BIO_new(BIO_s_mem()));
  if (!cert_bio || !key_bio || PEM_write_bio_X509(cert_bio.get(), cert.get()) != 1 ||
      PEM_write_bio_PrivateKey(key_bio.get(), key->get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return Status::permanent(drain_errors("encoding PEM"));
  }
  auto text = [](BIO* bio) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(size));
  };
  return PemPair{text(cert_bio.get()), text(key_bio.get())};
}

Status write_file(const std::string& path, const std::string& content, mode_t mode) {
  const std::string temporary = path + ".tmp" + std::to_string(::getpid());
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Status::permanent("cannot create " + temporary + ": " + std::strerror(errno));
  // fchmod because open's mode is filtered through the umask; a key must end up 0600 exactly.
  bool ok = ::fchmod(fd, mode) == 0;
  std::size_t written = 0;
  while (ok && written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) written += static_cast<std::size_t>(n);
  }
  const int saved_errno = errno;
  if (::close(fd) != 0) ok = false;
  if (!ok || std::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(ok ? errno : saved_errno);
    ::unlink(temporary.c_str());
    return Status::permanent("cannot write " + path + ": " + reason);
  }
  return Status::ok();
}

}  // namespace

Result<PemPair> generate_self_signed(const CertificateRequest& request) noexcept {
  try {
    ERR_clear_error();
    return build(request, nullptr, nullptr);
  } catch (const std::exception& e) {  // std::bad_alloc from the strings
    return Status::permanent(std::string("generating a certificate: ") + e.what());
  }
}

Result<PemPair> issue_certificate(const CertificateRequest& request, const PemPair& issuer) noexcept {
  try {
    ERR_clear_error();
    BioPtr cert_bio = memory_bio(issuer.certificate_pem);
    X509Ptr issuer_cert(cert_bio ? PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!issuer_cert) return Status::invalid_argument(drain_errors("issuer certificate: not a PEM certificate"));
    BioPtr key_bio = memory_bio(issuer.private_key_pem);
    PkeyPtr issuer_key(key_bio ? PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!issuer_key) return Status::invalid_argument(drain_errors("issuer key: not a PEM private key"));
    if (X509_check_private_key(issuer_cert.get(), issuer_key.get()) != 1) {
      return Status::invalid_argument(drain_errors("issuer key does not match the issuer certificate"));
    }
    if (X509_check_ca(issuer_cert.get()) == 0) {
      return Status::invalid_argument("issuer certificate is not a CA (basicConstraints CA:FALSE or missing)");
    }
    return build(request, issuer_cert.get(), issuer_key.get());
  } catch (const std::exception& e) {
    return Status::permanent(std::string("issuing a certificate: ") + e.what());
  }
}

Status write_pem_files(const PemPair& pair, const std::string& cert_path, const std::string& key_path) noexcept {
  try {
    // The key first: a watcher that sees the new certificate must find the matching key already there.
    if (Status st = write_file(key_path, pair.private_key_pem, 0600); !st.is_ok()) return st;
    return write_file(cert_path, pair.certificate_pem, 0644);
  } catch (const std::exception& e) {
    return Status::permanent(std::string("writing PEM files: ") + e.what());
  }
}

}  // namespace mpf::core
