// The Kubernetes manifests of deploy/kubernetes: every YAML document parses, names and references agree
// (Service → Deployment pods, APIService → Service, bindings → roles and the ServiceAccount), the pod is
// locked down as metrics-server's is, the Deployment's flags are accepted by the built binary, and
// rbac.yaml grants exactly the API calls the binary makes.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <sys/wait.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

namespace {

namespace fs = std::filesystem;

const fs::path kManifestDir = fs::path(MPF_TEST_SOURCE_DIR) / "deploy" / "kubernetes";
constexpr const char* kNamespace = "kube-system";
constexpr const char* kServiceAccount = "metrics-server";

struct Document {
  std::string file;
  YAML::Node node;
};

std::string str(const YAML::Node& node) { return node && node.IsScalar() ? node.as<std::string>() : std::string(); }

std::vector<std::string> strings(const YAML::Node& node) {
  std::vector<std::string> out;
  if (node && node.IsSequence()) {
    for (const auto& item : node) out.push_back(item.as<std::string>());
  }
  return out;
}

// Every document of every manifest (kustomization.yaml apart), in file order.
const std::vector<Document>& documents() {
  static const std::vector<Document> docs = [] {
    std::vector<Document> out;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(kManifestDir)) {
      if (entry.path().extension() == ".yaml" && entry.path().filename() != "kustomization.yaml") {
        files.push_back(entry.path());
      }
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      for (const YAML::Node& node : YAML::LoadAllFromFile(file.string())) {
        if (node.IsNull()) continue;  // a leading "---"
        out.push_back({file.filename().string(), node});
      }
    }
    return out;
  }();
  return docs;
}

std::vector<Document> of_kind(const std::string& kind) {
  std::vector<Document> out;
  for (const auto& doc : documents()) {
    if (str(doc.node["kind"]) == kind) out.push_back(doc);
  }
  return out;
}

std::optional<Document> find(const std::string& kind, const std::string& name) {
  for (const auto& doc : of_kind(kind)) {
    if (str(doc.node["metadata"]["name"]) == name) return doc;
  }
  return std::nullopt;
}

YAML::Node deployment() {
  auto docs = of_kind("Deployment");
  EXPECT_EQ(docs.size(), 1u);
  return docs.empty() ? YAML::Node() : docs.front().node;
}

YAML::Node container() {
  YAML::Node containers = deployment()["spec"]["template"]["spec"]["containers"];
  EXPECT_TRUE(containers.IsSequence());
  EXPECT_EQ(containers.size(), 1u);
  return containers[0];
}

struct CommandResult {
  int exit_code = -1;
  std::string output;
};

