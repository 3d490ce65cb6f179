#include "service/files/text_lines.hpp"

#include <deque>
#include <fstream>

namespace fedflow::files {

StatusOr<std::vector<Line>> ReadLines(const std::string& path, const LineRange& range, std::int64_t* total) {
  std::ifstream in(path);
  if (!in) return NotFoundError("no log at " + path);
  std::deque<Line> kept;
  std::string text;
  std::int64_t n = 0;
  while (std::getline(in, text)) {
    ++n;
    if (n < range.begin || (range.end > 0 && n > range.end)) continue;
    if (!range.contains.empty() && text.find(range.contains) == std::string::npos) continue;
    kept.push_back(Line{n, std::move(text)});
    std::int64_t cap = range.tail > 0 ? range.tail : range.limit;
    if (static_cast<std::int64_t>(kept.size()) > cap) {
      if (range.tail > 0) {
        kept.pop_front();
      } else {
        kept.pop_back();
        break;
      }
    }
  }
  if (total) *total = n;
  return std::vector<Line>(kept.begin(), kept.end());
}

}  // namespace fedflow::files
