#include "tests/sim/fake_apiserver_auth.h"

#include <rapidjson/document.h>
#include <rapidjson/writer.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include "tests/sim/json_sink.h"

namespace mpf::sim {
namespace {

using JsonWriter = rapidjson::Writer<JsonStringSink>;

void add_group(UserInfo& user, const std::string& group) {
  if (std::find(user.groups.begin(), user.groups.end(), group) == user.groups.end()) user.groups.push_back(group);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Splits one CSV line (RFC 4180 quoting, as encoding/csv reads kube-apiserver's token file).
std::vector<std::string> csv_fields(std::string_view line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

void write_string(JsonWriter& w, const std::string& s) { w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size())); }

void write_user(JsonWriter& w, const UserInfo& user) {
  w.StartObject();
  w.Key("username");
  write_string(w, user.name);
  if (!user.uid.empty()) {
    w.Key("uid");
    write_string(w, user.uid);
  }
  if (!user.groups.empty()) {
    w.Key("groups");
    w.StartArray();
    for (const std::string& g : user.groups) write_string(w, g);
    w.EndArray();
  }
  if (!user.extra.empty()) {
    w.Key("extra");
    w.StartObject();
    for (const auto& [k, values] : user.extra) {
      write_string(w, k);
      w.StartArray();
      for (const std::string& v : values) write_string(w, v);
      w.EndArray();
    }
    w.EndObject();
  }
  w.EndObject();
}

std::string serialize(const rapidjson::Value& value) {
  std::string out;
  JsonStringSink sink(out);
  JsonWriter w(sink);
  value.Accept(w);
  return out;
}

// The review document, checked for kind and apiVersion, with an object `spec`.
Result<const rapidjson::Value*> review_spec(rapidjson::Document& doc, std::string_view body, const char* kind,
                                            const char* api_version) {
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return Status::invalid_argument(std::string("couldn't get version/kind; json parse error: ") +
                                    (doc.HasParseError() ? "invalid JSON at offset " + std::to_string(doc.GetErrorOffset())
                                                         : std::string("not an object")));
  }
  const auto k = doc.FindMember("kind");
  const auto v = doc.FindMember("apiVersion");
  if (k == doc.MemberEnd() || !k->value.IsString() || std::string_view(k->value.GetString()) != kind ||
      v == doc.MemberEnd() || !v->value.IsString() || std::string_view(v->value.GetString()) != api_version) {
    return Status::invalid_argument(std::string("the body of the request was in an unknown format; want kind ") + kind +
                                    ", apiVersion " + api_version);
  }
  const auto spec = doc.FindMember("spec");
  if (spec == doc.MemberEnd() || !spec->value.IsObject()) return Status::invalid_argument("spec: Required value");
  return &spec->value;
}

std::string string_member(const rapidjson::Value& object, const char* name) {
  const auto it = object.FindMember(name);
  return it != object.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString(), it->value.GetStringLength())
                                                           : std::string();
}

Status string_array(const rapidjson::Value& object, const char* name, std::vector<std::string>& out) {
  const auto it = object.FindMember(name);
  if (it == object.MemberEnd() || it->value.IsNull()) return Status::ok();
  if (!it->value.IsArray()) return Status::invalid_argument(std::string(name) + ": want a list of strings");
  for (const auto& item : it->value.GetArray()) {
    if (!item.IsString()) return Status::invalid_argument(std::string(name) + ": want a list of strings");
    out.emplace_back(item.GetString(), item.GetStringLength());
  }
  return Status::ok();
}

}  // namespace

UserInfo anonymous_user() { return UserInfo{kAnonymousUser, "", {kUnauthenticatedGroup}, {}}; }

UserInfo authenticated(UserInfo user) {
  constexpr std::string_view kServiceAccountPrefix = "system:serviceaccount:";
  if (user.name.compare(0, kServiceAccountPrefix.size(), kServiceAccountPrefix) == 0) {
    const std::string rest = user.name.substr(kServiceAccountPrefix.size());
    const size_t colon = rest.find(':');
    if (colon != std::string::npos && colon > 0) {
      add_group(user, "system:serviceaccounts");
      add_group(user, "system:serviceaccounts:" + rest.substr(0, colon));
    }
  }
  if (user.name != kAnonymousUser) add_group(user, kAuthenticatedGroup);
  return user;
}

