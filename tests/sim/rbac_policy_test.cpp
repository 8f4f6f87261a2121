// RbacPolicy: kube-apiserver's RBAC decisions and reasons for bindings, aggregation, subresources,
// resourceNames, nonResourceURLs and service accounts; RbacUsage's record of which rule allowed what.
#include "tests/sim/rbac_policy.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <fstream>
#include <sstream>

#include <algorithm>
#include <filesystem>

namespace mpf::sim {
namespace {

AccessAttributes resource(std::string verb, std::string group, std::string res, std::string ns = "",
                          std::string name = "", std::string sub = "") {
  AccessAttributes a;
  a.verb = std::move(verb);
  a.api_group = std::move(group);
  a.resource = std::move(res);
  a.namespace_name = std::move(ns);
  a.name = std::move(name);
  a.subresource = std::move(sub);
  return a;
}

AccessAttributes path(std::string verb, std::string p) {
  AccessAttributes a;
  a.resource_request = false;
  a.verb = std::move(verb);
  a.path = std::move(p);
  return a;
}

// metrics-server's own manifests (deploy/), trimmed to the RBAC kinds, plus a few for the edge cases.
constexpr const char* kManifest = R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: system:aggregated-metrics-reader
  labels:
    rbac.authorization.k8s.io/aggregate-to-view: "true"
    rbac.authorization.k8s.io/aggregate-to-edit: "true"
rules:
- apiGroups: ["metrics.k8s.io"]
  resources: ["pods", "nodes"]
  verbs: ["get", "list", "watch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: view
aggregationRule:
  clusterRoleSelectors:
  - matchLabels:
      rbac.authorization.k8s.io/aggregate-to-view: "true"
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: system:metrics-server
rules:
- apiGroups: [""]
  resources: ["nodes/metrics"]
  verbs: ["get"]
- apiGroups: [""]
  resources: ["pods", "nodes"]
  verbs: ["get", "list", "watch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: system:metrics-server
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: system:metrics-server
subjects:
- kind: ServiceAccount
  name: metrics-server
  namespace: kube-system
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: metrics-server-auth-reader
  namespace: kube-system
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: extension-apiserver-authentication-reader
subjects:
- kind: ServiceAccount
  name: metrics-server
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: extension-apiserver-authentication-reader
  namespace: kube-system
rules:
- apiGroups: [""]
  resources: ["configmaps"]
  resourceNames: ["extension-apiserver-authentication"]
  verbs: ["get", "list", "watch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: viewers
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
- {kind: Group, name: viewers}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: metrics-path}
rules:
- nonResourceURLs: ["/metrics", "/debug/*"]
  verbs: ["get"]
- apiGroups: ["*"]
  resources: ["*/scale"]
  verbs: ["*"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: bob-metrics}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: metrics-path}
subjects:
- {kind: User, name: bob}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: carol-view, namespace: team-a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:aggregated-metrics-reader}
subjects:
- {kind: User, name: carol}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: paths-in-namespace, namespace: team-a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: metrics-path}
subjects:
- {kind: User, name: carol}
)";

constexpr const char* kServiceAccount = "system:serviceaccount:kube-system:metrics-server";
const std::vector<std::string> kSaGroups{"system:serviceaccounts", "system:serviceaccounts:kube-system",
                                         "system:authenticated"};

RbacPolicy load_manifest() {
  auto policy = RbacPolicy::load({kManifest});
  EXPECT_TRUE(policy.is_ok()) << policy.status().message();
  return policy ? std::move(*policy) : RbacPolicy();
}