// Runs the built binary with `args` (no shell metacharacters in them), stdout and stderr together.
// Runs the binary as the Deployment's pod would: in a cluster (the service environment a pod gets), so
// the flag mode keeps metrics-server's pipeline rather than falling back to standalone mode.
CommandResult run_binary(const std::vector<std::string>& args) {
  std::string command = std::string("KUBERNETES_SERVICE_HOST=10.96.0.1 KUBERNETES_SERVICE_PORT=443 '") +
                        MPF_METRICS_SERVER_BINARY + "'";
  for (const auto& arg : args) command += " '" + arg + "'";
  command += " 2>&1 </dev/null";
  CommandResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::vector<std::string> deployment_args() { return strings(container()["args"]); }

// ---------------------------------------------------------------------------------------------------------
// Structure

TEST(DeployManifests, EveryDocumentHasAKnownKindAndApiVersionAndAName) {
  // The only kinds these manifests may use, with the API versions current clusters serve.
  const std::map<std::string, std::string> known{
      {"ServiceAccount", "v1"},
      {"Service", "v1"},
      {"Deployment", "apps/v1"},
      {"ClusterRole", "rbac.authorization.k8s.io/v1"},
      {"ClusterRoleBinding", "rbac.authorization.k8s.io/v1"},
      {"RoleBinding", "rbac.authorization.k8s.io/v1"},
      {"APIService", "apiregistration.k8s.io/v1"},
  };
  const std::set<std::string> cluster_scoped{"ClusterRole", "ClusterRoleBinding", "APIService"};
  ASSERT_FALSE(documents().empty());
  std::set<std::tuple<std::string, std::string, std::string>> seen;
  for (const auto& doc : documents()) {
    const std::string kind = str(doc.node["kind"]);
    const std::string name = str(doc.node["metadata"]["name"]);
    SCOPED_TRACE(doc.file + ": " + kind + " " + name);
    ASSERT_EQ(known.count(kind), 1u) << "unknown kind";
    EXPECT_EQ(str(doc.node["apiVersion"]), known.at(kind));
    EXPECT_FALSE(name.empty());
    const std::string ns = str(doc.node["metadata"]["namespace"]);
    if (cluster_scoped.count(kind) != 0) {
      EXPECT_TRUE(ns.empty()) << "cluster-scoped objects have no namespace";
    } else {
      EXPECT_EQ(ns, kNamespace);
    }
    // So that `kubectl apply -f` of the plain files labels everything as kustomize would.
    EXPECT_EQ(str(doc.node["metadata"]["labels"]["k8s-app"]), "metrics-server");
    EXPECT_TRUE(seen.emplace(kind, ns, name).second) << "duplicate object";
  }
}

TEST(DeployManifests, KustomizationListsEveryManifestFile) {
  YAML::Node k = YAML::LoadFile((kManifestDir / "kustomization.yaml").string());
  EXPECT_EQ(str(k["apiVersion"]), "kustomize.config.k8s.io/v1beta1");
  EXPECT_EQ(str(k["kind"]), "Kustomization");
  std::set<std::string> listed;
  for (const auto& resource : strings(k["resources"])) {
    EXPECT_TRUE(fs::exists(kManifestDir / resource)) << resource;
    listed.insert(resource);
  }
  std::set<std::string> files;
  for (const auto& doc : documents()) files.insert(doc.file);
  EXPECT_EQ(listed, files);
  // The image override names the image the Deployment uses.
  const std::string image = str(container()["image"]);
  ASSERT_TRUE(k["images"].IsSequence());
  EXPECT_EQ(str(k["images"][0]["name"]), image.substr(0, image.rfind(':')));
  EXPECT_EQ(str(k["images"][0]["newTag"]), image.substr(image.rfind(':') + 1));
}

TEST(DeployManifests, ServiceSelectsTheDeploymentPodsOnTheHttpsPort) {
  auto service = find("Service", "metrics-server");
  ASSERT_TRUE(service);
  EXPECT_EQ(str(service->node["metadata"]["namespace"]), kNamespace);
  YAML::Node dep = deployment();
  EXPECT_EQ(str(dep["metadata"]["name"]), "metrics-server");
  const YAML::Node pod_labels = dep["spec"]["template"]["metadata"]["labels"];
  ASSERT_TRUE(pod_labels.IsMap());
  // The Deployment's selector and the Service's both match the pod template's labels.
  for (const YAML::Node& selector : {dep["spec"]["selector"]["matchLabels"], service->node["spec"]["selector"]}) {
    ASSERT_TRUE(selector.IsMap());
    ASSERT_GT(selector.size(), 0u);
    for (const auto& entry : selector) {
      EXPECT_EQ(str(pod_labels[entry.first.as<std::string>()]), entry.second.as<std::string>())
          << entry.first.as<std::string>();
    }
  }
  // Port 443 → the container port named https, 10250 (= --secure-port).
  YAML::Node ports = service->node["spec"]["ports"];
  ASSERT_TRUE(ports.IsSequence());
  ASSERT_EQ(ports.size(), 1u);
  EXPECT_EQ(ports[0]["port"].as<int>(), 443);
  EXPECT_EQ(str(ports[0]["protocol"]), "TCP");
  const std::string target = str(ports[0]["targetPort"]);
  EXPECT_EQ(target, "https");
  bool found = false;
  for (const auto& port : container()["ports"]) {
    if (str(port["name"]) != target) continue;
    found = true;
    EXPECT_EQ(port["containerPort"].as<int>(), 10250);
  }
  EXPECT_TRUE(found) << "no container port named " << target;
  const auto args = deployment_args();
  EXPECT_NE(std::find(args.begin(), args.end(), "--secure-port=10250"), args.end());
}

TEST(DeployManifests, ApiServicesPointAtTheService) {
  auto services = of_kind("APIService");
  std::set<std::string> versions;
  for (const auto& doc : services) {
    const YAML::Node spec = doc.node["spec"];
    const std::string version = str(spec["version"]);
    SCOPED_TRACE(version);
    versions.insert(version);
    EXPECT_EQ(str(spec["group"]), "metrics.k8s.io");
    EXPECT_EQ(str(doc.node["metadata"]["name"]), version + ".metrics.k8s.io");  // the aggregator's rule
    EXPECT_EQ(str(spec["service"]["name"]), "metrics-server");
    EXPECT_EQ(str(spec["service"]["namespace"]), kNamespace);
    EXPECT_TRUE(find("Service", str(spec["service"]["name"])));
    if (spec["service"]["port"]) {
      EXPECT_EQ(spec["service"]["port"].as<int>(), 443);
    }
    EXPECT_EQ(spec["groupPriorityMinimum"].as<int>(), 100);
    EXPECT_EQ(spec["versionPriority"].as<int>(), 100);
    // The serving certificate is self-signed at start (--cert-dir): nothing to verify it against.
    EXPECT_TRUE(spec["insecureSkipTLSVerify"].as<bool>());
    EXPECT_FALSE(spec["caBundle"]) << "caBundle and insecureSkipTLSVerify exclude each other";
  }
  EXPECT_EQ(versions, (std::set<std::string>{"v1beta1", "v1"}));
}

// ---------------------------------------------------------------------------------------------------------
// Pod security (behaviour doc §4.7)

TEST(DeployManifests, PodIsLockedDownAsMetricsServers) {
  YAML::Node pod = deployment()["spec"]["template"]["spec"];
  YAML::Node c = container();
  EXPECT_EQ(str(pod["serviceAccountName"]), kServiceAccount);
  EXPECT_TRUE(find("ServiceAccount", kServiceAccount));
  EXPECT_EQ(str(pod["priorityClassName"]), "system-cluster-critical");
  EXPECT_EQ(str(pod["nodeSelector"]["kubernetes.io/os"]), "linux");
  EXPECT_FALSE(str(c["image"]).empty());

  YAML::Node sc = c["securityContext"];
  ASSERT_TRUE(sc.IsMap());
  EXPECT_TRUE(sc["runAsNonRoot"].as<bool>());
  EXPECT_EQ(sc["runAsUser"].as<int>(), 1000);
  EXPECT_TRUE(sc["readOnlyRootFilesystem"].as<bool>());
  EXPECT_FALSE(sc["allowPrivilegeEscalation"].as<bool>());
  EXPECT_FALSE(sc["privileged"] && sc["privileged"].as<bool>());
  EXPECT_EQ(strings(sc["capabilities"]["drop"]), std::vector<std::string>{"ALL"});
  EXPECT_FALSE(sc["capabilities"]["add"]);
  EXPECT_EQ(str(sc["seccompProfile"]["type"]), "RuntimeDefault");
  EXPECT_FALSE(pod["hostNetwork"] && pod["hostNetwork"].as<bool>());

  // /tmp is the one writable place, an emptyDir, and where --cert-dir points.
  std::string volume;
  for (const auto& mount : c["volumeMounts"]) {
    if (str(mount["mountPath"]) == "/tmp") volume = str(mount["name"]);
  }
  ASSERT_FALSE(volume.empty()) << "no /tmp mount";
  bool empty_dir = false;
  for (const auto& v : pod["volumes"]) {
    if (str(v["name"]) == volume) empty_dir = v["emptyDir"].IsDefined();
  }
  EXPECT_TRUE(empty_dir);
  const auto args = deployment_args();
  EXPECT_NE(std::find(args.begin(), args.end(), "--cert-dir=/tmp"), args.end());

  EXPECT_EQ(str(c["resources"]["requests"]["cpu"]), "100m");
  EXPECT_EQ(str(c["resources"]["requests"]["memory"]), "200Mi");
}

TEST(DeployManifests, ProbesUseTheHttpsHealthEndpoints) {
  YAML::Node c = container();
  struct Probe {
    const char* field;
    const char* path;
  };
  for (const Probe& p : {Probe{"livenessProbe", "/livez"}, Probe{"readinessProbe", "/readyz"}}) {
    SCOPED_TRACE(p.field);
    YAML::Node probe = c[p.field];
    ASSERT_TRUE(probe.IsMap());
    EXPECT_EQ(str(probe["httpGet"]["path"]), p.path);
    EXPECT_EQ(str(probe["httpGet"]["port"]), "https");
    EXPECT_EQ(str(probe["httpGet"]["scheme"]), "HTTPS");
    EXPECT_EQ(probe["periodSeconds"].as<int>(), 10);  // metrics-server's manifests
    EXPECT_EQ(probe["failureThreshold"].as<int>(), 3);
  }
  EXPECT_EQ(c["readinessProbe"]["initialDelaySeconds"].as<int>(), 20);
  // The probes are unauthenticated: the paths must stay in the always-allowed list, which the args
  // must not narrow.
  for (const auto& arg : deployment_args()) EXPECT_NE(arg.rfind("--authorization-always-allow-paths", 0), 0u) << arg;
}

// ---------------------------------------------------------------------------------------------------------
// Flags

// `--help`: flag name → whether it takes a value (a type word follows the name).
std::map<std::string, bool> help_flags() {
  CommandResult help = run_binary({"--help"});
  EXPECT_EQ(help.exit_code, 0) << help.output;
  std::map<std::string, bool> flags;
  std::istringstream lines(help.output);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string word;
    words >> word;
    if (word.size() == 3 && word[0] == '-' && word[2] == ',') words >> word;  // "-l, --node-selector"
    if (word.rfind("--", 0) != 0 || word.size() < 3) continue;
    std::string next;
    words >> next;
    // Descriptions start with a capital letter; types ("string", "duration", "strings", "int32Slice") do not.
    const bool takes_value = !next.empty() && std::islower(static_cast<unsigned char>(next[0])) != 0;
    flags[word.substr(2)] = takes_value;
  }
  return flags;
}