UserInfo certificate_user(const std::string& common_name, const std::vector<std::string>& organizations) {
  return authenticated(UserInfo{common_name, "", organizations, {}});
}

void UserTable::add(const std::string& token, UserInfo user) {
  resolved_[token] = authenticated(user);
  raw_[token] = std::move(user);
}

const UserInfo* UserTable::find(const std::string& token) const {
  const auto it = resolved_.find(token);
  return it == resolved_.end() ? nullptr : &it->second;
}

Result<UserTable> UserTable::parse(std::string_view text) {
  UserTable table;
  const bool yaml = text.find("users:") != std::string_view::npos;
  if (!yaml) {
    // --token-auth-file: token,user,uid[,"group1,group2"]
    std::istringstream in{std::string(text)};
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
      ++number;
      line = trim(line);
      if (line.empty() || line[0] == '#') continue;
      const std::vector<std::string> f = csv_fields(line);
      if (f.size() < 3 || trim(f[0]).empty() || trim(f[1]).empty()) {
        return Status::invalid_argument("users line " + std::to_string(number) + ": want token,user,uid[,\"groups\"]");
      }
      UserInfo user{trim(f[1]), trim(f[2]), {}, {}};
      if (f.size() > 3) {
        std::istringstream groups(f[3]);
        for (std::string g; std::getline(groups, g, ',');) {
          if (!trim(g).empty()) user.groups.push_back(trim(g));
        }
      }
      table.add(trim(f[0]), std::move(user));
    }
    return table;
  }
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    const YAML::Node users = root["users"];
    if (!users || !users.IsSequence()) return Status::invalid_argument("users: want a list under \"users:\"");
    size_t index = 0;
    for (const auto& u : users) {
      const std::string at = "users[" + std::to_string(index++) + "]";
      if (!u.IsMap() || !u["token"] || !u["username"]) return Status::invalid_argument(at + ": want token and username");
      UserInfo user;
      user.name = u["username"].as<std::string>();
      if (u["uid"]) user.uid = u["uid"].as<std::string>();
      if (u["groups"]) {
        for (const auto& g : u["groups"]) user.groups.push_back(g.as<std::string>());
      }
      if (u["extra"]) {
        for (const auto& kv : u["extra"]) {
          auto& values = user.extra[kv.first.as<std::string>()];
          if (kv.second.IsSequence()) {
            for (const auto& v : kv.second) values.push_back(v.as<std::string>());
          } else {
            values.push_back(kv.second.as<std::string>());
          }
        }
      }
      const std::string token = u["token"].as<std::string>();
      if (token.empty() || user.name.empty()) return Status::invalid_argument(at + ": empty token or username");
      table.add(token, std::move(user));
    }
  } catch (const std::exception& e) {
    return Status::invalid_argument(std::string("users: ") + e.what());
  }
  return table;
}

Result<UserTable> UserTable::load_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::invalid_argument("--users " + path + ": cannot read");
  std::stringstream s;
  s << in.rdbuf();
  auto table = parse(s.str());
  if (!table) return Status::invalid_argument("--users " + path + ": " + table.status().message());
  return table;
}

