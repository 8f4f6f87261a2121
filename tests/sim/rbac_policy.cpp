#include "tests/sim/rbac_policy.h"

#include <rapidjson/writer.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "tests/sim/json_sink.h"

namespace mpf::sim {

bool RbacRuleRef::operator<(const RbacRuleRef& o) const {
  return std::tie(role_kind, role_namespace, role_name, rule_index) <
         std::tie(o.role_kind, o.role_namespace, o.role_name, o.rule_index);
}
bool RbacRuleRef::operator==(const RbacRuleRef& o) const {
  return role_kind == o.role_kind && role_namespace == o.role_namespace && role_name == o.role_name &&
         rule_index == o.rule_index;
}
std::string RbacRuleRef::to_string() const {
  if (role_kind.empty()) return "";
  return role_kind + "/" + (role_namespace.empty() ? "" : role_namespace + "/") + role_name + "#" +
         std::to_string(rule_index);
}

namespace {

constexpr const char* kMastersGroup = "system:masters";

struct Rule {
  std::vector<std::string> verbs, api_groups, resources, resource_names, non_resource_urls;
  RbacRuleRef origin;  // The role that defines it (aggregated roles keep the source's).
};

struct Role {
  std::string kind;  // ClusterRole or Role
  std::string namespace_name;
  std::string name;
  std::map<std::string, std::string> labels;
  std::vector<Rule> rules;                                   // Its own rules.
  bool aggregated = false;                                   // Has an aggregationRule.
  std::vector<std::map<std::string, std::string>> selectors;  // clusterRoleSelectors[].matchLabels
};

struct Subject {
  std::string kind;  // User, Group, ServiceAccount
  std::string name;
  std::string namespace_name;
};

struct Binding {
  std::string kind;  // ClusterRoleBinding or RoleBinding
  std::string namespace_name;
  std::string name;
  std::string role_kind;
  std::string role_name;
  std::vector<Subject> subjects;
};

bool has(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// rbac/v1 helpers (pkg/apis/rbac/v1/evaluation_helpers.go).
bool verb_matches(const Rule& r, const std::string& verb) { return has(r.verbs, "*") || has(r.verbs, verb); }
bool group_matches(const Rule& r, const std::string& group) {
  return has(r.api_groups, "*") || has(r.api_groups, group);
}
bool resource_matches(const Rule& r, const std::string& combined, const std::string& subresource) {
  for (const std::string& rr : r.resources) {
    if (rr == "*" || rr == combined) return true;
    // "*/scale" matches the scale subresource of every resource.
    if (!subresource.empty() && rr.size() == subresource.size() + 2 && rr.compare(0, 2, "*/") == 0 &&
        rr.compare(2, std::string::npos, subresource) == 0) {
      return true;
    }
  }
  return false;
}
bool name_matches(const Rule& r, const std::string& name) {
  return r.resource_names.empty() || has(r.resource_names, name);
}
bool url_matches(const Rule& r, const std::string& path) {
  for (const std::string& u : r.non_resource_urls) {
    if (u == "*" || u == path) return true;
    if (!u.empty() && u.back() == '*' && path.compare(0, u.size() - 1, u, 0, u.size() - 1) == 0) return true;
  }
  return false;
}
bool rule_allows(const Rule& r, const AccessAttributes& a) {
  if (a.resource_request) {
    const std::string combined = a.subresource.empty() ? a.resource : a.resource + "/" + a.subresource;
    return verb_matches(r, a.verb) && group_matches(r, a.api_group) && resource_matches(r, combined, a.subresource) &&
           name_matches(r, a.name);
  }
  return verb_matches(r, a.verb) && url_matches(r, a.path);
}

// appliesTo in plugin/pkg/auth/authorizer/rbac (rule.go).
bool subject_applies(const Subject& s, const std::string& user, const std::vector<std::string>& groups,
                     const std::string& binding_namespace) {
  if (s.kind == "User") return s.name == user;
  if (s.kind == "Group") return has(groups, s.name);
  if (s.kind == "ServiceAccount") {
    const std::string ns = s.namespace_name.empty() ? binding_namespace : s.namespace_name;
    if (ns.empty()) return false;
    return user == "system:serviceaccount:" + ns + ":" + s.name;
  }
  return false;
}

std::string describe_subject(const Subject& s, const std::string& binding_namespace) {
  if (s.kind == "ServiceAccount") {
    return s.kind + " \"" + s.name + "/" + (s.namespace_name.empty() ? binding_namespace : s.namespace_name) + "\"";
  }
  return s.kind + " \"" + s.name + "\"";
}

std::vector<std::string> string_list(const YAML::Node& node, const std::string& what) {
  std::vector<std::string> out;
  if (!node || node.IsNull()) return out;
  if (!node.IsSequence()) throw std::runtime_error(what + ": want a list");
  for (const auto& item : node) out.push_back(item.as<std::string>());
  return out;
}

std::map<std::string, std::string> string_map(const YAML::Node& node) {
  std::map<std::string, std::string> out;
  if (!node || !node.IsMap()) return out;
  for (const auto& kv : node) out[kv.first.as<std::string>()] = kv.second.IsNull() ? "" : kv.second.as<std::string>();
  return out;
}

}  // namespace

struct RbacPolicy::Data {
  std::vector<Role> roles;  // Load order.
  std::vector<Binding> bindings;
  // Effective rules per role ("ClusterRole//name" or "Role/ns/name"), aggregation resolved.
  std::map<std::string, std::vector<Rule>> effective;

