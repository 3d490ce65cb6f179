#pragma once
// The web board's built files, served from memory: read once at start from a directory
// (index.html and assets/<name>), so no request can name a file outside what was read, and a
// page costs no disk access. Serves "/" and "/board/" (index.html) and "/board/assets/<name>".

#include <cstddef>
#include <map>
#include <optional>
#include <string>

#include "base/status.hpp"
#include "service/http/http_types.hpp"

namespace fedflow::http {

/// Limits of what a site may hold (a wrong `board.dir` must not load a whole disk into memory).
struct StaticSiteLimits {
  std::size_t max_files = 256;
  std::size_t max_file_bytes = 8u << 20;
  std::size_t max_total_bytes = 32u << 20;
};

class StaticSite final {
 public:
  /// Reads `dir`/index.html and the regular files of `dir`/assets (names of letters, digits,
  /// _ . -). A missing index.html, a file over a limit or an unreadable file is an error naming it.
  static StatusOr<StaticSite> Load(const std::string& dir, const StaticSiteLimits& limits = {});
  /// A site that answers every page with 404 and `why` (the board is off or not built).
  static StaticSite Unavailable(std::string why);

  /// The answer for a GET of `path`, or nullopt when the path is not the site's.
  std::optional<HttpResponse> Serve(const std::string& path) const;
  std::size_t file_count() const { return files_.size(); }
  std::size_t total_bytes() const { return total_bytes_; }

 private:
  struct File {
    std::string content_type;
    std::string body;
  };
  std::map<std::string, File> files_;  ///< "index.html", "assets/<name>"
  std::size_t total_bytes_ = 0;
  std::string unavailable_;            ///< non-empty: the reason every page is 404
};

}  // namespace fedflow::http
