#include "cgroup_walk.h"

#include <algorithm>

#include "cgroup_naming.h"
#include "cgroup_stats.h"
#include "pseudo_file.h"

namespace mpf::sources::host {
namespace {

// What the directories above a cgroup said.
struct Scope {
  std::string slice;  // the innermost slice's name without ".slice"; empty outside slices
  bool in_kubepods = false;
};

class Walker {
 public:
  Walker(const CgroupLayout& layout, const WorkloadNames& names, std::chrono::steady_clock::time_point deadline)
      : layout_(layout), names_(names), deadline_(deadline) {}

  WalkResult run() && {
    visit_children("", Scope{}, 0);
    return std::move(result_);
  }

 private:
  // The union of the subdirectory names of `path` over the walked hierarchies, sorted.
  std::vector<std::string> children(const std::string& path) const {
    if (layout_.mode == CgroupMode::kV2) return subdirectory_names(layout_.unified + path);
    std::vector<std::string> names;
    for (const std::string* root : {&layout_.cpuacct, &layout_.memory}) {
      if (root->empty()) continue;
      std::vector<std::string> more = subdirectory_names(*root + path);
      names.insert(names.end(), more.begin(), more.end());
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
  }

  void visit_children(const std::string& path, const Scope& scope, int depth) {
    if (depth >= kMaxCgroupDepth) return;
    for (const std::string& name : children(path)) {
      if (std::chrono::steady_clock::now() > deadline_) {
        result_.timed_out = true;
        return;
      }
      visit(path, name, scope, depth + 1);
    }
  }

  void visit(const std::string& parent, const std::string& name, const Scope& scope, int depth) {
    const std::string path = parent + "/" + name;
    if (scope.in_kubepods) {
      if (std::optional<std::string> uid = pod_uid_of(name)) return visit_pod(path, *uid);
    }
    if (is_kubepods_dir(name, scope.in_kubepods)) {
      Scope inner = scope;
      inner.in_kubepods = true;
      return visit_children(path, inner, depth);
    }
    if (is_runtime_monitor(name)) return;
    if (std::optional<RuntimeContainer> c = runtime_container_of(name, parent)) {
      std::optional<std::string> docker_name = c->docker ? names_.docker_name(c->id) : std::nullopt;
      const std::string shown(docker_name ? std::string(*docker_name) : std::string(short_id(c->id)));
      return emit(WorkloadCgroup::Kind::kContainer, path, c->namespace_name, shown, shown);
    }
    if (std::optional<std::string_view> slice = slice_name_of(name)) {
      Scope inner = scope;
      inner.slice = std::string(*slice);
      return visit_children(path, inner, depth);
    }
    if (std::optional<std::string_view> unit = unit_name_of(name)) {
      // A unit's usage includes its children's, so the walk does not descend into it.
      if (!scope.slice.empty()) return emit(WorkloadCgroup::Kind::kContainer, path, scope.slice, *unit, *unit);
      if (parent.empty() && name == "init.scope") return emit(WorkloadCgroup::Kind::kContainer, path, "system", "init", "init");
    }
    if (depth < kMaxCgroupDepth && !children(path).empty()) return visit_children(path, scope, depth);
    emit(WorkloadCgroup::Kind::kContainer, path, leaf_namespace_of(parent), name, name);
  }

  // A pod cgroup: the pod itself, then each child as a container.
  void visit_pod(const std::string& path, const std::string& uid) {
    if (!cgroup_populated(layout_, path)) {
      ++result_.unpopulated;
      return;
    }
    const PodLogDir* pod = names_.pod(uid);
    const std::string namespace_name = pod != nullptr ? pod->namespace_name : "kubepods";
    const std::string pod_name = pod != nullptr ? pod->pod_name : uid;
    // Once the kubelet logs any container of the pod, an id without a log file is the sandbox.
    const bool logs_known = pod != nullptr && names_.pod_has_container_logs(namespace_name, pod_name);
    emit(WorkloadCgroup::Kind::kPod, path, namespace_name, pod_name, "", /*checked=*/true);
    for (const std::string& child : children(path)) {
      const PodChild c = pod_child_of(child);
      if (c.ignore) continue;
      std::string container_name;
      if (const ContainerLogFile* logged = c.has_id ? names_.container(c.id) : nullptr) {
        container_name = logged->container_name;
      } else if (c.has_id && logs_known) {
        continue;
      } else {
        container_name = std::string(c.has_id ? short_id(c.id) : c.id);
      }
      emit(WorkloadCgroup::Kind::kContainer, path + "/" + child, namespace_name, pod_name, container_name);
    }
  }

  void emit(WorkloadCgroup::Kind kind, const std::string& path, std::string_view namespace_name,
            std::string_view pod_name, std::string_view container_name, bool checked = false) {
    if (!checked && !cgroup_populated(layout_, path)) {
      ++result_.unpopulated;
      return;
    }
    WorkloadCgroup& c = result_.cgroups.emplace_back();
    c.kind = kind;
    c.path = path;
    c.namespace_name = sanitize_name(namespace_name);
    c.pod_name = sanitize_name(pod_name);
    c.container_name = sanitize_name(container_name);
  }

  const CgroupLayout& layout_;
  const WorkloadNames& names_;
  const std::chrono::steady_clock::time_point deadline_;
  WalkResult result_;
};

}  // namespace

WalkResult walk_cgroups(const CgroupLayout& layout, const WorkloadNames& names,
                        std::chrono::steady_clock::time_point deadline) {
  if (layout.mode == CgroupMode::kNone) return {};
  return Walker(layout, names, deadline).run();
}

}  // namespace mpf::sources::host
