#pragma once
// Terminal output of the CLI: aligned tables for people, raw JSON for scripts.

#include <iosfwd>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

namespace fedflow::cli {

/// A text table with a header row; columns sized to their widest cell.
class Table final {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void Add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void Print(std::ostream& out) const;
  bool empty() const { return rows_.empty(); }

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

/// Pretty-printed JSON (2-space indent).
void PrintJson(std::ostream& out, const boost::json::value& v);

/// A field of an object as display text ("" when absent, numbers and bools printed).
std::string Field(const boost::json::value& object, const char* key);

/// "1.2s" / "3m04s" from milliseconds; "" for missing.
std::string Duration(const boost::json::value& ms);

/// Local time "YYYY-MM-DD HH:MM:SS" of epoch milliseconds; "" for 0/null.
std::string Time(const boost::json::value& ms);

}  // namespace fedflow::cli