TEST(DeployManifests, EveryDeploymentFlagIsAcceptedByTheBinary) {
  const auto flags = help_flags();
  ASSERT_GT(flags.size(), 50u) << "--help parsed badly";
  ASSERT_EQ(flags.count("secure-port"), 1u);
  EXPECT_TRUE(flags.at("secure-port"));
  EXPECT_FALSE(flags.at("kubelet-use-node-status-port"));
  const auto args = deployment_args();
  ASSERT_FALSE(args.empty());
  for (const auto& arg : args) {
    SCOPED_TRACE(arg);
    ASSERT_EQ(arg.rfind("--", 0), 0u) << "not a long flag";
    const auto eq = arg.find('=');
    const std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    auto it = flags.find(name);
    ASSERT_NE(it, flags.end()) << "--" << name << " is not in metrics-server --help";
    if (it->second) {
      EXPECT_NE(eq, std::string::npos) << "--" << name << " needs a value";
    }
  }
  // And the binary takes them together: --print-config parses and validates everything, then exits.
  std::vector<std::string> print = args;
  print.push_back("--print-config");
  CommandResult result = run_binary(print);
  EXPECT_EQ(result.exit_code, 0) << result.output;
  YAML::Node config = YAML::Load(result.output);
  EXPECT_EQ(str(config["global"]["resolution"]), "15s");
}

