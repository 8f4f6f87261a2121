#include "core/serve/self_signed_pair.h"

#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

#include "core/net/cert_generator.h"

namespace mpf::core {
namespace {

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace

Result<ServingFiles> cert_dir_pair(const std::string& cert_dir, mpf::Logger& log) noexcept {
  try {
    const std::string dir = cert_dir.empty() ? std::string(".") : cert_dir;
    ServingFiles files{dir + "/apiserver.crt", dir + "/apiserver.key"};
    if (exists(files.certificate_file) && exists(files.private_key_file)) return files;

    std::error_code ec;
    if (!std::filesystem::exists(dir, ec)) {
      std::filesystem::create_directories(dir, ec);
      if (ec) return Status::invalid_argument("cannot create cert dir " + dir + ": " + ec.message());
      // Only a directory made here: an operator's existing directory keeps its mode.
      if (::chmod(dir.c_str(), 0700) != 0) {
        return Status::invalid_argument("cannot chmod cert dir " + dir + ": " + std::strerror(errno));
      }
    }

    const std::string stamp = std::to_string(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    CertificateRequest ca_request;
    ca_request.common_name = "localhost-ca@" + stamp;
    ca_request.is_ca = true;
    auto ca = generate_self_signed(ca_request);
    if (!ca) return Status::permanent("generating the serving CA: " + ca.status().message());
    CertificateRequest leaf_request;
    leaf_request.common_name = "localhost@" + stamp;
    leaf_request.dns_names = {"localhost"};
    leaf_request.ip_addresses = {"127.0.0.1"};
    auto leaf = issue_certificate(leaf_request, *ca);
    if (!leaf) return Status::permanent("generating the serving certificate: " + leaf.status().message());
    // The CA travels with the leaf so that clients given this file as their CA bundle can verify it.
    PemPair pair{leaf->certificate_pem + ca->certificate_pem, leaf->private_key_pem};
    if (Status st = write_pem_files(pair, files.certificate_file, files.private_key_file); !st.is_ok()) {
      return Status::invalid_argument("writing the self-signed serving certificate in " + dir + ": " + st.message());
    }
    if (::chmod(files.certificate_file.c_str(), 0600) != 0) {
      return Status::invalid_argument("cannot chmod " + files.certificate_file + ": " + std::strerror(errno));
    }
    log.info("Generated self-signed cert", {{"cert", files.certificate_file}, {"key", files.private_key_file}});
    return files;
  } catch (const std::exception& e) {
    return Status::permanent("preparing the serving certificate in " + cert_dir + ": " + e.what());
  }
}

}  // namespace mpf::core
