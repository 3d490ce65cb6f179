#include "service/files/tar_gz.hpp"

#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
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

StatusOr<std::string> Gunzip(const std::string& data, std::size_t max_bytes) {
  z_stream zs;
  std::memset(&zs, 0, sizeof(zs));
  if (inflateInit2(&zs, 15 + 16) != Z_OK) return InternalError("inflateInit2 failed");
  std::string out;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  int rc = Z_OK;
  char buf[65536];
  while (rc != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof(buf);
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      return InvalidArgumentError("the archive is not a valid gzip stream");
    }
    out.append(buf, sizeof(buf) - zs.avail_out);
    if (out.size() > max_bytes) {
      inflateEnd(&zs);
      return InvalidArgumentError("the archive unpacks to more than " + std::to_string(max_bytes) + " bytes");
    }
    if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) {
      inflateEnd(&zs);
      return InvalidArgumentError("the archive's gzip stream is truncated");
    }
  }
  inflateEnd(&zs);
  return out;
}

/// The value of an octal field (NUL or space terminated); nullopt when it is not octal.
std::optional<unsigned long long> ParseOctal(const char* field, std::size_t width) {
  unsigned long long v = 0;
  std::size_t i = 0;
  while (i < width && field[i] == ' ') ++i;
  bool any = false;
  for (; i < width && field[i] != '\0' && field[i] != ' '; ++i) {
    if (field[i] < '0' || field[i] > '7') return std::nullopt;
    v = v * 8 + static_cast<unsigned long long>(field[i] - '0');
    any = true;
  }
  if (!any) return std::nullopt;
  return v;
}

std::string FieldText(const char* field, std::size_t width) { return std::string(field, strnlen(field, width)); }

}  // namespace

StatusOr<std::vector<std::pair<std::string, std::string>>> UntarGzEntries(const std::string& archive,
                                                                          std::size_t max_bytes,
                                                                          std::size_t max_entries) {
  FEDFLOW_ASSIGN_OR_RETURN(std::string tar, Gunzip(archive, max_bytes));
  std::vector<std::pair<std::string, std::string>> entries;
  std::size_t at = 0;
  while (true) {
    if (at + 512 > tar.size()) return InvalidArgumentError("the archive ends inside a tar header");
    const char* header = tar.data() + at;
    if (std::all_of(header, header + 512, [](char c) { return c == '\0'; })) break;  // end of archive
    unsigned sum = 0;
    for (int i = 0; i < 512; ++i) sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(header[i]);
    auto stored_sum = ParseOctal(header + 148, 8);
    if (!stored_sum || *stored_sum != sum) return InvalidArgumentError("a tar header's checksum does not match");
    auto size = ParseOctal(header + 124, 12);
    if (!size) return InvalidArgumentError("a tar header has no valid size");
    const char type = header[156];
    std::string name = FieldText(header, 100);
    const std::string prefix = FieldText(header + 345, 155);
    if (!prefix.empty() && std::memcmp(header + 257, "ustar", 5) == 0) name = prefix + "/" + name;
    at += 512;
    if (*size > tar.size() - at) return InvalidArgumentError("tar entry '" + name.substr(0, 100) + "' is truncated");
    if (type == '0' || type == '\0') {
      if (entries.size() >= max_entries) {
        return InvalidArgumentError("the archive has more than " + std::to_string(max_entries) + " files");
      }
      entries.emplace_back(name, tar.substr(at, *size));
    } else if (type != '5') {
      return InvalidArgumentError("tar entry '" + name.substr(0, 100) + "' is not a regular file or directory");
    }
    at += (*size + 511) / 512 * 512;
  }
  return entries;
}

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
