#pragma once
// Files only this server's user may read (task configs with worker tokens, keys, tables): created
// with mode 0600 from the start, so there is no moment when another local user could read them.

#include <string>

#include "base/status.hpp"

namespace fedflow::files {

/// Writes `content` to `path` (replacing it) with mode 0600; a symlink at `path` is refused.
Status WritePrivateFile(const std::string& path, const std::string& content);

/// Creates `dir` and its missing parents; the directories it creates get mode 0700.
Status MakePrivateDirectories(const std::string& dir);

}  // namespace fedflow::files
