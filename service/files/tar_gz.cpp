#include "service/files/tar_gz.hpp"

#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace fedflow::files {

namespace fs = std::filesystem;

namespace {

/// Writes `value` as zero-padded octal into a field of `width` bytes (last byte NUL).
void Octal(char* field, std::size_t width, unsigned long long value) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%0*llo", static_cast<int>(width - 1), value);
  std::memcpy(field, buf, width - 1);
  field[width - 1] = '\0';
}

/// Appends one ustar entry (header + content padded to 512 bytes).
Status AppendEntry(std::string& tar, const std::string& name, const std::string& content, std::int64_t mtime) {
  if (name.size() > 255) return InvalidArgumentError("file name too long for tar: " + name);
  char header[512];
  std::memset(header, 0, sizeof(header));
  std::string base = name, prefix;
  if (name.size() > 100) {
    // ustar splits long names into prefix (155) and name (100) at a slash.
    auto slash = name.rfind('/', 155);
    if (slash == std::string::npos || name.size() - slash - 1 > 100) return InvalidArgumentError("path too long for tar: " + name);
    prefix = name.substr(0, slash);
    base = name.substr(slash + 1);
  }
  std::memcpy(header, base.data(), base.size());
  Octal(header + 100, 8, 0644);
  Octal(header + 108, 8, 0);
  Octal(header + 116, 8, 0);
  Octal(header + 124, 12, content.size());
  Octal(header + 136, 12, static_cast<unsigned long long>(mtime));
  std::memset(header + 148, ' ', 8);
  header[156] = '0';
  std::memcpy(header + 257, "ustar", 6);
  std::memcpy(header + 263, "00", 2);
  std::memcpy(header + 345, prefix.data(), prefix.size());
  unsigned sum = 0;
  for (unsigned char c : header) sum += c;
  Octal(header + 148, 7, sum);
  header[155] = ' ';
  tar.append(header, sizeof(header));
  tar.append(content);
  tar.append((512 - content.size() % 512) % 512, '\0');
  return Status::OK();
}

StatusOr<std::string> Gzip(const std::string& data) {
  z_stream zs;
  std::memset(&zs, 0, sizeof(zs));
  // windowBits 15 + 16: gzip wrapper.
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return InternalError("deflateInit2 failed");
  }
  std::string out;
  out.resize(deflateBound(&zs, data.size()) + 32);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return InternalError("gzip failed");
  return out;
}

}  // namespace

StatusOr<std::string> TarGzDirectory(const std::string& dir, const std::string& top) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return NotFoundError("nothing to archive: " + dir + " does not exist");
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); ++it) {
    if (it->is_regular_file()) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  std::string tar;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) return InternalError("cannot read " + f.string());
    std::stringstream ss;
    ss << in.rdbuf();
    auto mtime = std::chrono::duration_cast<std::chrono::seconds>(
                     fs::last_write_time(f, ec).time_since_epoch() -
                     (fs::file_time_type::clock::now().time_since_epoch() -
                      std::chrono::system_clock::now().time_since_epoch()))
                     .count();
    std::string name = top + "/" + fs::relative(f, dir).string();
    FEDFLOW_RETURN_IF_ERROR(AppendEntry(tar, name, ss.str(), mtime < 0 ? 0 : mtime));
  }
  tar.append(1024, '\0');  // two empty blocks end the archive
  return Gzip(tar);
}

StatusOr<std::string> TarGzFile(const std::string& name, const std::string& content) {
  return TarGzEntries({{name, content}});
}

StatusOr<std::string> TarGzEntries(const std::vector<std::pair<std::string, std::string>>& entries) {
  std::string tar;
  for (const auto& [name, content] : entries) FEDFLOW_RETURN_IF_ERROR(AppendEntry(tar, name, content, 0));
  tar.append(1024, '\0');
  return Gzip(tar);
}

}  // namespace fedflow::files
