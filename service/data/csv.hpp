#pragma once
// CSV as fedflow stores and serves tables: one record per line, RFC 4180 quoting ("a,b",
// "say ""hi""") within a line, any single-character delimiter. Multi-line fields are refused.

#include <string>
#include <string_view>
#include <vector>

#include "base/status.hpp"

namespace fedflow::data {

/// Splits one line (no line terminator) into fields. InvalidArgument for a quote left open or
/// text after a closing quote.
StatusOr<std::vector<std::string>> SplitCsvLine(std::string_view line, char delimiter);
/// Joins fields, quoting those holding the delimiter, a quote, CR or LF.
std::string JoinCsvLine(const std::vector<std::string>& fields, char delimiter = ',');
/// True when `text` is well-formed UTF-8 (no overlong forms, no surrogates).
bool IsValidUtf8(std::string_view text);
/// "," for "" or ",", "\t" for "\\t" or "tab", the character itself for any other single character;
/// InvalidArgument otherwise.
StatusOr<char> ParseDelimiter(const std::string& text);

}  // namespace fedflow::data
