#include "service/files/private_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

namespace fedflow::files {

namespace fs = std::filesystem;

Status WritePrivateFile(const std::string& path, const std::string& content) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return InternalError("cannot write " + path + ": " + std::strerror(errno));
  // An existing file keeps its mode through O_TRUNC: make it private too.
  if (::fchmod(fd, 0600) != 0) {
    int err = errno;
    ::close(fd);
    return InternalError("cannot make " + path + " private: " + std::strerror(err));
  }
  std::size_t written = 0;
  while (written < content.size()) {
    ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return InternalError("cannot write " + path + ": " + std::strerror(err));
    }
    written += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) return InternalError("cannot write " + path + ": " + std::strerror(errno));
  return Status::OK();
}

Status MakePrivateDirectories(const std::string& dir) {
  std::vector<fs::path> missing;
  std::error_code ec;
  for (fs::path p = fs::path(dir).lexically_normal(); !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
    missing.push_back(p);
    if (p == p.parent_path()) break;
  }
  fs::create_directories(dir, ec);
  if (ec) return InternalError("cannot create " + dir + ": " + ec.message());
  for (const auto& p : missing) {
    fs::permissions(p, fs::perms::owner_all, fs::perm_options::replace, ec);
    if (ec) return InternalError("cannot make " + p.string() + " private: " + ec.message());
  }
  return Status::OK();
}

}  // namespace fedflow::files