// ---------------------------------------------------------------------------------------------------------
// RBAC

// One kind of API request: (API group, resource[/subresource], verb), optionally limited to a namespace
// and object name.
struct ApiCall {
  std::string group;
  std::string resource;
  std::string verb;
  std::string namespace_name;  // empty: cluster-wide
  std::string object_name;     // empty: any
  // Made by the default pipeline (the Deployment's args); false: only with an optional plugin.
  bool default_pipeline = true;
  const char* origin = "";
};

// Every request the binary makes to the kube-apiserver, or that a kubelet authorizes against it, and
// where in the code it comes from. Keep in step with the code (and with the later dynamic check against
// a fake apiserver enforcing rbac.yaml).
const std::vector<ApiCall>& api_calls() {
  static const std::vector<ApiCall> calls{
      // Cluster view: a client-go style reflector lists in pages, then watches from the resourceVersion.
      {"", "nodes", "list", "", "", true,
       "core/discovery/cluster_view_service.cpp node_reflector_options: GET /api/v1/nodes (reflector.cpp list_page)"},
      {"", "nodes", "watch", "", "", true,
       "core/discovery/cluster_view_service.cpp node_reflector_options: GET /api/v1/nodes?watch=1 "
       "(reflector.cpp watch)"},
      {"", "pods", "list", "", "", true,
       "core/discovery/cluster_view_service.cpp pod_reflector_options: GET /api/v1/pods (metadata only)"},
      {"", "pods", "watch", "", "", true,
       "core/discovery/cluster_view_service.cpp pod_reflector_options: GET /api/v1/pods?watch=1"},
      // Kubelet sources: the kubelet's webhook authorizer maps the path to a nodes subresource (SAR).
      {"", "nodes/metrics", "get", "", "", true,
       "plugins/sources/kubelet_resource/kubelet_resource_config.h path /metrics/resource (the default source)"},
      {"", "nodes/stats", "get", "", "", false,
       "plugins/sources/kubelet_summary/kubelet_summary_config.h path /stats/summary (optional kubelet_summary "
       "source only)"},
      // Delegated authentication (core/auth, --authentication-kubeconfig / in-cluster).
      {"authentication.k8s.io", "tokenreviews", "create", "", "", true,
       "core/auth/review_codec.h TokenReview: POST /apis/authentication.k8s.io/v1/tokenreviews"},
      {"", "configmaps", "list", kNamespace, "extension-apiserver-authentication", true,
       "core/auth (--authentication-skip-lookup=false, core/app/flag_table.cpp): client CA and request-header "
       "settings from ConfigMap kube-system/extension-apiserver-authentication"},
      {"", "configmaps", "watch", kNamespace, "extension-apiserver-authentication", true,
       "core/auth: the same ConfigMap, watched for CA rotation"},
      // Delegated authorization.
      {"authorization.k8s.io", "subjectaccessreviews", "create", "", "", true,
       "core/auth/review_codec.h SubjectAccessReview: POST /apis/authorization.k8s.io/v1/subjectaccessreviews"},
  };
  return calls;
}