  static std::string key(const std::string& kind, const std::string& ns, const std::string& name) {
    return kind + "/" + (kind == "ClusterRole" ? "" : ns) + "/" + name;
  }

  void add_document(const YAML::Node& doc, const std::string& where) {
    if (!doc || doc.IsNull()) return;
    if (!doc.IsMap()) throw std::runtime_error(where + ": not a mapping");
    const std::string kind = doc["kind"] ? doc["kind"].as<std::string>() : "";
    // List, ClusterRoleList, RoleBindingList, ...: their items.
    if (kind.size() >= 4 && kind.compare(kind.size() - 4, 4, "List") == 0) {
      if (doc["items"]) {
        for (const auto& item : doc["items"]) add_document(item, where);
      }
      return;
    }
    const YAML::Node meta = doc["metadata"];
    const std::string name = meta && meta["name"] ? meta["name"].as<std::string>() : "";
    const std::string ns = meta && meta["namespace"] ? meta["namespace"].as<std::string>() : "";
    if (kind == "Role" || kind == "ClusterRole") {
      if (name.empty()) throw std::runtime_error(where + ": " + kind + " without metadata.name");
      if (kind == "Role" && ns.empty()) throw std::runtime_error(where + ": Role " + name + " without metadata.namespace");
      Role role;
      role.kind = kind;
      role.namespace_name = kind == "Role" ? ns : "";
      role.name = name;
      if (meta) role.labels = string_map(meta["labels"]);
      if (const YAML::Node rules = doc["rules"]; rules && !rules.IsNull()) {
        if (!rules.IsSequence()) throw std::runtime_error(where + ": " + kind + " " + name + ": rules: want a list");
        size_t index = 0;
        for (const auto& r : rules) {
          Rule rule;
          const std::string at = where + ": " + kind + " " + name + " rule " + std::to_string(index);
          rule.verbs = string_list(r["verbs"], at + " verbs");
          rule.api_groups = string_list(r["apiGroups"], at + " apiGroups");
          rule.resources = string_list(r["resources"], at + " resources");
          rule.resource_names = string_list(r["resourceNames"], at + " resourceNames");
          rule.non_resource_urls = string_list(r["nonResourceURLs"], at + " nonResourceURLs");
          if (rule.verbs.empty()) throw std::runtime_error(at + ": no verbs");
          rule.origin = RbacRuleRef{kind, role.namespace_name, name, index++};
          role.rules.push_back(std::move(rule));
        }
      }
      if (const YAML::Node agg = doc["aggregationRule"]; agg && agg.IsMap()) {
        role.aggregated = true;
        if (agg["clusterRoleSelectors"]) {
          for (const auto& selector : agg["clusterRoleSelectors"]) role.selectors.push_back(string_map(selector["matchLabels"]));
        }
      }
      // A later manifest of the same role replaces it, as `kubectl apply` of both would.
      auto same = std::find_if(roles.begin(), roles.end(), [&](const Role& r) {
        return r.kind == role.kind && r.namespace_name == role.namespace_name && r.name == role.name;
      });
      if (same != roles.end()) {
        *same = std::move(role);
      } else {
        roles.push_back(std::move(role));
      }
    } else if (kind == "RoleBinding" || kind == "ClusterRoleBinding") {
      if (name.empty()) throw std::runtime_error(where + ": " + kind + " without metadata.name");
      if (kind == "RoleBinding" && ns.empty()) throw std::runtime_error(where + ": RoleBinding " + name + " without metadata.namespace");
      Binding b;
      b.kind = kind;
      b.namespace_name = kind == "RoleBinding" ? ns : "";
      b.name = name;
      const YAML::Node ref = doc["roleRef"];
      if (!ref || !ref["kind"] || !ref["name"]) throw std::runtime_error(where + ": " + kind + " " + name + " without roleRef");
      b.role_kind = ref["kind"].as<std::string>();
      b.role_name = ref["name"].as<std::string>();
      if (b.role_kind != "ClusterRole" && !(b.role_kind == "Role" && kind == "RoleBinding")) {
        throw std::runtime_error(where + ": " + kind + " " + name + ": roleRef.kind " + b.role_kind + " not allowed");
      }
      if (const YAML::Node subjects = doc["subjects"]) {
        for (const auto& s : subjects) {
          Subject subject;
          subject.kind = s["kind"] ? s["kind"].as<std::string>() : "";
          subject.name = s["name"] ? s["name"].as<std::string>() : "";
          subject.namespace_name = s["namespace"] ? s["namespace"].as<std::string>() : "";
          if (subject.kind != "User" && subject.kind != "Group" && subject.kind != "ServiceAccount") {
            throw std::runtime_error(where + ": " + kind + " " + name + ": subject kind \"" + subject.kind + "\"");
          }
          b.subjects.push_back(std::move(subject));
        }
      }
      auto same = std::find_if(bindings.begin(), bindings.end(), [&](const Binding& o) {
        return o.kind == b.kind && o.namespace_name == b.namespace_name && o.name == b.name;
      });
      if (same != bindings.end()) {
        *same = std::move(b);
      } else {
        bindings.push_back(std::move(b));
      }
    }
  }

