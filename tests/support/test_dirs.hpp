#pragma once
// Scratch directories for tests, under the ctest working directory (never /tmp).

#include <cstddef>
#include <string>

namespace fedflow::testing {

/// A fresh, empty directory `<cwd>/scratch/<name>-<pid>-<n>`.
std::string FreshDir(const std::string& name);

/// Reads a whole file ("" when missing).
std::string ReadFile(const std::string& path);
/// Writes a whole file (parents created).
void WriteFile(const std::string& path, const std::string& text);
/// Regular files anywhere under `dir` (0 when it does not exist).
std::size_t CountFilesUnder(const std::string& dir);

}  // namespace fedflow::testing