// Grants rbac.yaml keeps although no code path makes the call: metrics-server's ClusterRole has them
// (behaviour doc §4.5) and tooling that checks for its RBAC expects them. Nothing else may be extra.
const std::set<std::tuple<std::string, std::string, std::string>> kParityOnlyGrants{
    {"", "nodes", "get"},
    {"", "pods", "get"},
};

struct Rule {
  std::vector<std::string> groups, resources, verbs, names;
  std::string namespace_name;  // a Role's namespace; empty for ClusterRoles
};

// The bootstrap roles of every cluster (kubernetes/plugin/pkg/auth/authorizer/rbac/bootstrappolicy)
// that rbac.yaml binds to; they are not ours to define.
const std::map<std::string, std::vector<Rule>>& builtin_roles() {
  static const std::map<std::string, std::vector<Rule>> roles{
      {"ClusterRole/system:auth-delegator",
       {Rule{{"authentication.k8s.io"}, {"tokenreviews"}, {"create"}, {}, ""},
        Rule{{"authorization.k8s.io"}, {"subjectaccessreviews"}, {"create"}, {}, ""}}},
      {"Role/kube-system/extension-apiserver-authentication-reader",
       {Rule{{""}, {"configmaps"}, {"get", "list", "watch"}, {"extension-apiserver-authentication"}, kNamespace}}},
  };
  return roles;
}

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end() ||
         std::find(list.begin(), list.end(), "*") != list.end();
}

bool allows(const Rule& rule, const ApiCall& call) {
  if (!rule.namespace_name.empty() && rule.namespace_name != call.namespace_name) return false;
  if (!rule.names.empty() && (call.object_name.empty() || !contains(rule.names, call.object_name))) return false;
  return contains(rule.groups, call.group) && contains(rule.resources, call.resource) &&
         contains(rule.verbs, call.verb);
}

std::vector<Rule> rules_of(const YAML::Node& role, const std::string& namespace_name) {
  std::vector<Rule> out;
  for (const auto& r : role["rules"]) {
    out.push_back(Rule{strings(r["apiGroups"]), strings(r["resources"]), strings(r["verbs"]),
                       strings(r["resourceNames"]), namespace_name});
  }
  return out;
}

bool binds_service_account(const YAML::Node& binding) {
  for (const auto& s : binding["subjects"]) {
    if (str(s["kind"]) == "ServiceAccount" && str(s["name"]) == kServiceAccount &&
        str(s["namespace"]) == kNamespace) {
      return true;
    }
  }
  return false;
}