AccessAttributes request_attributes(std::string_view method, const std::string& path,
                                    const std::map<std::string, std::string>& query) {
  AccessAttributes a;
  a.resource_request = false;
  a.path = path;
  a.verb = lower(method);
  std::vector<std::string> parts;
  for (size_t i = 0; i < path.size();) {
    const size_t end = std::min(path.find('/', i), path.size());
    if (end > i) parts.push_back(path.substr(i, end - i));
    i = end + 1;
  }
  if (parts.size() < 3 || (parts[0] != "api" && parts[0] != "apis")) return a;
  size_t at = 1;
  std::string group;
  if (parts[0] == "apis") {
    if (parts.size() < 4) return a;
    group = parts[at++];
  }
  a.resource_request = true;
  a.api_group = group;
  a.api_version = parts[at++];
  std::vector<std::string> rest(parts.begin() + static_cast<ptrdiff_t>(at), parts.end());
  if (!rest.empty() && (rest[0] == "watch" || rest[0] == "proxy")) {
    if (rest.size() < 2) return a;
    a.verb = rest[0];
    rest.erase(rest.begin());
  } else if (method == "POST") {
    a.verb = "create";
  } else if (method == "GET" || method == "HEAD") {
    a.verb = "get";
  } else if (method == "PUT") {
    a.verb = "update";
  } else if (method == "PATCH") {
    a.verb = "patch";
  } else if (method == "DELETE") {
    a.verb = "delete";
  } else {
    a.verb = "";
  }
  if (!rest.empty() && rest[0] == "namespaces") {
    if (rest.size() > 1) {
      a.namespace_name = rest[1];
      if (rest.size() > 2 && rest[2] != "status" && rest[2] != "finalize") rest.erase(rest.begin(), rest.begin() + 2);
    }
  }
  if (rest.size() >= 3 && a.verb != "proxy") a.subresource = rest[2];
  if (rest.size() >= 2) a.name = rest[1];
  if (!rest.empty()) a.resource = rest[0];
  if (a.name.empty() && a.verb == "get") {
    const auto watch = query.find("watch");
    a.verb = watch != query.end() && (watch->second == "true" || watch->second == "1") ? "watch" : "list";
    // A list or watch of one object by fieldSelector metadata.name=X is authorized as that name.
    const auto fs = query.find("fieldSelector");
    if (fs != query.end()) {
      std::string name;
      int exact = 0;
      std::istringstream terms(fs->second);
      for (std::string term; std::getline(terms, term, ',');) {
        for (const char* op : {"metadata.name==", "metadata.name="}) {
          if (term.rfind(op, 0) == 0) {
            name = term.substr(std::string_view(op).size());
            ++exact;
            break;
          }
        }
      }
      if (exact == 1 && !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos &&
          name.find('%') == std::string::npos) {
        a.name = name;
      }
    }
  }
  if (a.name.empty() && a.verb == "delete") a.verb = "deletecollection";
  return a;
}

std::string unauthorized_status_json() {
  return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"Unauthorized\","
         "\"reason\":\"Unauthorized\",\"code\":401}";
}

std::string forbidden_message(const std::string& user, const AccessAttributes& a, const std::string& reason) {
  std::string msg;
  if (!a.resource_request) {
    msg = "User \"" + user + "\" cannot " + a.verb + " path \"" + a.path + "\"";
  } else {
    const std::string resource = a.subresource.empty() ? a.resource : a.resource + "/" + a.subresource;
    msg = "User \"" + user + "\" cannot " + a.verb + " resource \"" + resource + "\" in API group \"" + a.api_group + "\"";
    msg += a.namespace_name.empty() ? " at the cluster scope" : " in the namespace \"" + a.namespace_name + "\"";
  }
  if (!reason.empty()) msg += ": " + reason;
  // apierrors.NewForbidden(GroupResource{group, resource}, name, err).
  std::string qualified;
  if (a.resource_request) qualified = a.api_group.empty() ? a.resource : a.resource + "." + a.api_group;
  if (qualified.empty()) return "forbidden: " + msg;
  if (a.name.empty()) return qualified + " is forbidden: " + msg;
  return qualified + " \"" + a.name + "\" is forbidden: " + msg;
}

