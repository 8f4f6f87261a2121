#include "core/auth/request_authenticator.h"

#include <algorithm>
#include <cctype>

namespace mpf::core::auth {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

bool istarts_with(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// headerValue: the first non-empty value of the first header name that has one.
std::string first_value(const HeaderList& headers, const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    for (const auto& [key, value] : headers) {
      if (iequals(key, name) && !value.empty()) return std::string(value);
    }
  }
  return {};
}

// allHeaderValues: every non-empty value of every listed header, in header-name order.
std::vector<std::string> all_values(const HeaderList& headers, const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const std::string& name : names) {
    for (const auto& [key, value] : headers) {
      if (iequals(key, name) && !value.empty()) out.emplace_back(value);
    }
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// unescapeExtraKey: url.PathUnescape, keeping the key as is when it does not decode.
std::string unescape_extra_key(const std::string& key) {
  std::string out;
  for (std::size_t i = 0; i < key.size(); ++i) {
    if (key[i] != '%') {
      out += key[i];
      continue;
    }
    if (i + 2 >= key.size()) return key;
    const int high = hex_value(key[i + 1]), low = hex_value(key[i + 2]);
    if (high < 0 || low < 0) return key;
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

std::vector<std::pair<std::string, std::vector<std::string>>> extra_values(const HeaderList& headers,
                                                                           const std::vector<std::string>& prefixes) {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  for (const std::string& prefix : prefixes) {
    for (const auto& [key, value] : headers) {
      if (!istarts_with(key, prefix) || key.size() == prefix.size()) continue;
      const std::string extra_key = unescape_extra_key(lower(key.substr(prefix.size())));
      auto it = std::find_if(out.begin(), out.end(), [&](const auto& entry) { return entry.first == extra_key; });
      if (it == out.end()) {
        out.emplace_back(extra_key, std::vector<std::string>{});
        it = std::prev(out.end());
      }
      it->second.emplace_back(value);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The Verifier of x509request: the certificate error alone, without the "verifying certificate ..."
// wrapping the client certificate authenticator adds.
std::string bare_verification_error(const std::string& message) {
  const std::size_t at = message.find(" failed: x509:");
  return at == std::string::npos ? message : message.substr(at + 9);
}

std::string aggregate(const std::vector<std::string>& errors) {
  if (errors.size() == 1) return errors.front();
  std::string out = "[";
  for (std::size_t i = 0; i < errors.size(); ++i) {
    if (i > 0) out += ", ";
    out += errors[i];
  }
  return out + "]";
}

// The token of "Authorization: Bearer <token>" (scheme case-insensitive), or "".
std::string bearer_token(const HeaderList& headers) {
  for (const auto& [key, value] : headers) {
    if (!iequals(key, "Authorization")) continue;
    std::string_view auth = value;
    while (!auth.empty() && auth.front() == ' ') auth.remove_prefix(1);
    while (!auth.empty() && auth.back() == ' ') auth.remove_suffix(1);
    const std::size_t space = auth.find(' ');
    if (space == std::string_view::npos || !iequals(auth.substr(0, space), "bearer")) return {};
    std::string_view token = auth.substr(space + 1);
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    return std::string(token);
  }
  return {};
}

AuthenticationResult anonymous() {
  AuthenticationResult result;
  result.outcome = AuthenticationResult::Outcome::kAnonymous;
  result.method = "anonymous";
  result.user.name = "system:anonymous";
  result.user.groups = {"system:unauthenticated"};
  return result;
}

AuthenticationResult authenticated(mpf::RequestUser user, std::string method) {
  AuthenticationResult result;
  result.outcome = AuthenticationResult::Outcome::kAuthenticated;
  result.method = std::move(method);
  result.user = std::move(user);
  add_authenticated_group(result.user);
  return result;
}

AuthenticationResult failed(const std::vector<std::string>& errors) {
  AuthenticationResult result;
  result.outcome = AuthenticationResult::Outcome::kFailed;
  result.error = aggregate(errors);
  return result;
}

const std::vector<std::string> kStandardIdentityHeaders{"x-remote-user", "x-remote-uid", "x-remote-group"};
constexpr std::string_view kStandardExtraPrefix = "x-remote-extra-";

}  // namespace

void add_authenticated_group(mpf::RequestUser& user) {
  if (std::find(user.groups.begin(), user.groups.end(), "system:authenticated") == user.groups.end()) {
    user.groups.emplace_back("system:authenticated");
  }
}

RequestAuthenticator::RequestAuthenticator(const AuthenticationSettingsSource& settings,
                                           std::shared_ptr<TokenAuthenticator> tokens)
    : settings_(settings), tokens_(std::move(tokens)) {}

void RequestAuthenticator::authenticate(const HeaderList& headers, const PeerCertificates& peer, Done done) const {
  const std::shared_ptr<const AuthenticationSettings> settings = settings_.current();
  std::vector<std::string> errors;
  const auto now = std::chrono::system_clock::now();

  if (settings->request_header && !peer.empty()) {
    const RequestHeaderSettings& header = *settings->request_header;
    auto identity = verify_client_certificate_cached(peer, header.ca, now);
    if (!identity) {
      errors.push_back(bare_verification_error(identity.status().message()));
    } else if (!header.allowed_names.empty() &&
               std::find(header.allowed_names.begin(), header.allowed_names.end(), identity->common_name) ==
                   header.allowed_names.end()) {
      errors.push_back("x509: subject with cn=" + identity->common_name + " is not in the allowed list");
    } else if (std::string name = first_value(headers, header.username_headers); !name.empty()) {
      mpf::RequestUser user;
      user.name = std::move(name);
      user.uid = first_value(headers, header.uid_headers);
      user.groups = all_values(headers, header.group_headers);
      user.extra = extra_values(headers, header.extra_headers_prefix);
      done(authenticated(std::move(user), "requestheader"));
      return;
    }
  }

  if (settings->client_ca && !peer.empty()) {
    auto identity = verify_client_certificate_cached(peer, settings->client_ca, now);
    if (!identity) {
      errors.push_back(identity.status().message());
    } else if (!identity->common_name.empty()) {
      mpf::RequestUser user;
      user.name = identity->common_name;
      user.groups = identity->organizations;
      done(authenticated(std::move(user), "x509"));
      return;
    }
  }

  std::string token = tokens_ ? bearer_token(headers) : std::string();
  if (token.empty()) {
    done(errors.empty() ? anonymous() : failed(errors));
    return;
  }
  tokens_->authenticate(token, [errors = std::move(errors), done = std::move(done)](Result<TokenVerdict> verdict) mutable {
    if (verdict && verdict->authenticated) {
      done(authenticated(std::move(verdict->user), "token"));
      return;
    }
    errors.push_back(verdict ? verdict->error : verdict.status().message());
    done(failed(errors));
  });
}

bool RequestAuthenticator::is_identity_header(std::string_view name) const {
  if (iequals(name, "Authorization")) return true;
  for (const std::string& standard : kStandardIdentityHeaders) {
    if (iequals(name, standard)) return true;
  }
  if (istarts_with(name, kStandardExtraPrefix)) return true;
  const std::shared_ptr<const AuthenticationSettings> settings = settings_.current();
  if (!settings->request_header) return false;
  const RequestHeaderSettings& header = *settings->request_header;
  for (const auto* list : {&header.username_headers, &header.group_headers, &header.uid_headers}) {
    for (const std::string& configured : *list) {
      if (iequals(name, configured)) return true;
    }
  }
  for (const std::string& prefix : header.extra_headers_prefix) {
    if (istarts_with(name, prefix)) return true;
  }
  return false;
}

}  // namespace mpf::core::auth