TEST(RbacPolicyTest, ClusterRoleBindingToServiceAccount) {
  const RbacPolicy policy = load_manifest();
  const RbacDecision d = policy.decide(kServiceAccount, kSaGroups, resource("list", "", "nodes"));
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.reason,
            "RBAC: allowed by ClusterRoleBinding \"system:metrics-server\" of ClusterRole \"system:metrics-server\" to "
            "ServiceAccount \"metrics-server/kube-system\"");
  EXPECT_EQ(d.rule.to_string(), "ClusterRole/system:metrics-server#1");
  EXPECT_FALSE(policy.allows(kServiceAccount, kSaGroups, resource("list", "", "configmaps")));
  EXPECT_FALSE(policy.allows(kServiceAccount, kSaGroups, resource("delete", "", "nodes", "", "n1")));
  // Another service account with the same name in another namespace is not the subject.
  EXPECT_FALSE(policy.allows("system:serviceaccount:default:metrics-server", {}, resource("list", "", "nodes")));
  // Denied: no reason (RBAC's NoOpinion).
  const RbacDecision denied = policy.decide("nobody", {"system:authenticated"}, resource("list", "", "nodes"));
  EXPECT_FALSE(denied.allowed);
  EXPECT_EQ(denied.reason, "");
}

TEST(RbacPolicyTest, SubresourcesNeedTheirOwnRule) {
  const RbacPolicy policy = load_manifest();
  EXPECT_TRUE(policy.allows(kServiceAccount, kSaGroups, resource("get", "", "nodes", "", "n1", "metrics")));
  EXPECT_FALSE(policy.allows(kServiceAccount, kSaGroups, resource("get", "", "nodes", "", "n1", "proxy")));
  EXPECT_FALSE(policy.allows(kServiceAccount, kSaGroups, resource("get", "", "pods", "ns", "p", "log")));
  // "*/scale" in any group, any verb.
  EXPECT_TRUE(policy.allows("bob", {}, resource("update", "apps", "deployments", "ns", "d", "scale")));
  EXPECT_FALSE(policy.allows("bob", {}, resource("update", "apps", "deployments", "ns", "d")));
}

TEST(RbacPolicyTest, RoleBindingWithResourceNamesInItsNamespaceOnly) {
  const RbacPolicy policy = load_manifest();
  const auto get_cm = resource("get", "", "configmaps", "kube-system", "extension-apiserver-authentication");
  const RbacDecision d = policy.decide(kServiceAccount, kSaGroups, get_cm);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.reason,
            "RBAC: allowed by RoleBinding \"metrics-server-auth-reader/kube-system\" of Role "
            "\"extension-apiserver-authentication-reader\" to ServiceAccount \"metrics-server/kube-system\"");
  EXPECT_EQ(d.rule.to_string(), "Role/kube-system/extension-apiserver-authentication-reader#0");
  // A list by fieldSelector metadata.name is authorized with that name (RequestInfo does this).
  EXPECT_TRUE(policy.allows(kServiceAccount, kSaGroups,
                            resource("watch", "", "configmaps", "kube-system", "extension-apiserver-authentication")));
  EXPECT_FALSE(policy.allows(kServiceAccount, kSaGroups, resource("list", "", "configmaps", "kube-system")));
  EXPECT_FALSE(policy.allows(kServiceAccount, kSaGroups, resource("get", "", "configmaps", "kube-system", "other")));
  EXPECT_FALSE(policy.allows(kServiceAccount, kSaGroups,
                             resource("get", "", "configmaps", "default", "extension-apiserver-authentication")));
  // A RoleBinding of a ClusterRole grants it in the binding's namespace only.
  EXPECT_TRUE(policy.allows("carol", {}, resource("list", "metrics.k8s.io", "pods", "team-a")));
  EXPECT_FALSE(policy.allows("carol", {}, resource("list", "metrics.k8s.io", "pods", "team-b")));
  EXPECT_FALSE(policy.allows("carol", {}, resource("list", "metrics.k8s.io", "pods")));
  // ... and never non-resource URLs, which only ClusterRoleBindings grant.
  EXPECT_FALSE(policy.allows("carol", {}, path("get", "/metrics")));
}

