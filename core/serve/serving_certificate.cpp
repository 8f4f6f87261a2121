#include "core/serve/serving_certificate.h"

#include <sys/stat.h>

#include "core/net/tls_context_factory.h"
#include "core/serve/tls_server_context.h"

namespace mpf::core {

namespace ssl = boost::asio::ssl;

Result<std::unique_ptr<ServingCertificate>> ServingCertificate::open(
    const mpf::ServingOptions& options, mpf::Logger& log, std::chrono::steady_clock::duration recheck_interval) noexcept {
  try {
    auto settings = tls_settings_for(options, log);
    if (!settings) return settings.status();
    if (options.cert_file.empty() != options.key_file.empty()) {
      return Status::invalid_argument("serving certificate and key files must be given together (cert: \"" +
                                      options.cert_file + "\", key: \"" + options.key_file + "\")");
    }
    ServingFiles files{options.cert_file, options.key_file};
    if (files.certificate_file.empty()) {
      auto generated = cert_dir_pair(options.cert_dir, log);
      if (!generated) return generated.status();
      files = std::move(generated).value();
    }
    std::unique_ptr<ServingCertificate> made(new ServingCertificate(std::move(files), std::move(settings).value(), log,
                                                                       recheck_interval));
    // Stamped before reading: a change racing with this load is then seen as a change on the next check.
    made->cert_stamp_ = stamp_of(made->files_.certificate_file);
    made->key_stamp_ = stamp_of(made->files_.private_key_file);
    auto context = made->load();
    if (!context) return context.status();
    made->context_ = std::move(context).value();
    made->next_check_ = std::chrono::steady_clock::now() + recheck_interval;
    return made;
  } catch (const std::exception& e) {
    return Status::permanent(std::string("loading the serving certificate: ") + e.what());
  }
}

Result<TlsServerSettings> ServingCertificate::tls_settings_for(const mpf::ServingOptions& options, mpf::Logger& log) {
  TlsServerSettings settings;
  auto min_version = parse_min_tls_version(options.min_tls_version);
  if (!min_version) return min_version.status();
  settings.min_version = *min_version;
  auto ciphers = tls12_cipher_list(options.cipher_suites);
  if (!ciphers) return Status::invalid_argument("--tls-cipher-suites: " + ciphers.status().message());
  settings.cipher_list = std::move(ciphers).value();
  auto groups = tls_group_list(options.curve_preferences);
  if (!groups) return Status::invalid_argument("--tls-curve-preferences: " + groups.status().message());
  settings.groups = std::move(groups).value();
  settings.request_client_certificate = options.auth.enabled;

  if (is_legacy_tls_version(settings.min_version)) {
    log.warn("TLS versions below 1.2 are enabled; they are deprecated (RFC 8996)",
             {{"tls-min-version", options.min_tls_version}});
  }
  for (const std::string& name : options.cipher_suites) {
    const GoCipherSuite* suite = find_go_cipher_suite(name);
    if (suite != nullptr && suite->insecure) log.warn("Use of insecure cipher detected", {{"cipher", name}});
  }
  return settings;
}

ServingCertificate::ServingCertificate(ServingFiles files, TlsServerSettings settings, mpf::Logger& log,
                                       std::chrono::steady_clock::duration recheck_interval)
    : files_(std::move(files)), settings_(std::move(settings)), log_(log), recheck_interval_(recheck_interval) {}

ServingCertificate::Stamp ServingCertificate::stamp_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Stamp{};
  return Stamp{st.st_dev, st.st_ino, st.st_size,
               static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
}

Result<std::shared_ptr<ssl::context>> ServingCertificate::load() const {
  auto cert = read_text_file(files_.certificate_file, "serving certificate");
  if (!cert) return cert.status();
  auto key = read_text_file(files_.private_key_file, "serving key");
  if (!key) return key.status();
  return make_tls_server_context(
      ServingPem{std::move(cert).value(), files_.certificate_file, std::move(key).value(), files_.private_key_file},
      settings_);
}

std::shared_ptr<ssl::context> ServingCertificate::current() noexcept {
  std::lock_guard lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (now < next_check_) return context_;
  next_check_ = now + recheck_interval_;
  const Stamp cert = stamp_of(files_.certificate_file);
  const Stamp key = stamp_of(files_.private_key_file);
  if (cert == cert_stamp_ && key == key_stamp_) return context_;
  // Remembered whatever the outcome, so a broken pair is tried (and logged) once, not on every
  // connection; the next change to either file tries again.
  cert_stamp_ = cert;
  key_stamp_ = key;
  try {
    auto loaded = load();
    if (loaded) {
      context_ = std::move(loaded).value();
      reloads_.fetch_add(1);
      log_.info("Loaded a new serving certificate", {{"cert", files_.certificate_file}, {"key", files_.private_key_file}});
    } else {
      reload_failures_.fetch_add(1);
      log_.warn("Keeping the previous serving certificate", {{"error", loaded.status().message()}});
    }
  } catch (const std::exception& e) {  // allocation failure: keep serving with what we have
    reload_failures_.fetch_add(1);
  }
  return context_;
}

}  // namespace mpf::core
