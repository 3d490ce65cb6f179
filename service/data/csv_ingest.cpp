#include "service/data/csv_ingest.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>

#include <boost/json.hpp>

#include "service/data/csv.hpp"

namespace fedflow::data {

namespace bj = boost::json;

namespace {

/// Column type detection: a column is int while every value is, then float, else string.
struct ColumnKind {
  bool any = false;
  bool all_int = true;
  bool all_number = true;

  void See(const std::string& v) {
    if (v.empty()) return;
    any = true;
    if (all_int) {
      std::int64_t i = 0;
      auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), i);
      all_int = ec == std::errc() && p == v.data() + v.size();
    }
    if (all_number && !all_int) {
      double d = 0;
      auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
      all_number = ec == std::errc() && p == v.data() + v.size();
    }
  }
  std::string Name() const {
    if (!any) return "string";
    if (all_int) return "int";
    return all_number ? "float" : "string";
  }
};

std::string Where(std::int64_t line) { return "line " + std::to_string(line) + ": "; }

/// Reads one line without its terminator (LF or CRLF); false at the end.
bool NextLine(std::istream& in, std::string* line) {
  if (!std::getline(in, *line)) return false;
  if (!line->empty() && line->back() == '\r') line->pop_back();
  return true;
}

}  // namespace

bj::object TableSchema::ToJson() const {
  bj::array columns;
  for (std::size_t i = 0; i < header.size(); ++i) {
    columns.push_back(bj::object{{"name", header[i]}, {"type", i < types.size() ? types[i] : "string"}});
  }
  bj::array header_json;
  for (const auto& h : header) header_json.emplace_back(h);
  return bj::object{{"header", std::move(header_json)},
                    {"columns", std::move(columns)},
                    {"id_column", id_column},
                    {"label_column", label_column},
                    {"delimiter", std::string(1, delimiter)},
                    {"rows", rows}};
}

std::vector<std::string> TableSchema::Features() const {
  std::vector<std::string> out;
  for (const auto& h : header) {
    if (h != id_column && h != label_column) out.push_back(h);
  }
  return out;
}

StatusOr<TableSchema> IngestCsv(std::istream& in, const IngestOptions& o, std::ostream* out) {
  TableSchema schema;
  schema.delimiter = out ? ',' : o.delimiter;
  std::string line;
  std::int64_t line_no = 0;
  std::vector<std::string> first;
  // The header (or the first record, when there is none).
  while (NextLine(in, &line)) {
    ++line_no;
    if (line_no == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // a UTF-8 byte order mark
    if (!line.empty()) break;
  }
  if (line.empty()) return InvalidArgumentError("the file is empty: a CSV with a header line and records is expected");
  if (!IsValidUtf8(line)) return InvalidArgumentError(Where(line_no) + "not valid UTF-8 (save the file as UTF-8)");
  auto fields = SplitCsvLine(line, o.delimiter);
  if (!fields.ok()) return InvalidArgumentError(Where(line_no) + fields.status().message());
  std::int64_t first_record_line = 0;
  if (o.have_header) {
    schema.header = *fields;
    std::vector<std::string> sorted = schema.header;
    std::sort(sorted.begin(), sorted.end());
    for (std::size_t i = 0; i < sorted.size(); ++i) {
      if (sorted[i].empty()) return InvalidArgumentError(Where(line_no) + "a column has no name in the header");
      if (i && sorted[i] == sorted[i - 1]) {
        return InvalidArgumentError(Where(line_no) + "column '" + sorted[i] + "' appears twice in the header");
      }
    }
  } else {
    first = *fields;
    first_record_line = line_no;
    schema.header.push_back("id");
    for (std::size_t i = 1; i < fields->size(); ++i) schema.header.push_back("x" + std::to_string(i - 1));
  }
  const std::size_t width = schema.header.size();
  if (o.extend_sid) schema.header.insert(schema.header.begin(), "sid");

  // Id and label columns.
  schema.id_column = o.extend_sid ? "sid" : (o.id_column.empty() ? schema.header.front() : o.id_column);
  auto column = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(schema.header.begin(), schema.header.end(), name) - schema.header.begin());
  };
  std::string columns_list;
  for (const auto& h : schema.header) columns_list += (columns_list.empty() ? "" : ", ") + h;
  const std::size_t id_index = column(schema.id_column);
  if (id_index == schema.header.size()) {
    return InvalidArgumentError("id column '" + schema.id_column + "' is not in the header (columns: " + columns_list +
                                "); name it with id_column (FATE: meta.match_id_name)");
  }
  if (!o.label_column.empty()) {
    if (column(o.label_column) == schema.header.size()) {
      return InvalidArgumentError("label column '" + o.label_column + "' is not in the header (columns: " + columns_list +
                                  ")");
    }
    schema.label_column = o.label_column;
  }
  if (out) *out << JoinCsvLine(schema.header) << '\n';

  std::vector<ColumnKind> kinds(schema.header.size());
  auto record = [&](std::vector<std::string>& values, std::int64_t at) -> Status {
    if (values.size() != width) {
      return InvalidArgumentError(Where(at) + "has " + std::to_string(values.size()) + " fields, the header has " +
                                  std::to_string(width) + " (ragged rows are refused)");
    }
    if (o.extend_sid) values.insert(values.begin(), std::to_string(schema.rows));
    if (values[id_index].empty()) return InvalidArgumentError(Where(at) + "the id ('" + schema.id_column + "') is empty");
    for (std::size_t i = 0; i < values.size(); ++i) kinds[i].See(values[i]);
    ++schema.rows;
    if (out) *out << JoinCsvLine(values) << '\n';
    return Status::OK();
  };
  if (!first.empty()) FEDFLOW_RETURN_IF_ERROR(record(first, first_record_line));
  while (NextLine(in, &line)) {
    ++line_no;
    if (line.empty()) continue;
    if (!IsValidUtf8(line)) return InvalidArgumentError(Where(line_no) + "not valid UTF-8 (save the file as UTF-8)");
    auto values = SplitCsvLine(line, o.delimiter);
    if (!values.ok()) return InvalidArgumentError(Where(line_no) + values.status().message());
    FEDFLOW_RETURN_IF_ERROR(record(*values, line_no));
  }
  if (in.bad()) return InternalError("reading the input failed after line " + std::to_string(line_no));
  if (schema.rows == 0) return InvalidArgumentError("the file has a header but no records");
  if (out && !*out) return InternalError("writing the table failed (disk full?)");
  for (const auto& k : kinds) schema.types.push_back(k.Name());
  return schema;
}

StatusOr<CsvHead> ReadCsvHead(const std::string& path, char delimiter, bool have_header, std::int64_t limit) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot open " + path);
  CsvHead head;
  std::string line;
  bool header_done = !have_header;
  while (static_cast<std::int64_t>(head.rows.size()) < limit && NextLine(in, &line)) {
    if (line.empty()) continue;
    auto fields = SplitCsvLine(line, delimiter);
    if (!fields.ok()) return fields.status();
    if (!header_done) {
      head.header = std::move(fields).value();
      header_done = true;
      continue;
    }
    head.rows.push_back(std::move(fields).value());
  }
  return head;
}

}  // namespace fedflow::data