std::string forbidden_status_json(const std::string& user, const AccessAttributes& a, const std::string& reason) {
  std::string out;
  JsonStringSink sink(out);
  JsonWriter w(sink);
  w.StartObject();
  w.Key("kind");
  w.String("Status");
  w.Key("apiVersion");
  w.String("v1");
  w.Key("metadata");
  w.StartObject();
  w.EndObject();
  w.Key("status");
  w.String("Failure");
  w.Key("message");
  write_string(w, forbidden_message(user, a, reason));
  w.Key("reason");
  w.String("Forbidden");
  w.Key("details");
  w.StartObject();
  if (a.resource_request && !a.name.empty()) {
    w.Key("name");
    write_string(w, a.name);
  }
  if (a.resource_request && !a.api_group.empty()) {
    w.Key("group");
    write_string(w, a.api_group);
  }
  if (a.resource_request && !a.resource.empty()) {
    w.Key("kind");
    write_string(w, a.resource);
  }
  w.EndObject();
  w.Key("code");
  w.Int(403);
  w.EndObject();
  return out;
}

Result<TokenReviewRequest> parse_token_review(std::string_view body) {
  rapidjson::Document doc;
  auto spec = review_spec(doc, body, "TokenReview", "authentication.k8s.io/v1");
  if (!spec) return spec.status();
  TokenReviewRequest r;
  r.token = string_member(**spec, "token");
  if (Status st = string_array(**spec, "audiences", r.audiences); !st.is_ok()) return st;
  r.spec_json = serialize(**spec);
  return r;
}

Result<AccessReviewRequest> parse_access_review(std::string_view body) {
  rapidjson::Document doc;
  auto spec_result = review_spec(doc, body, "SubjectAccessReview", "authorization.k8s.io/v1");
  if (!spec_result) return spec_result.status();
  const rapidjson::Value& spec = **spec_result;
  AccessReviewRequest r;
  r.user.name = string_member(spec, "user");
  r.user.uid = string_member(spec, "uid");
  if (Status st = string_array(spec, "groups", r.user.groups); !st.is_ok()) return st;
  if (const auto extra = spec.FindMember("extra"); extra != spec.MemberEnd() && extra->value.IsObject()) {
    for (const auto& kv : extra->value.GetObject()) {
      auto& values = r.user.extra[kv.name.GetString()];
      if (!kv.value.IsArray()) return Status::invalid_argument("extra: want lists of strings");
      for (const auto& v : kv.value.GetArray()) {
        if (v.IsString()) values.emplace_back(v.GetString(), v.GetStringLength());
      }
    }
  }
  const auto res = spec.FindMember("resourceAttributes");
  const auto non = spec.FindMember("nonResourceAttributes");
  const bool has_res = res != spec.MemberEnd() && res->value.IsObject();
  const bool has_non = non != spec.MemberEnd() && non->value.IsObject();
  // ValidateSubjectAccessReviewSpec.
  if (has_res == has_non) {
    return Status::invalid_argument(has_res ? "spec.nonResourceAttributes: Invalid value: cannot be specified in combination with resourceAttributes"
                                            : "spec.resourceAttributes: Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified");
  }
  if (r.user.name.empty() && r.user.groups.empty()) {
    return Status::invalid_argument("spec.user: Invalid value: \"\": at least one of user or group must be specified");
  }
  AccessAttributes& a = r.attributes;
  if (has_res) {
    const rapidjson::Value& v = res->value;
    a.resource_request = true;
    a.namespace_name = string_member(v, "namespace");
    a.verb = string_member(v, "verb");
    a.api_group = string_member(v, "group");
    a.api_version = string_member(v, "version");
    a.resource = string_member(v, "resource");
    a.subresource = string_member(v, "subresource");
    a.name = string_member(v, "name");
  } else {
    a.resource_request = false;
    a.path = string_member(non->value, "path");
    a.verb = string_member(non->value, "verb");
  }
  r.spec_json = serialize(spec);
  return r;
}