  static bool labels_match(const std::map<std::string, std::string>& selector, const std::map<std::string, std::string>& labels) {
    for (const auto& [k, v] : selector) {
      const auto it = labels.find(k);
      if (it == labels.end() || it->second != v) return false;
    }
    return true;
  }

  // The aggregation controller: an aggregated ClusterRole's rules are those of every ClusterRole a
  // selector matches (in name order, as the controller sorts them), resolved transitively.
  void resolve() {
    std::map<std::string, const Role*> by_key;
    for (const Role& r : roles) by_key[key(r.kind, r.namespace_name, r.name)] = &r;
    std::function<std::vector<Rule>(const Role&, std::set<std::string>&)> rules_of = [&](const Role& role,
                                                                                         std::set<std::string>& seen) {
      if (!role.aggregated) return role.rules;
      std::vector<Rule> out;
      if (!seen.insert(role.name).second) return out;
      std::vector<const Role*> sources;
      for (const Role& r : roles) {
        if (r.kind != "ClusterRole" || r.name == role.name) continue;
        for (const auto& selector : role.selectors) {
          if (labels_match(selector, r.labels)) {
            sources.push_back(&r);
            break;
          }
        }
      }
      std::sort(sources.begin(), sources.end(), [](const Role* a, const Role* b) { return a->name < b->name; });
      for (const Role* source : sources) {
        for (Rule& rule : rules_of(*source, seen)) out.push_back(std::move(rule));
      }
      return out;
    };
    for (const Role& r : roles) {
      std::set<std::string> seen;
      effective[key(r.kind, r.namespace_name, r.name)] = rules_of(r, seen);
      if (r.aggregated && !r.rules.empty()) {
        warnings.push_back("ClusterRole " + r.name + ": has an aggregationRule, so its " + std::to_string(r.rules.size()) +
                           " own rule(s) are replaced by the aggregated ones, as the aggregation controller does; put "
                           "them in a ClusterRole with the matching label");
      }
    }
    for (const Binding& b : bindings) {
      if (!effective.count(key(b.role_kind, b.namespace_name, b.role_name))) {
        warnings.push_back(b.kind + " " + (b.namespace_name.empty() ? "" : b.namespace_name + "/") + b.name + ": " +
                           b.role_kind + " " + b.role_name + " does not exist (the binding grants nothing)");
      }
    }
  }

