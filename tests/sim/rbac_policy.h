#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "mpf/sdk/status.h"

// Kubernetes RBAC (rbac.authorization.k8s.io/v1) evaluated the way kube-apiserver's RBAC authorizer
// does (plugin/pkg/auth/authorizer/rbac): ClusterRoleBindings first, then the RoleBindings of the
// request's namespace; the first rule that matches allows, with the same reason text
// (`RBAC: allowed by ClusterRoleBinding "b" of ClusterRole "r" to User "u"`). A request no rule allows
// gets no opinion (denied, no reason). ClusterRoles with an aggregationRule take the rules of the
// ClusterRoles their clusterRoleSelectors' matchLabels select, as the aggregation controller copies
// them. Group system:masters is allowed everything, as kube-apiserver's privileged-group authorizer.
//
// Every decision can say which rule allowed it (the role that defines the rule, not the aggregating
// one, and the rule's index in it), so tests can check that a shipped manifest has no unused rules.
// Used by fake-apiserver (--rbac) and by any test that wants to check a manifest directly.

namespace mpf::sim {

// What is being asked: authorizer.Attributes. Resource requests name verb, group, resource
// (subresource, namespace, name); non-resource requests a verb and a path.
struct AccessAttributes {
  bool resource_request = true;
  std::string verb;
  std::string api_group;  // "" is the core group.
  std::string api_version;
  std::string resource;
  std::string subresource;
  std::string namespace_name;  // "" at the cluster scope.
  std::string name;
  std::string path;  // Non-resource requests.
};

// One rule of one role, as loaded.
struct RbacRuleRef {
  std::string role_kind;       // "ClusterRole" or "Role".
  std::string role_namespace;  // Roles only.
  std::string role_name;
  size_t rule_index = 0;       // Position in the role's own rules (0-based).
  bool operator<(const RbacRuleRef& o) const;
  bool operator==(const RbacRuleRef& o) const;
  std::string to_string() const;  // "ClusterRole/name#0", "Role/ns/name#2"
};

struct RbacDecision {
  bool allowed = false;
  std::string reason;  // kube-apiserver's RBAC reason when allowed; empty otherwise (and for system:masters).
  bool by_masters = false;  // Allowed because of group system:masters.
  RbacRuleRef rule;         // Allowed by a rule: which (unset when denied or by_masters).
};

class RbacPolicy {
 public:
  // Parses Kubernetes manifests: each text is one or more YAML documents ("---"); kinds other than
  // Role, ClusterRole, RoleBinding, ClusterRoleBinding (and List of them) are ignored. Fails on YAML
  // syntax errors and on malformed RBAC objects (naming the document).
  static Result<RbacPolicy> load(const std::vector<std::string>& yaml_texts);
  // Reads the files and load()s them.
  static Result<RbacPolicy> load_files(const std::vector<std::string>& paths);

  RbacPolicy();
  ~RbacPolicy();
  RbacPolicy(RbacPolicy&&) noexcept;
  RbacPolicy& operator=(RbacPolicy&&) noexcept;
  RbacPolicy(const RbacPolicy&);
  RbacPolicy& operator=(const RbacPolicy&);

  RbacDecision decide(const std::string& user, const std::vector<std::string>& groups,
                      const AccessAttributes& attributes) const;
  bool allows(const std::string& user, const std::vector<std::string>& groups, const AccessAttributes& attributes) const {
    return decide(user, groups, attributes).allowed;
  }

  // Every rule of every role loaded, in load order.
  std::vector<RbacRuleRef> all_rules() const;

  // What a cluster would do differently from what the manifests seem to say: rules of a ClusterRole
  // that has an aggregationRule (the aggregation controller replaces them), bindings to roles that do
  // not exist (they grant nothing).
  std::vector<std::string> warnings() const;

 private:
  struct Data;
  std::unique_ptr<Data> data_;
};

// The part of kube-apiserver's bootstrap policy (bootstrappolicy/policy.go) every cluster has and
// clients rely on: system:discovery (discovery paths, system:authenticated), system:public-info-viewer
// (/healthz, /livez, /readyz, /version; also system:unauthenticated), system:basic-user (self
// reviews), cluster-admin (system:masters), the aggregated view, edit and admin ClusterRoles, and the
// unbound roles delegating API servers' manifests refer to: system:auth-delegator and
// kube-system/extension-apiserver-authentication-reader.
// fake-apiserver adds it with --rbac-bootstrap.
const std::string& kubernetes_bootstrap_rbac();

// Records decisions: which rules were used and a log of each (for --rbac-usage-out and for tests that
// check that every rule of a manifest was exercised). Not thread-safe; fake-apiserver uses it on its
// I/O thread.
class RbacUsage {
 public:
  struct Entry {
    std::string user;
    std::vector<std::string> groups;
    AccessAttributes attributes;
    RbacDecision decision;
    std::string source;  // "request" (a request to the server) or "subjectaccessreview" (a review's spec).
  };
  void record(const std::string& user, const std::vector<std::string>& groups, const AccessAttributes& attributes,
              const RbacDecision& decision, const std::string& source = "request");
  const std::map<RbacRuleRef, size_t>& used() const { return used_; }  // rule -> times it allowed
  const std::vector<Entry>& log() const { return log_; }
  size_t decisions() const { return decisions_; }
  // Rules of `policy` that never allowed anything.
  std::vector<RbacRuleRef> unused(const RbacPolicy& policy) const;
  // {"decisionCount":N,"rules":[{"role":"ClusterRole/x","rule":0,"used":3},...],"unused":["Role/ns/r#1",...],
  //  "decisions":[{"user":..,"groups":[..],"verb":..,"group":..,"resource":..,"subresource":..,"namespace":..,
  //                "name":.. (resource requests) | "path":.. (others),"allowed":true,"reason":..,
  //                "rule":"ClusterRole/x#0","source":"request"|"subjectaccessreview"},...]}
  // "decisions" keeps the last `max_log` entries (decisionCount counts all).
  std::string to_json(const RbacPolicy* policy) const;
  void set_max_log(size_t n) { max_log_ = n; }

 private:
  std::map<RbacRuleRef, size_t> used_;
  std::vector<Entry> log_;
  size_t decisions_ = 0;
  size_t max_log_ = 20000;
};

}  // namespace mpf::sim
