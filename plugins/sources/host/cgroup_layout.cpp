#include "cgroup_layout.h"

#include "pseudo_file.h"

namespace mpf::sources::host {

const char* cgroup_mode_name(CgroupMode mode) {
  switch (mode) {
    case CgroupMode::kNone: return "none";
    case CgroupMode::kV1: return "v1";
    case CgroupMode::kHybrid: return "hybrid";
    case CgroupMode::kV2: return "v2";
  }
  return "unknown";
}

CgroupLayout detect_cgroup_layout(const std::string& cgroup_root) {
  CgroupLayout layout;
  if (path_exists(cgroup_root + "/cgroup.controllers")) {
    layout.mode = CgroupMode::kV2;
    layout.unified = cgroup_root;
    return layout;
  }
  // systemd mounts cpu and cpuacct together and links both single names to the combined directory;
  // a hand-made mount may use any one of these names.
  for (const char* name : {"cpuacct", "cpu,cpuacct", "cpuacct,cpu"}) {
    if (is_directory_followed(cgroup_root + "/" + name)) {
      layout.cpuacct = cgroup_root + "/" + name;
      break;
    }
  }
  if (is_directory_followed(cgroup_root + "/memory")) layout.memory = cgroup_root + "/memory";
  const bool has_unified = path_exists(cgroup_root + "/unified/cgroup.controllers");
  if (has_unified) layout.unified = cgroup_root + "/unified";
  if (!layout.cpuacct.empty() || !layout.memory.empty()) {
    layout.mode = has_unified ? CgroupMode::kHybrid : CgroupMode::kV1;
  } else if (has_unified) {
    layout.mode = CgroupMode::kV2;
  }
  return layout;
}

}  // namespace mpf::sources::host