  std::vector<std::string> warnings;
};

RbacPolicy::RbacPolicy() : data_(std::make_unique<Data>()) {}
RbacPolicy::~RbacPolicy() = default;
RbacPolicy::RbacPolicy(RbacPolicy&&) noexcept = default;
RbacPolicy& RbacPolicy::operator=(RbacPolicy&&) noexcept = default;
RbacPolicy::RbacPolicy(const RbacPolicy& o) : data_(std::make_unique<Data>(*o.data_)) {}
RbacPolicy& RbacPolicy::operator=(const RbacPolicy& o) {
  data_ = std::make_unique<Data>(*o.data_);
  return *this;
}

Result<RbacPolicy> RbacPolicy::load(const std::vector<std::string>& yaml_texts) {
  RbacPolicy policy;
  try {
    for (size_t t = 0; t < yaml_texts.size(); ++t) {
      const std::vector<YAML::Node> docs = YAML::LoadAll(yaml_texts[t]);
      for (size_t d = 0; d < docs.size(); ++d) {
        policy.data_->add_document(docs[d], "manifest " + std::to_string(t) + " document " + std::to_string(d));
      }
    }
  } catch (const std::exception& e) {
    return Status::invalid_argument(std::string("RBAC: ") + e.what());
  }
  policy.data_->resolve();
  return policy;
}

Result<RbacPolicy> RbacPolicy::load_files(const std::vector<std::string>& paths) {
  std::vector<std::string> texts;
  for (const std::string& path : paths) {
    std::ifstream in(path);
    if (!in) return Status::invalid_argument("--rbac " + path + ": cannot read");
    std::stringstream s;
    s << in.rdbuf();
    texts.push_back(s.str());
  }
  auto policy = load(texts);
  if (!policy) return Status::invalid_argument(policy.status().message() + " (in " + std::to_string(paths.size()) + " file(s))");
  return policy;
}

RbacDecision RbacPolicy::decide(const std::string& user, const std::vector<std::string>& groups,
                                const AccessAttributes& a) const {
  RbacDecision d;
  if (has(groups, kMastersGroup)) {
    d.allowed = true;
    d.by_masters = true;
    return d;
  }
  // VisitRulesFor: cluster role bindings first, then role bindings of the namespace.
  for (const bool cluster : {true, false}) {
    if (!cluster && a.namespace_name.empty()) break;
    for (const Binding& b : data_->bindings) {
      if ((b.kind == "ClusterRoleBinding") != cluster) continue;
      if (!cluster && b.namespace_name != a.namespace_name) continue;
      const Subject* subject = nullptr;
      for (const Subject& s : b.subjects) {
        if (subject_applies(s, user, groups, b.namespace_name)) {
          subject = &s;
          break;
        }
      }
      if (subject == nullptr) continue;
      const auto it = data_->effective.find(Data::key(b.role_kind, b.namespace_name, b.role_name));
      if (it == data_->effective.end()) continue;  // A binding to a missing role grants nothing.
      for (const Rule& rule : it->second) {
        if (!rule_allows(rule, a)) continue;
        d.allowed = true;
        d.rule = rule.origin;
        if (cluster) {
          d.reason = "RBAC: allowed by ClusterRoleBinding \"" + b.name + "\" of " + b.role_kind + " \"" + b.role_name +
                     "\" to " + describe_subject(*subject, "");
        } else {
          d.reason = "RBAC: allowed by RoleBinding \"" + b.name + "/" + b.namespace_name + "\" of " + b.role_kind +
                     " \"" + b.role_name + "\" to " + describe_subject(*subject, b.namespace_name);
        }
        return d;
      }
    }
  }
  return d;
}

std::vector<std::string> RbacPolicy::warnings() const { return data_->warnings; }

std::vector<RbacRuleRef> RbacPolicy::all_rules() const {
  std::vector<RbacRuleRef> out;
  for (const Role& r : data_->roles) {
    for (const Rule& rule : r.rules) out.push_back(rule.origin);
  }
  return out;
}

const std::string& kubernetes_bootstrap_rbac() {
  static const std::string kPolicy = R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: system:discovery}
rules:
- nonResourceURLs: [/api, /api/*, /apis, /apis/*, /healthz, /livez, /openapi, /openapi/*, /readyz, /version, /version/]
  verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: system:discovery}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:discovery}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: Group, name: system:authenticated}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: system:public-info-viewer}
rules:
- nonResourceURLs: [/healthz, /livez, /readyz, /version, /version/]
  verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: system:public-info-viewer}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:public-info-viewer}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: Group, name: system:authenticated}
- {apiGroup: rbac.authorization.k8s.io, kind: Group, name: system:unauthenticated}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: system:basic-user}
rules:
- apiGroups: [authorization.k8s.io]
  resources: [selfsubjectaccessreviews, selfsubjectrulesreviews]
  verbs: [create]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: system:basic-user}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:basic-user}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: Group, name: system:authenticated}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: system:auth-delegator}
rules:
- {apiGroups: [authentication.k8s.io], resources: [tokenreviews], verbs: [create]}
- {apiGroups: [authorization.k8s.io], resources: [subjectaccessreviews], verbs: [create]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: extension-apiserver-authentication-reader, namespace: kube-system}
rules:
- apiGroups: [""]
  resources: [configmaps]
  resourceNames: [extension-apiserver-authentication]
  verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: cluster-admin}
rules:
- {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
- {nonResourceURLs: ["*"], verbs: ["*"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: cluster-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: Group, name: system:masters}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: admin}
aggregationRule:
  clusterRoleSelectors:
  - matchLabels: {rbac.authorization.k8s.io/aggregate-to-admin: "true"}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: edit}
aggregationRule:
  clusterRoleSelectors:
  - matchLabels: {rbac.authorization.k8s.io/aggregate-to-edit: "true"}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: view}
aggregationRule:
  clusterRoleSelectors:
  - matchLabels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}
)";
  return kPolicy;
}

void RbacUsage::record(const std::string& user, const std::vector<std::string>& groups, const AccessAttributes& attributes,
                       const RbacDecision& decision, const std::string& source) {
  ++decisions_;
  if (decision.allowed && !decision.rule.role_kind.empty()) ++used_[decision.rule];
  log_.push_back(Entry{user, groups, attributes, decision, source});
  if (log_.size() > max_log_ + max_log_ / 4) log_.erase(log_.begin(), log_.end() - static_cast<ptrdiff_t>(max_log_));
}

std::vector<RbacRuleRef> RbacUsage::unused(const RbacPolicy& policy) const {
  std::vector<RbacRuleRef> out;
  for (const RbacRuleRef& r : policy.all_rules()) {
    if (!used_.count(r)) out.push_back(r);
  }
  return out;
}

std::string RbacUsage::to_json(const RbacPolicy* policy) const {
  std::string out;
  JsonStringSink sink(out);
  rapidjson::Writer<JsonStringSink> w(sink);
  auto str = [&](const std::string& s) { w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size())); };
  w.StartObject();
  w.Key("decisionCount");
  w.Uint64(decisions_);
  w.Key("rules");
  w.StartArray();
  std::vector<RbacRuleRef> rules = policy ? policy->all_rules() : std::vector<RbacRuleRef>{};
  for (const auto& [rule, n] : used_) {
    if (std::find(rules.begin(), rules.end(), rule) == rules.end()) rules.push_back(rule);
  }
  for (const RbacRuleRef& rule : rules) {
    const auto it = used_.find(rule);
    w.StartObject();
    w.Key("role");
    str(rule.role_kind + "/" + (rule.role_namespace.empty() ? "" : rule.role_namespace + "/") + rule.role_name);
    w.Key("rule");
    w.Uint64(rule.rule_index);
    w.Key("used");
    w.Uint64(it == used_.end() ? 0 : it->second);
    w.EndObject();
  }
  w.EndArray();
  w.Key("unused");
  w.StartArray();
  if (policy) {
    for (const RbacRuleRef& r : unused(*policy)) str(r.to_string());
  }
  w.EndArray();
  w.Key("decisions");
  w.StartArray();
  const size_t first = log_.size() > max_log_ ? log_.size() - max_log_ : 0;
  for (size_t i = first; i < log_.size(); ++i) {
    const Entry& e = log_[i];
    w.StartObject();
    w.Key("user");
    str(e.user);
    w.Key("groups");
    w.StartArray();
    for (const std::string& g : e.groups) str(g);
    w.EndArray();
    w.Key("verb");
    str(e.attributes.verb);
    if (e.attributes.resource_request) {
      w.Key("group");
      str(e.attributes.api_group);
      w.Key("resource");
      str(e.attributes.resource);
      w.Key("subresource");
      str(e.attributes.subresource);
      w.Key("namespace");
      str(e.attributes.namespace_name);
      w.Key("name");
      str(e.attributes.name);
    } else {
      w.Key("path");
      str(e.attributes.path);
    }
    w.Key("allowed");
    w.Bool(e.decision.allowed);
    w.Key("reason");
    str(e.decision.by_masters ? std::string("system:masters") : e.decision.reason);
    w.Key("rule");
    str(e.decision.rule.to_string());
    w.Key("source");
    str(e.source);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return out + "\n";
}

}  // namespace mpf::sim
