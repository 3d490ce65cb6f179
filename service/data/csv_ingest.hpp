#pragma once
// Reading a CSV table once, completely: every line is checked (UTF-8, field count, a non-empty
// id) and the schema is detected (column names and types, id and label columns, row count).
// Uploads also write the normalized copy (comma-delimited, header first) as they read.

#include <cstdint>
#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "base/status.hpp"

namespace fedflow::data {

/// How to read the input.
struct IngestOptions {
  char delimiter = ',';
  bool have_header = true;   ///< false: columns are named id, x0, x1, ...
  std::string id_column;     ///< "" = the first column
  std::string label_column;  ///< "" = no label
  bool extend_sid = false;   ///< prepend a "sid" column numbering the rows (it becomes the id)
};

/// What a table holds.
struct TableSchema {
  std::vector<std::string> header;
  std::vector<std::string> types;  ///< per column: "int", "float" or "string" (empty values ignored)
  std::string id_column;
  std::string label_column;
  char delimiter = ',';
  std::int64_t rows = 0;

  boost::json::object ToJson() const;
  /// The feature columns: all but the id and the label.
  std::vector<std::string> Features() const;
};

/// Reads all of `in`. Errors name the line (1-based, header included) and say what to fix;
/// `out` (when given) receives the normalized CSV and must be discarded on error.
StatusOr<TableSchema> IngestCsv(std::istream& in, const IngestOptions& options, std::ostream* out);

/// The first `limit` records of a CSV file (header excluded), split into fields.
struct CsvHead {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};
StatusOr<CsvHead> ReadCsvHead(const std::string& path, char delimiter, bool have_header, std::int64_t limit);

}  // namespace fedflow::data
