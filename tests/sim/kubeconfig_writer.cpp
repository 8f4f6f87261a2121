#include "tests/sim/kubeconfig_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <set>

namespace mpf::sim {
namespace {

// A YAML double-quoted scalar (JSON string syntax is valid YAML).
std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default: out.push_back(c);
    }
  }
  out += '"';
  return out;
}

}  // namespace

std::string base64_encode(std::string_view data) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    const uint32_t v = (static_cast<uint8_t>(data[i]) << 16) | (static_cast<uint8_t>(data[i + 1]) << 8) |
                       static_cast<uint8_t>(data[i + 2]);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i + 1 == data.size()) {
    const uint32_t v = static_cast<uint8_t>(data[i]) << 16;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == data.size()) {
    const uint32_t v = (static_cast<uint8_t>(data[i]) << 16) | (static_cast<uint8_t>(data[i + 1]) << 8);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string render_kubeconfig(const KubeconfigSpec& spec) {
  std::string y;
  y += "apiVersion: v1\nkind: Config\npreferences: {}\n";
  y += "clusters:\n- name: " + quote(spec.cluster_name) + "\n  cluster:\n    server: " + quote(spec.server) + "\n";
  if (!spec.ca_pem.empty()) y += "    certificate-authority-data: " + base64_encode(spec.ca_pem) + "\n";
  if (spec.insecure_skip_tls_verify) y += "    insecure-skip-tls-verify: true\n";
  y += "users:\n- name: " + quote(spec.user_name) + "\n  user:";
  if (spec.token.empty() && spec.client_cert_pem.empty()) {
    y += " {}\n";
  } else {
    y += "\n";
    if (!spec.token.empty()) y += "    token: " + quote(spec.token) + "\n";
    if (!spec.client_cert_pem.empty()) {
      y += "    client-certificate-data: " + base64_encode(spec.client_cert_pem) + "\n";
      y += "    client-key-data: " + base64_encode(spec.client_key_pem) + "\n";
    }
  }
  y += "contexts:\n- name: " + quote(spec.context_name) + "\n  context:\n    cluster: " + quote(spec.cluster_name) +
       "\n    user: " + quote(spec.user_name) + "\n";
  if (!spec.namespace_name.empty()) y += "    namespace: " + quote(spec.namespace_name) + "\n";
  y += "current-context: " + quote(spec.context_name) + "\n";
  return y;
}


Status write_kubeconfig(const KubeconfigSpec& spec, const std::string& path) {
  // The file holds a credential: private to the user.
  return write_file_atomically(path, render_kubeconfig(spec), 0600);
}

std::string kubeconfig_file_name(std::string_view user_name) {
  std::string out;
  for (char c : user_name) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                      c == '_' || c == '-';
    out += keep ? c : '_';
  }
  return out + ".kubeconfig";
}

Status write_user_kubeconfigs(const KubeconfigSpec& base, const std::vector<std::pair<std::string, std::string>>& tokens,
                              const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::permanent(dir + ": " + ec.message());
  std::set<std::string> written;
  for (const auto& [token, user] : tokens) {
    if (!written.insert(user).second) continue;
    KubeconfigSpec spec = base;
    spec.token = token;
    spec.user_name = user;
    if (Status st = write_kubeconfig(spec, dir + "/" + kubeconfig_file_name(user)); !st.is_ok()) return st;
  }
  return Status::ok();
}

}  // namespace mpf::sim
