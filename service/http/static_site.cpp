#include "service/http/static_site.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>

#include "service/http/envelope.hpp"

namespace fedflow::http {

namespace fs = std::filesystem;

namespace {

std::string ContentTypeOf(const std::string& name) {
  static const std::map<std::string, std::string> kTypes = {
      {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},   {".svg", "image/svg+xml"},
      {".png", "image/png"},                 {".ico", "image/x-icon"},
      {".json", "application/json"},         {".map", "application/json"},
      {".woff2", "font/woff2"},              {".txt", "text/plain; charset=utf-8"}};
  auto it = kTypes.find(fs::path(name).extension().string());
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

StatusOr<std::string> ReadFile(const fs::path& path, std::size_t max_bytes) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) return NotFoundError("board: cannot read " + path.string() + ": " + ec.message());
  if (size > max_bytes) {
    return InvalidArgumentError("board: " + path.string() + " is larger than " + std::to_string(max_bytes) + " bytes");
  }
  std::ifstream in(path, std::ios::binary);
  std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return InternalError("board: cannot read " + path.string());
  return body;
}

void PageHeaders(HttpResponse& r, bool immutable) {
  r.headers.emplace_back("Cache-Control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  // The page talks only to this server; no inline script can run, no other site can frame it.
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                         "frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
}

}  // namespace

StatusOr<StaticSite> StaticSite::Load(const std::string& dir, const StaticSiteLimits& limits) {
  StaticSite site;
  const fs::path root(dir);
  auto add = [&](const std::string& key, const fs::path& path) -> Status {
    if (site.files_.size() >= limits.max_files) {
      return InvalidArgumentError("board: more than " + std::to_string(limits.max_files) + " files in " + dir);
    }
    FEDFLOW_ASSIGN_OR_RETURN(std::string body, ReadFile(path, limits.max_file_bytes));
    site.total_bytes_ += body.size();
    if (site.total_bytes_ > limits.max_total_bytes) {
      return InvalidArgumentError("board: the files of " + dir + " exceed " + std::to_string(limits.max_total_bytes) +
                                  " bytes");
    }
    site.files_[key] = File{ContentTypeOf(key), std::move(body)};
    return Status::OK();
  };
  if (!fs::is_regular_file(root / "index.html")) {
    return NotFoundError("board: no index.html in " + dir + " (build it: cd board && npm ci && npm run build)");
  }
  FEDFLOW_RETURN_IF_ERROR(add("index.html", root / "index.html"));
  static const std::regex kName("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  std::error_code ec;
  for (fs::directory_iterator it(root / "assets", ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!it->is_regular_file() || !std::regex_match(name, kName)) continue;
    FEDFLOW_RETURN_IF_ERROR(add("assets/" + name, it->path()));
  }
  return site;
}

StaticSite StaticSite::Unavailable(std::string why) {
  StaticSite site;
  site.unavailable_ = std::move(why);
  return site;
}

std::optional<HttpResponse> StaticSite::Serve(const std::string& path) const {
  std::string key;
  if (path == "/" || path == "/board" || path == "/board/" || path == "/index.html") {
    key = "index.html";
  } else if (path.rfind("/board/assets/", 0) == 0) {
    key = path.substr(std::string("/board/").size());
  } else {
    return std::nullopt;
  }
  if (!unavailable_.empty()) return JsonError(NotFoundError(unavailable_));
  auto it = files_.find(key);
  if (it == files_.end()) return JsonError(NotFoundError("the board has no file " + path));
  HttpResponse r;
  r.content_type = it->second.content_type;
  r.body = it->second.body;
  PageHeaders(r, key != "index.html");
  return r;
}

}  // namespace fedflow::http
