#include "service/files/safe_path.hpp"

#include <filesystem>

#include "base/ids.hpp"

namespace fedflow::files {

namespace fs = std::filesystem;

bool IsUnder(const std::string& root, const std::string& path) {
  std::error_code ec;
  fs::path r = fs::weakly_canonical(fs::path(root), ec);
  if (ec) return false;
  fs::path p = fs::weakly_canonical(fs::path(path), ec);
  if (ec) return false;
  auto ri = r.begin(), pi = p.begin();
  for (; ri != r.end(); ++ri, ++pi) {
    if (pi == p.end() || *ri != *pi) return false;
  }
  return true;
}

StatusOr<std::string> PathUnder(const std::string& root, const std::vector<std::string>& parts) {
  fs::path p(root);
  for (const auto& part : parts) {
    if (!IsSafeIdentifier(part, 200)) {
      return PermissionDeniedError("path part '" + part + "' is not allowed: use letters, digits, _ . - only");
    }
    p /= part;
  }
  if (!IsUnder(root, p.string())) return PermissionDeniedError("path leaves its root directory");
  return p.string();
}

}  // namespace fedflow::files