// Each rule the server's ServiceAccount holds, with the role it comes from.
std::vector<std::pair<std::string, Rule>> service_account_rules() {
  std::vector<std::pair<std::string, Rule>> out;
  for (const char* kind : {"ClusterRoleBinding", "RoleBinding"}) {
    for (const auto& doc : of_kind(kind)) {
      if (!binds_service_account(doc.node)) continue;
      const YAML::Node ref = doc.node["roleRef"];
      const std::string role_kind = str(ref["kind"]);
      const std::string role_name = str(ref["name"]);
      // A ClusterRole bound by a RoleBinding applies in the binding's namespace only.
      const std::string ns = std::string(kind) == "RoleBinding" ? str(doc.node["metadata"]["namespace"]) : "";
      if (auto role = find(role_kind, role_name)) {
        for (auto& rule : rules_of(role->node, ns)) out.emplace_back(role_kind + "/" + role_name, rule);
        continue;
      }
      const std::string key =
          role_kind == "Role" ? role_kind + "/" + ns + "/" + role_name : role_kind + "/" + role_name;
      auto builtin = builtin_roles().find(key);
      if (builtin == builtin_roles().end()) continue;  // reported by BindingsReferenceExistingSubjectsAndRoles
      for (Rule rule : builtin->second) {
        if (!ns.empty()) rule.namespace_name = ns;
        out.emplace_back(key, rule);
      }
    }
  }
  return out;
}

TEST(DeployManifests, AllRbacObjectsLiveInRbacYaml) {
  for (const auto& doc : documents()) {
    const std::string kind = str(doc.node["kind"]);
    if (kind == "ClusterRole" || kind == "Role" || kind == "ClusterRoleBinding" || kind == "RoleBinding") {
      EXPECT_EQ(doc.file, "rbac.yaml") << kind << " " << str(doc.node["metadata"]["name"]);
    }
  }
  EXPECT_TRUE(find("ClusterRole", "system:metrics-server"));
  EXPECT_TRUE(find("ClusterRoleBinding", "system:metrics-server"));
  EXPECT_TRUE(find("ClusterRoleBinding", "metrics-server:system:auth-delegator"));
  EXPECT_TRUE(find("RoleBinding", "metrics-server-auth-reader"));
  EXPECT_TRUE(find("ClusterRole", "system:aggregated-metrics-reader"));
}

TEST(DeployManifests, BindingsReferenceExistingSubjectsAndRoles) {
  ASSERT_TRUE(find("ServiceAccount", kServiceAccount));
  const std::map<std::string, std::string> expected_roles{
      {"ClusterRoleBinding/system:metrics-server", "ClusterRole/system:metrics-server"},
      {"ClusterRoleBinding/metrics-server:system:auth-delegator", "ClusterRole/system:auth-delegator"},
      {"RoleBinding/metrics-server-auth-reader", "Role/extension-apiserver-authentication-reader"},
  };
  std::size_t bindings = 0;
  for (const char* kind : {"ClusterRoleBinding", "RoleBinding"}) {
    for (const auto& doc : of_kind(kind)) {
      ++bindings;
      const std::string name = str(doc.node["metadata"]["name"]);
      SCOPED_TRACE(std::string(kind) + "/" + name);
      EXPECT_TRUE(binds_service_account(doc.node));
      EXPECT_EQ(doc.node["subjects"].size(), 1u);
      const YAML::Node ref = doc.node["roleRef"];
      EXPECT_EQ(str(ref["apiGroup"]), "rbac.authorization.k8s.io");
      const std::string role = str(ref["kind"]) + "/" + str(ref["name"]);
      auto expected = expected_roles.find(std::string(kind) + "/" + name);
      ASSERT_NE(expected, expected_roles.end()) << "unexpected binding";
      EXPECT_EQ(role, expected->second);
      // The role is ours (in the manifests) or a bootstrap role.
      const bool ours = find(str(ref["kind"]), str(ref["name"])).has_value();
      const std::string builtin_key = str(ref["kind"]) == "Role"
                                          ? "Role/" + str(doc.node["metadata"]["namespace"]) + "/" + str(ref["name"])
                                          : role;
      EXPECT_TRUE(ours || builtin_roles().count(builtin_key) != 0) << role << " does not exist";
    }
  }
  EXPECT_EQ(bindings, expected_roles.size());
}

