#include "service/data/csv.hpp"

namespace fedflow::data {

StatusOr<std::vector<std::string>> SplitCsvLine(std::string_view line, char delimiter) {
  std::vector<std::string> fields;
  std::string field;
  std::size_t i = 0;
  while (true) {
    field.clear();
    if (i < line.size() && line[i] == '"') {
      ++i;
      while (true) {
        if (i >= line.size()) {
          return InvalidArgumentError("a quoted field is not closed before the end of the line (fields may not span lines)");
        }
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field.push_back(line[i++]);
      }
      if (i < line.size() && line[i] != delimiter) {
        return InvalidArgumentError("text after a closing quote (quote the whole field, double inner quotes)");
      }
    } else {
      while (i < line.size() && line[i] != delimiter) field.push_back(line[i++]);
    }
    fields.push_back(field);
    if (i >= line.size()) break;
    ++i;  // the delimiter
  }
  return fields;
}

std::string JoinCsvLine(const std::vector<std::string>& fields, char delimiter) {
  std::string out;
  for (std::size_t f = 0; f < fields.size(); ++f) {
    if (f) out.push_back(delimiter);
    const std::string& v = fields[f];
    bool quote = v.find_first_of(std::string{delimiter, '"', '\r', '\n'}) != std::string::npos;
    if (!quote) {
      out += v;
      continue;
    }
    out.push_back('"');
    for (char c : v) {
      if (c == '"') out.push_back('"');
      out.push_back(c);
    }
    out.push_back('"');
  }
  return out;
}

bool IsValidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int extra = 0;
    unsigned cp = 0;
    if ((c & 0xE0) == 0xC0) {
      extra = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;  // truncated sequence
    for (int k = 1; k <= extra; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static const unsigned kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

StatusOr<char> ParseDelimiter(const std::string& text) {
  if (text.empty() || text == ",") return ',';
  if (text == "\\t" || text == "tab" || text == "\t") return '\t';
  if (text.size() == 1 && text[0] != '"' && text[0] != '\n' && text[0] != '\r') return text[0];
  return InvalidArgumentError("delimiter must be one character (or \\t), got '" + text + "'");
}

}  // namespace fedflow::data
