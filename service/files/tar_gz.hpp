#pragma once
// Building a .tar.gz in memory (ustar entries, gzip via zlib) for log and data downloads.

#include <string>
#include <utility>
#include <vector>

#include "base/status.hpp"

namespace fedflow::files {

/// Archives every regular file under `dir`, with names relative to `dir`'s parent prefixed by
/// `top` (e.g. top "job_123_log" -> "job_123_log/guest/9999/..."). Fails on unreadable files.
StatusOr<std::string> TarGzDirectory(const std::string& dir, const std::string& top);

/// A one-file archive.
StatusOr<std::string> TarGzFile(const std::string& name, const std::string& content);
/// An archive of (name, content) entries, in order.
StatusOr<std::string> TarGzEntries(const std::vector<std::pair<std::string, std::string>>& entries);

/// The regular files of a .tar.gz (ustar or plain tar), in order, as (name, content). Names are
/// returned as written: callers check them. Refuses more than `max_bytes` unpacked or
/// `max_entries` files, links and devices, and bad checksums or truncation.
StatusOr<std::vector<std::pair<std::string, std::string>>> UntarGzEntries(const std::string& archive,
                                                                          std::size_t max_bytes,
                                                                          std::size_t max_entries);

}  // namespace fedflow::files