TEST(DeployManifests, RbacGrantsExactlyTheApiCallsTheBinaryMakes) {
  const auto rules = service_account_rules();
  // 1. Every call of the default pipeline is allowed; the optional summary source's is not (adding that
  //    source needs `get nodes/stats` added to system:metrics-server).
  for (const ApiCall& call : api_calls()) {
    SCOPED_TRACE(call.verb + " " + call.group + "/" + call.resource + " (" + call.origin + ")");
    bool allowed = false;
    for (const auto& [role, rule] : rules) allowed = allowed || allows(rule, call);
    EXPECT_EQ(allowed, call.default_pipeline);
  }
  // 2. Every grant in the roles rbac.yaml defines is needed by a call of the default pipeline (or is one of
  //    metrics-server's parity grants). The bootstrap roles are the cluster's, not ours to trim.
  std::set<std::tuple<std::string, std::string, std::string>> used_parity;
  for (const auto& [role, rule] : rules) {
    if (builtin_roles().count(role) != 0) continue;
    for (const auto& group : rule.groups) {
      for (const auto& resource : rule.resources) {
        for (const auto& verb : rule.verbs) {
          SCOPED_TRACE(role + ": " + verb + " " + group + "/" + resource);
          EXPECT_NE(group, "*");
          EXPECT_NE(resource, "*");
          EXPECT_NE(verb, "*");
          bool needed = false;
          for (const ApiCall& call : api_calls()) {
            needed = needed || (call.default_pipeline && call.group == group && call.resource == resource &&
                                call.verb == verb);
          }
          if (kParityOnlyGrants.count({group, resource, verb}) != 0) {
            used_parity.insert({group, resource, verb});
            continue;
          }
          EXPECT_TRUE(needed) << "granted but never called";
        }
      }
    }
  }
  EXPECT_EQ(used_parity, kParityOnlyGrants);
}

TEST(DeployManifests, TheDeploymentRunsOnlyTheKubeletResourceSource) {
  // The RBAC above assumes the default pipeline: sources that reach kubelets on /metrics/resource only.
  std::vector<std::string> args = deployment_args();
  args.push_back("--print-config");
  CommandResult result = run_binary(args);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  YAML::Node config = YAML::Load(result.output);
  ASSERT_TRUE(config["sources"].IsSequence());
  ASSERT_EQ(config["sources"].size(), 1u);
  EXPECT_EQ(str(config["sources"][0]["plugin"]), "kubelet_resource");
  EXPECT_EQ(str(config["sources"][0]["options"]["path"]), "/metrics/resource");
  // Nodes are discovered from the kube-apiserver (the list/watch calls), not given statically.
  const YAML::Node nodes = config["sources"][0]["options"]["nodes"];
  EXPECT_TRUE(!nodes || nodes.IsNull() || nodes.size() == 0);
  EXPECT_TRUE(config["sources"][0]["options"]["use_node_status_port"].as<bool>());
}

TEST(DeployManifests, AggregatedReaderRoleLetsViewEditAndAdminReadMetrics) {
  auto role = find("ClusterRole", "system:aggregated-metrics-reader");
  ASSERT_TRUE(role);
  const YAML::Node labels = role->node["metadata"]["labels"];
  for (const char* to : {"view", "edit", "admin"}) {
    EXPECT_EQ(str(labels[std::string("rbac.authorization.k8s.io/aggregate-to-") + to]), "true") << to;
  }
  const auto rules = rules_of(role->node, "");
  ASSERT_EQ(rules.size(), 1u);
  EXPECT_EQ(rules[0].groups, std::vector<std::string>{"metrics.k8s.io"});
  EXPECT_EQ(std::set<std::string>(rules[0].resources.begin(), rules[0].resources.end()),
            (std::set<std::string>{"pods", "nodes"}));
  EXPECT_EQ(std::set<std::string>(rules[0].verbs.begin(), rules[0].verbs.end()),
            (std::set<std::string>{"get", "list", "watch"}));
  // For users, not for the server: nothing binds it.
  for (const char* kind : {"ClusterRoleBinding", "RoleBinding"}) {
    for (const auto& doc : of_kind(kind)) {
      EXPECT_NE(str(doc.node["roleRef"]["name"]), "system:aggregated-metrics-reader");
    }
  }
}

}  // namespace