std::string token_review_response(const TokenReviewRequest& request, const UserInfo* user) {
  std::string out = "{\"kind\":\"TokenReview\",\"apiVersion\":\"authentication.k8s.io/v1\",\"metadata\":{\"creationTimestamp\":null},\"spec\":";
  out += request.spec_json;
  out += ",\"status\":";
  JsonStringSink sink(out);
  JsonWriter w(sink);
  w.StartObject();
  if (user != nullptr) {
    w.Key("authenticated");
    w.Bool(true);
    w.Key("user");
    write_user(w, *user);
    // Static tokens are valid for any audience: the response names the ones asked for, else the
    // API server's own.
    w.Key("audiences");
    w.StartArray();
    if (request.audiences.empty()) w.String("https://kubernetes.default.svc.cluster.local");
    for (const std::string& aud : request.audiences) write_string(w, aud);
    w.EndArray();
  } else {
    w.Key("user");
    w.StartObject();
    w.EndObject();
  }
  w.EndObject();
  out += "}";
  return out;
}

std::string access_review_response(const AccessReviewRequest& request, bool allowed, const std::string& reason) {
  std::string out =
      "{\"kind\":\"SubjectAccessReview\",\"apiVersion\":\"authorization.k8s.io/v1\",\"metadata\":{\"creationTimestamp\":null},\"spec\":";
  out += request.spec_json;
  out += ",\"status\":{\"allowed\":";
  out += allowed ? "true" : "false";
  if (!reason.empty()) {
    out += ",\"reason\":";
    JsonStringSink sink(out);
    JsonWriter w(sink);
    write_string(w, reason);
  }
  out += "}}";
  return out;
}

std::string header_key_escape(std::string_view key) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : key) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> front_proxy_headers(const UserInfo& user) {
  std::vector<std::pair<std::string, std::string>> h;
  h.emplace_back("X-Remote-User", user.name);
  if (!user.uid.empty()) h.emplace_back("X-Remote-Uid", user.uid);
  for (const std::string& g : user.groups) h.emplace_back("X-Remote-Group", g);
  for (const auto& [key, values] : user.extra) {
    for (const std::string& v : values) h.emplace_back("X-Remote-Extra-" + header_key_escape(key), v);
  }
  return h;
}

bool dropped_by_front_proxy(std::string_view header_name) {
  const std::string n = lower(header_name);
  if (n.rfind("x-remote-", 0) == 0 || n.rfind("impersonate-", 0) == 0) return true;
  for (const char* hop : {"authorization", "host", "connection", "keep-alive", "proxy-authorization", "proxy-authenticate",
                          "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "content-length"}) {
    if (n == hop) return true;
  }
  return false;
}

Result<FrontProxyIdentity> make_front_proxy_identity(const std::string& common_name) {
  core::CertificateRequest ca_request;
  ca_request.common_name = "front-proxy-ca";
  ca_request.is_ca = true;
  auto ca = core::generate_self_signed(ca_request);
  if (!ca) return ca.status();
  core::CertificateRequest client_request;
  client_request.common_name = common_name;
  client_request.server_auth = false;
  client_request.client_auth = true;
  auto client = core::issue_certificate(client_request, *ca);
  if (!client) return client.status();
  return FrontProxyIdentity{std::move(*ca), std::move(*client)};
}

std::map<std::string, std::string> authentication_configmap_data(const std::string& client_ca_pem,
                                                                 const std::string& front_proxy_ca_pem,
                                                                 const std::string& front_proxy_cn) {
  // jsonSerializeStringSlice: json.Marshal of a []string.
  auto list = [](const std::string& value) {
    std::string out = "[";
    JsonStringSink sink(out);
    JsonWriter w(sink);
    write_string(w, value);
    return out + "]";
  };
  std::map<std::string, std::string> data;
  if (!client_ca_pem.empty()) data["client-ca-file"] = client_ca_pem;
  if (front_proxy_ca_pem.empty()) return data;
  data["requestheader-client-ca-file"] = front_proxy_ca_pem;
  data["requestheader-allowed-names"] = list(front_proxy_cn);
  data["requestheader-username-headers"] = list("X-Remote-User");
  data["requestheader-uid-headers"] = list("X-Remote-Uid");
  data["requestheader-group-headers"] = list("X-Remote-Group");
  data["requestheader-extra-headers-prefix"] = list("X-Remote-Extra-");
  return data;
}

}  // namespace mpf::sim