TEST(RbacPolicyTest, AggregatedClusterRoles) {
  const RbacPolicy policy = load_manifest();
  const RbacDecision d = policy.decide("dave", {"viewers", "system:authenticated"}, resource("get", "metrics.k8s.io", "nodes", "", "n1"));
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.reason, "RBAC: allowed by ClusterRoleBinding \"viewers\" of ClusterRole \"view\" to Group \"viewers\"");
  // The rule is the one of the role that defines it.
  EXPECT_EQ(d.rule.to_string(), "ClusterRole/system:aggregated-metrics-reader#0");
  EXPECT_FALSE(policy.allows("dave", {"viewers"}, resource("get", "", "nodes", "", "n1")));
  EXPECT_FALSE(policy.allows("dave", {"viewers"}, resource("create", "metrics.k8s.io", "nodes")));
}

TEST(RbacPolicyTest, NonResourceUrlsWithTrailingStar) {
  const RbacPolicy policy = load_manifest();
  EXPECT_TRUE(policy.allows("bob", {}, path("get", "/metrics")));
  EXPECT_TRUE(policy.allows("bob", {}, path("get", "/debug/pprof/heap")));
  EXPECT_TRUE(policy.allows("bob", {}, path("get", "/debug/")));
  EXPECT_FALSE(policy.allows("bob", {}, path("get", "/debug")));
  EXPECT_FALSE(policy.allows("bob", {}, path("post", "/metrics")));
  EXPECT_FALSE(policy.allows("bob", {}, path("get", "/metrics/extra")));
  EXPECT_EQ(policy.decide("bob", {}, path("get", "/metrics")).reason,
            "RBAC: allowed by ClusterRoleBinding \"bob-metrics\" of ClusterRole \"metrics-path\" to User \"bob\"");
}

TEST(RbacPolicyTest, SystemMastersIsAlwaysAllowed) {
  const RbacPolicy empty;
  const RbacDecision d = empty.decide("root", {"system:masters"}, resource("delete", "", "nodes", "", "n1"));
  EXPECT_TRUE(d.allowed);
  EXPECT_TRUE(d.by_masters);
  EXPECT_EQ(d.reason, "");
  EXPECT_FALSE(empty.allows("root", {"system:authenticated"}, path("get", "/healthz")));
}

TEST(RbacPolicyTest, ResourceWildcardsAndListDocuments) {
  auto policy = RbacPolicy::load({R"(
apiVersion: v1
kind: List
items:
- apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRole
  metadata: {name: all}
  rules:
  - {apiGroups: ["*"], resources: ["*"], verbs: ["get"]}
- apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRoleBinding
  metadata: {name: all}
  roleRef: {kind: ClusterRole, name: all, apiGroup: rbac.authorization.k8s.io}
  subjects: [{kind: Group, name: "system:authenticated"}]
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: ignored}
)"});
  ASSERT_TRUE(policy.is_ok()) << policy.status().message();
  EXPECT_TRUE(policy->allows("x", {"system:authenticated"}, resource("get", "apps", "deployments", "ns", "d", "status")));
  EXPECT_FALSE(policy->allows("x", {"system:authenticated"}, resource("list", "apps", "deployments")));
  EXPECT_FALSE(policy->allows("x", {"system:unauthenticated"}, resource("get", "", "pods", "ns", "p")));
  EXPECT_EQ(policy->all_rules().size(), 1u);
  EXPECT_TRUE(policy->warnings().empty());
}

