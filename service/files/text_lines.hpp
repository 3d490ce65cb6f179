#pragma once
// Reading slices of text files: line ranges and tails (logs can be large; only what is asked is
// kept in memory).

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.hpp"

namespace fedflow::files {

/// One numbered line (1-based).
struct Line {
  std::int64_t number = 0;
  std::string text;
};

/// Which lines of a file to return.
struct LineRange {
  std::int64_t begin = 1;  ///< first line (1-based)
  std::int64_t end = 0;    ///< last line, inclusive; 0 = to the end
  std::int64_t tail = 0;   ///< when > 0: only the last `tail` lines of the selection
  std::string contains;    ///< when set: only lines containing this text
  std::int64_t limit = 100000;  ///< at most this many lines
};

/// The selected lines of `path` and the file's total line count. NotFound when missing.
StatusOr<std::vector<Line>> ReadLines(const std::string& path, const LineRange& range, std::int64_t* total);

}  // namespace fedflow::files
