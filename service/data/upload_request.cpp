#include "service/data/upload_request.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "base/ids.hpp"
#include "service/data/csv.hpp"

namespace fedflow::data {

namespace bj = boost::json;

namespace {

StatusOr<std::string> String(const bj::object& o, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    const bj::value* v = o.if_contains(k);
    if (!v || v->is_null()) continue;
    if (v->is_string()) return std::string(v->as_string());
    if (v->is_int64()) return std::to_string(v->as_int64());
    return InvalidArgumentError(std::string("'") + k + "' must be a string");
  }
  return std::string();
}

/// FATE writes flags as 1/0, true/false or "1"/"true".
StatusOr<bool> Flag(const bj::object& o, std::initializer_list<const char*> keys, bool fallback) {
  for (const char* k : keys) {
    const bj::value* v = o.if_contains(k);
    if (!v || v->is_null()) continue;
    if (v->is_bool()) return v->as_bool();
    if (v->is_int64() && (v->as_int64() == 0 || v->as_int64() == 1)) return v->as_int64() == 1;
    if (v->is_string()) {
      std::string s(v->as_string());
      if (s == "1" || s == "true") return true;
      if (s == "0" || s == "false") return false;
    }
    return InvalidArgumentError(std::string("'") + k + "' must be true/false or 1/0");
  }
  return fallback;
}

}  // namespace

Status CheckTableName(const std::string& ns, const std::string& name) {
  if (ns.empty()) return InvalidArgumentError("missing 'namespace' of the table");
  if (name.empty()) return InvalidArgumentError("missing 'name' (FATE 1.x: 'table_name') of the table");
  bool ns_ok = ns.size() <= 128 && std::all_of(ns.begin(), ns.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
  if (!ns_ok) return InvalidArgumentError("namespace '" + ns.substr(0, 64) + "' may hold only letters, digits, _ and -");
  if (!IsSafeIdentifier(name, 128)) {
    return InvalidArgumentError("table name '" + name.substr(0, 64) + "' may hold only letters, digits, _ . and - "
                                "(no path characters)");
  }
  return Status::OK();
}

StatusOr<TableRequest> ParseTableRequest(const bj::object& args, bool need_file) {
  TableRequest r;
  FEDFLOW_ASSIGN_OR_RETURN(r.table_namespace, String(args, {"namespace"}));
  FEDFLOW_ASSIGN_OR_RETURN(r.table_name, String(args, {"name", "table_name"}));
  FEDFLOW_RETURN_IF_ERROR(CheckTableName(r.table_namespace, r.table_name));
  FEDFLOW_ASSIGN_OR_RETURN(r.file, String(args, {"file", "path"}));
  if (need_file && r.file.empty()) return InvalidArgumentError("missing 'file': the CSV to read (a path on the server)");
  FEDFLOW_ASSIGN_OR_RETURN(r.ingest.have_header, Flag(args, {"head"}, true));
  FEDFLOW_ASSIGN_OR_RETURN(r.ingest.extend_sid, Flag(args, {"extend_sid"}, false));
  FEDFLOW_ASSIGN_OR_RETURN(r.overwrite, Flag(args, {"drop", "overwrite"}, false));
  bj::object meta;
  if (const bj::value* m = args.if_contains("meta"); m && !m->is_null()) {
    if (m->is_string()) {  // FATE's multipart form sends meta as a JSON string
      boost::system::error_code ec;
      bj::value parsed = bj::parse(m->as_string(), ec);
      if (ec || !parsed.is_object()) return InvalidArgumentError("'meta' must be a JSON object");
      meta = parsed.as_object();
    } else if (m->is_object()) {
      meta = m->as_object();
    } else {
      return InvalidArgumentError("'meta' must be an object");
    }
  }
  FEDFLOW_ASSIGN_OR_RETURN(std::string delimiter, String(args, {"delimiter", "id_delimiter"}));
  if (delimiter.empty()) {
    FEDFLOW_ASSIGN_OR_RETURN(delimiter, String(meta, {"delimiter"}));
  }
  FEDFLOW_ASSIGN_OR_RETURN(r.ingest.delimiter, ParseDelimiter(delimiter));
  FEDFLOW_ASSIGN_OR_RETURN(r.ingest.id_column, String(args, {"id_column"}));
  if (r.ingest.id_column.empty()) {
    FEDFLOW_ASSIGN_OR_RETURN(r.ingest.id_column, String(meta, {"match_id_name", "sample_id_name"}));
  }
  FEDFLOW_ASSIGN_OR_RETURN(r.ingest.label_column, String(args, {"label_column"}));
  if (r.ingest.label_column.empty()) {
    FEDFLOW_ASSIGN_OR_RETURN(bool with_label, Flag(meta, {"with_label"}, true));
    if (with_label) {
      FEDFLOW_ASSIGN_OR_RETURN(r.ingest.label_column, String(meta, {"label_name"}));
    }
  }
  const bj::value* parts = args.if_contains("partitions");
  if (!parts) parts = args.if_contains("partition");
  if (parts && !parts->is_null()) {
    // Query strings carry numbers as text.
    std::int64_t n = parts->is_int64() ? parts->as_int64() : -1;
    if (parts->is_string() && !parts->as_string().empty() && parts->as_string().size() < 6 &&
        parts->as_string().find_first_not_of("0123456789") == std::string::npos) {
      n = std::stoll(std::string(parts->as_string()));
    }
    if (n < 1 || n > 10000) return InvalidArgumentError("'partitions' must be an integer 1..10000");
    r.partitions = static_cast<std::int32_t>(n);
  }
  return r;
}

}  // namespace fedflow::data