TEST(RbacPolicyTest, AggregatedRolesOwnRulesAreReplacedWithAWarning) {
  auto policy = RbacPolicy::load({R"(
kind: ClusterRole
metadata: {name: view}
aggregationRule: {clusterRoleSelectors: [{matchLabels: {agg: "yes"}}]}
rules: [{apiGroups: [""], resources: [pods], verbs: [list]}]
---
kind: ClusterRole
metadata: {name: part, labels: {agg: "yes"}}
rules: [{apiGroups: [""], resources: [nodes], verbs: [list]}]
---
kind: ClusterRoleBinding
metadata: {name: v}
roleRef: {kind: ClusterRole, name: view}
subjects: [{kind: User, name: u}]
---
kind: ClusterRoleBinding
metadata: {name: dangling}
roleRef: {kind: ClusterRole, name: missing}
subjects: [{kind: User, name: u}]
)"});
  ASSERT_TRUE(policy.is_ok()) << policy.status().message();
  EXPECT_TRUE(policy->allows("u", {}, resource("list", "", "nodes")));
  EXPECT_FALSE(policy->allows("u", {}, resource("list", "", "pods")));
  ASSERT_EQ(policy->warnings().size(), 2u);
  EXPECT_NE(policy->warnings()[0].find("ClusterRole view: has an aggregationRule"), std::string::npos);
  EXPECT_NE(policy->warnings()[1].find("ClusterRoleBinding dangling: ClusterRole missing does not exist"), std::string::npos);
}

TEST(RbacPolicyTest, MalformedManifestsFail) {
  EXPECT_FALSE(RbacPolicy::load({"kind: ClusterRole\nmetadata: {name: x}\nrules: [{apiGroups: [''], resources: [pods]}]\n"}).is_ok());
  EXPECT_FALSE(RbacPolicy::load({"kind: Role\nmetadata: {name: x}\nrules: []\n"}).is_ok());  // No namespace.
  EXPECT_FALSE(RbacPolicy::load({"kind: ClusterRoleBinding\nmetadata: {name: x}\nsubjects: []\n"}).is_ok());
  EXPECT_FALSE(RbacPolicy::load({"kind: [unterminated\n"}).is_ok());
  EXPECT_FALSE(RbacPolicy::load({"kind: ClusterRoleBinding\nmetadata: {name: x}\nroleRef: {kind: Role, name: r}\n"}).is_ok());
  EXPECT_FALSE(RbacPolicy::load_files({"/nonexistent/rbac.yaml"}).is_ok());
}

TEST(RbacPolicyTest, BootstrapPolicyAndLaterManifestsReplaceEarlierOnes) {
  auto policy = RbacPolicy::load({kubernetes_bootstrap_rbac(), kManifest});
  ASSERT_TRUE(policy.is_ok()) << policy.status().message();
  EXPECT_TRUE(policy->allows("system:anonymous", {"system:unauthenticated"}, path("get", "/version")));
  EXPECT_FALSE(policy->allows("system:anonymous", {"system:unauthenticated"}, path("get", "/apis")));
  EXPECT_EQ(policy->decide("x", {"system:authenticated"}, path("get", "/apis/metrics.k8s.io")).reason,
            "RBAC: allowed by ClusterRoleBinding \"system:discovery\" of ClusterRole \"system:discovery\" to Group "
            "\"system:authenticated\"");
  // The bootstrap "view" aggregates metrics-server's reader role (the manifest's own "view" replaced it).
  EXPECT_TRUE(policy->allows("dave", {"viewers"}, resource("list", "metrics.k8s.io", "nodes")));
  size_t admin_rules = 0;
  for (const auto& r : policy->all_rules()) admin_rules += r.role_name == "cluster-admin" ? 1 : 0;
  EXPECT_EQ(admin_rules, 2u);
  EXPECT_EQ(policy->decide("root", {"system:masters"}, path("get", "/x")).by_masters, true);
}

// The repository's own deploy/kubernetes/rbac.yaml on top of the bootstrap policy: what metrics-server
// needs from kube-apiserver, and `view` users reading the Metrics API.
TEST(RbacPolicyTest, ShippedManifestGrantsWhatMetricsServerNeeds) {
  const std::string manifest = std::string(MPF_TEST_SOURCE_DIR) + "/deploy/kubernetes/rbac.yaml";
  if (!std::filesystem::exists(manifest)) GTEST_SKIP() << manifest << " not found";
  std::ifstream in(manifest);
  std::stringstream text;
  text << in.rdbuf();
  auto policy = RbacPolicy::load({kubernetes_bootstrap_rbac(), text.str()});
  ASSERT_TRUE(policy.is_ok()) << policy.status().message();
  RbacUsage usage;
  auto check = [&](const AccessAttributes& a) {
    const RbacDecision d = policy->decide(kServiceAccount, kSaGroups, a);
    usage.record(kServiceAccount, kSaGroups, a, d);
    return d.allowed;
  };
  EXPECT_TRUE(check(resource("list", "", "nodes")));
  EXPECT_TRUE(check(resource("watch", "", "pods")));
  EXPECT_TRUE(check(resource("get", "", "nodes", "", "node-00001", "metrics")));
  EXPECT_TRUE(check(resource("create", "authentication.k8s.io", "tokenreviews")));
  EXPECT_TRUE(check(resource("create", "authorization.k8s.io", "subjectaccessreviews")));
  EXPECT_TRUE(check(resource("watch", "", "configmaps", "kube-system", "extension-apiserver-authentication")));
  EXPECT_FALSE(check(resource("list", "", "secrets")));
  // The reader role is aggregated into view, but nobody is bound to view here.
  EXPECT_FALSE(policy->allows("viewer", {"system:authenticated"}, resource("list", "metrics.k8s.io", "pods", "ns")));
  for (const RbacRuleRef& r : usage.unused(*policy)) {
    EXPECT_NE(r.role_name, "system:metrics-server") << r.to_string() << " never used";
  }
}

TEST(RbacUsageTest, RecordsWhichRuleAllowedEachDecision) {
  const RbacPolicy policy = load_manifest();
  RbacUsage usage;
  auto decide = [&](const std::string& user, const std::vector<std::string>& groups, const AccessAttributes& a) {
    usage.record(user, groups, a, policy.decide(user, groups, a));
  };
  decide(kServiceAccount, kSaGroups, resource("list", "", "nodes"));
  decide(kServiceAccount, kSaGroups, resource("watch", "", "pods"));
  decide(kServiceAccount, kSaGroups, resource("get", "", "nodes", "", "n1", "metrics"));
  decide(kServiceAccount, kSaGroups, resource("get", "", "configmaps", "kube-system", "extension-apiserver-authentication"));
  decide("dave", {"viewers"}, resource("list", "metrics.k8s.io", "pods"));
  decide("bob", {}, path("get", "/metrics"));
  decide("nobody", {}, resource("list", "", "secrets"));
  EXPECT_EQ(usage.decisions(), 7u);
  EXPECT_EQ(usage.used().at(RbacRuleRef{"ClusterRole", "", "system:metrics-server", 1}), 2u);
  std::vector<std::string> unused;
  for (const auto& r : usage.unused(policy)) unused.push_back(r.to_string());
  EXPECT_EQ(unused, std::vector<std::string>{"ClusterRole/metrics-path#1"});  // Nothing scaled.
  decide("bob", {}, resource("patch", "apps", "deployments", "ns", "d", "scale"));
  EXPECT_TRUE(usage.unused(policy).empty());

  rapidjson::Document doc;
  const std::string json = usage.to_json(&policy);
  doc.Parse(json.c_str());
  ASSERT_FALSE(doc.HasParseError()) << json;
  EXPECT_EQ(doc["decisionCount"].GetUint64(), 8u);
  EXPECT_EQ(doc["unused"].Size(), 0u);
  EXPECT_EQ(doc["rules"].Size(), policy.all_rules().size());
  const auto& denied = doc["decisions"][6];
  EXPECT_STREQ(denied["user"].GetString(), "nobody");
  EXPECT_STREQ(denied["verb"].GetString(), "list");
  EXPECT_STREQ(denied["resource"].GetString(), "secrets");
  EXPECT_FALSE(denied["allowed"].GetBool());
  EXPECT_STREQ(doc["decisions"][5]["path"].GetString(), "/metrics");
  EXPECT_STREQ(doc["decisions"][4]["rule"].GetString(), "ClusterRole/system:aggregated-metrics-reader#0");
}

}  // namespace
}  // namespace mpf::sim
