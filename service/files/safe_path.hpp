#pragma once
// Paths built from request arguments, confined to a root directory: a file endpoint can never
// serve or write anything outside its root (no "..", no absolute parts, no symlink escapes).

#include <string>
#include <vector>

#include "base/status.hpp"

namespace fedflow::files {

/// `root`/`parts[0]`/`parts[1]`/... after checking every part is a plain name
/// (letters, digits, _ . -, not "." or "..") and that the resolved path (symlinks followed, as far
/// as it exists) is still under the resolved root. PermissionDenied names the offending part.
StatusOr<std::string> PathUnder(const std::string& root, const std::vector<std::string>& parts);

/// True when `path` (resolved) lies inside `root` (resolved).
bool IsUnder(const std::string& root, const std::string& path);

}  // namespace fedflow::files
