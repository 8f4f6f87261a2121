#pragma once

#include <string>
#include <string_view>

namespace mpf::core {

// A Kubernetes metav1.Status failure body, as the API server writes it for errors it answers itself
// (clients such as kubectl print its message). `details` is a JSON object, "{}" when there are none.
std::string status_body(int code, std::string_view reason, std::string_view message,
                        std::string_view details = "{}");

// metrics-server's generic answer for a path no route takes, byte for byte.
const std::string& not_found_body();

}  // namespace mpf::core
