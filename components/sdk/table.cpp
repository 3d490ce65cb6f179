#include "components/sdk/table.hpp"

#include <filesystem>
#include <fstream>

namespace fedflow::worker {

namespace bj = boost::json;
namespace fs = std::filesystem;

namespace {

/// One line's cells: comma-separated, a cell in double quotes may hold commas and "" for a quote
/// (RFC 4180, within one line); unquoted cells are trimmed of spaces.
void SplitInto(const std::string& line, std::vector<std::string>* out) {
  out->clear();
  std::string cell;
  bool quoted = false, was_quoted = false;
  auto finish = [&] {
    if (!was_quoted) {
      while (!cell.empty() && (cell.back() == '\r' || cell.back() == ' ')) cell.pop_back();
      while (!cell.empty() && cell.front() == ' ') cell.erase(cell.begin());
    }
    out->push_back(std::move(cell));
    cell.clear();
    was_quoted = false;
  };
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char ch = line[i];
    if (quoted) {
      if (ch != '"') {
        cell.push_back(ch);
      } else if (i + 1 < line.size() && line[i + 1] == '"') {
        cell.push_back('"');
        ++i;
      } else {
        quoted = false;
      }
    } else if (ch == '"' && cell.find_first_not_of(' ') == std::string::npos) {
      cell.clear();
      quoted = was_quoted = true;
    } else if (ch == ',') {
      finish();
    } else if (!(was_quoted && (ch == ' ' || ch == '\r'))) {
      cell.push_back(ch);
    }
  }
  finish();
}

/// A cell as written: quoted when it holds a comma, a quote or a line break.
std::string CsvCell(const std::string& cell) {
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string out = "\"";
  for (char ch : cell) {
    if (ch == '"') out.push_back('"');
    out.push_back(ch);
  }
  return out + "\"";
}

}  // namespace

StatusOr<CsvTable> CsvTable::Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot read " + path);
  CsvTable t;
  std::string line;
  if (!std::getline(in, line)) return InvalidArgumentError(path + " is empty: a table starts with its header");
  SplitInto(line, &t.header);
  std::vector<std::string> cells;
  for (std::int64_t number = 2; std::getline(in, line); ++number) {
    if (line.empty() || line == "\r") continue;
    SplitInto(line, &cells);
    if (cells.size() != t.header.size()) {
      return InvalidArgumentError(path + " line " + std::to_string(number) + " has " + std::to_string(cells.size()) +
                                  " values; the header has " + std::to_string(t.header.size()));
    }
    t.rows.push_back(cells);
  }
  return t;
}

int CsvTable::ColumnOf(const std::string& name) const {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return static_cast<int>(i);
  }
  return -1;
}

Status CsvTable::Write(const std::string& path) const {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  auto line = [&out](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) out << (i ? "," : "") << CsvCell(cells[i]);
    out << '\n';
  };
  line(header);
  for (const auto& r : rows) line(r);
  out.close();
  if (!out) return InternalError("cannot write " + path);
  return Status::OK();
}

StatusOr<std::string> InputDataFile(WorkerSession& session, std::size_t index) {
  const bj::value* inputs = session.config().if_contains("inputs");
  std::size_t seen = 0;
  if (inputs && inputs->is_array()) {
    for (const auto& in : inputs->as_array()) {
      if (!in.is_object() || StringOf(in.as_object(), "kind", "data") == "model") continue;
      if (seen++ != index) continue;
      const std::string dir = StringOf(in.as_object(), "path");
      const std::string name = StringOf(in.as_object(), "producer") + "." + StringOf(in.as_object(), "output");
      if (dir.empty() || !fs::exists(fs::path(dir) / "data.csv")) {
        return FailedPreconditionError("input " + name + " has no data at this party (did " +
                                       StringOf(in.as_object(), "producer") + " run here?)");
      }
      return (fs::path(dir) / "data.csv").string();
    }
  }
  return FailedPreconditionError("the task has no data input number " + std::to_string(index + 1));
}

Status WriteSchema(const std::string& dir, const std::string& id_column, const std::string& label_column) {
  const std::string path = (fs::path(dir) / "schema.json").string();
  std::ofstream out(path, std::ios::trunc);
  out << bj::serialize(bj::object{{"id_column", id_column}, {"label_column", label_column}});
  out.close();
  if (!out) return InternalError("cannot write " + path);
  return Status::OK();
}

StatusOr<DataInput> ReadDataInput(WorkerSession& session, std::size_t index) {
  DataInput in;
  FEDFLOW_ASSIGN_OR_RETURN(in.file, InputDataFile(session, index));
  FEDFLOW_ASSIGN_OR_RETURN(in.table, CsvTable::Read(in.file));
  if (in.table.header.empty()) return InvalidArgumentError(in.file + " has no columns");
  in.id_column = in.table.header[0];
  std::ifstream schema(fs::path(in.file).parent_path() / "schema.json");
  if (schema) {
    std::string text((std::istreambuf_iterator<char>(schema)), {});
    boost::system::error_code ec;
    bj::value v = bj::parse(text, ec);
    if (ec || !v.is_object()) return InvalidArgumentError("the schema.json beside " + in.file + " is not a JSON object");
    const std::string id = StringOf(v.as_object(), "id_column");
    if (!id.empty()) in.id_column = id;
    in.label_column = StringOf(v.as_object(), "label_column");
  }
  if (in.table.ColumnOf(in.id_column) != 0) {
    return InvalidArgumentError(in.file + ": the id column '" + in.id_column + "' must be the first column");
  }
  if (!in.label_column.empty() && in.table.ColumnOf(in.label_column) < 0) {
    return InvalidArgumentError(in.file + ": the label column '" + in.label_column + "' is missing");
  }
  return in;
}

std::string FirstDataOutput(WorkerSession& session) {
  const bj::value* outputs = session.config().if_contains("outputs");
  if (outputs && outputs->is_object()) {
    const bj::value* data = outputs->as_object().if_contains("data");
    if (data && data->is_array() && !data->as_array().empty() && data->as_array()[0].is_string()) {
      return std::string(data->as_array()[0].as_string());
    }
  }
  return "data";
}

Status SaveDataOutput(WorkerSession& session, const std::string& key, const CsvTable& table,
                      const std::string& id_column, const std::string& label_column) {
  const fs::path dir = fs::path(session.output_dir()) / key;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return InternalError("cannot create " + dir.string() + ": " + ec.message());
  const std::string file = (dir / "data.csv").string();
  FEDFLOW_RETURN_IF_ERROR(table.Write(file));
  FEDFLOW_RETURN_IF_ERROR(WriteSchema(dir.string(), id_column, label_column));
  return session
      .PostData("/v2/worker/data/tracking/save",
                bj::object{{"output_key", key}, {"path", file}, {"id_column", id_column}, {"label_column", label_column}})
      .status();
}

}  // namespace fedflow::worker
