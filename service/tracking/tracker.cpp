#include "service/tracking/tracker.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "base/ids.hpp"
#include "base/log.hpp"
#include "service/data/csv_ingest.hpp"
#include "service/files/safe_path.hpp"
#include "service/files/tar_gz.hpp"

namespace fedflow::tracking {

namespace bj = boost::json;
namespace fs = std::filesystem;

namespace {

/// An output row of the attempt, before its kind-specific fields.
orm::OutputRow OutputOf(const orm::TaskAttemptRow& a, const char* kind, const std::string& key, const std::string& path) {
  orm::OutputRow row;
  row.job_id = a.job_id;
  row.role = a.role;
  row.party_id = a.party_id;
  row.task_name = a.task_name;
  row.attempt = a.attempt;
  row.kind = kind;
  row.output_key = key;
  row.path = path;
  return row;
}

constexpr std::size_t kMaxValueBytes = 64 * 1024;
constexpr std::size_t kMaxPointsPerCall = 100000;

Status CheckMetricName(const std::string& ns, const std::string& name) {
  if (!IsSafeIdentifier(ns, 128)) return InvalidArgumentError("metric namespace '" + ns.substr(0, 64) + "' must be letters, digits, _ . -");
  if (!IsSafeIdentifier(name, 128)) return InvalidArgumentError("metric name '" + name.substr(0, 64) + "' must be letters, digits, _ . -");
  return Status::OK();
}

orm::MetricRow Base(const orm::TaskAttemptRow& a, const std::string& ns, const std::string& name, const char* kind) {
  orm::MetricRow r;
  r.job_id = a.job_id;
  r.role = a.role;
  r.party_id = a.party_id;
  r.task_name = a.task_name;
  r.attempt = a.attempt;
  r.metric_namespace = ns;
  r.metric_name = name;
  r.kind = kind;
  return r;
}

std::string KeyText(const bj::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  return bj::serialize(v);
}

/// Timestamps arrive in seconds (FATE, float) or milliseconds.
std::int64_t TimestampMs(const bj::value* v, std::int64_t fallback) {
  if (!v) return fallback;
  double t = v->is_double() ? v->as_double() : v->is_int64() ? static_cast<double>(v->as_int64()) : 0;
  if (t <= 0) return fallback;
  return static_cast<std::int64_t>(t < 1e11 ? t * 1000 : t);
}

/// `path` inside the attempt's directory, or why not.
StatusOr<std::string> InsideAttempt(const orm::TaskAttemptRow& a, const std::string& path) {
  // The executor records the directory just after the worker starts: a fast worker may ask first.
  // Unavailable makes it retry (workers retry 5xx answers).
  if (a.workdir.empty()) return UnavailableError("the attempt's launch is still being recorded; retry");
  fs::path p(path);
  if (p.is_relative()) p = fs::path(a.workdir) / p;
  std::string abs = p.lexically_normal().string();
  if (!files::IsUnder(a.workdir, abs)) {
    return PermissionDeniedError("output path '" + path + "' is outside the attempt's directory " + a.workdir);
  }
  std::error_code ec;
  if (!fs::exists(abs, ec)) return NotFoundError("output path '" + path + "' does not exist");
  return abs;
}

bj::value ParseOr(const std::string& text, bj::value fallback) {
  boost::system::error_code ec;
  bj::value v = bj::parse(text, ec);
  return ec ? fallback : v;
}

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// The attempt to show: the requested one, else the latest present in `attempts`.
std::int32_t Pick(const TaskRef& t, const std::vector<std::int32_t>& attempts) {
  if (t.attempt >= 0) return t.attempt;
  return attempts.empty() ? -1 : *std::max_element(attempts.begin(), attempts.end());
}

}  // namespace

StatusOr<TaskRef> TaskRefFromArgs(const bj::object& args) {
  TaskRef t;
  auto str = [&](const char* key, std::string* out) -> Status {
    const bj::value* v = args.if_contains(key);
    if (!v || (v->is_string() && v->as_string().empty())) return InvalidArgumentError(std::string("missing '") + key + "'");
    *out = v->is_string() ? std::string(v->as_string()) : bj::serialize(*v);
    if (!IsSafeIdentifier(*out, 128)) return InvalidArgumentError(std::string("'") + key + "' must be letters, digits, _ . -");
    return Status::OK();
  };
  FEDFLOW_RETURN_IF_ERROR(str("job_id", &t.job_id));
  FEDFLOW_RETURN_IF_ERROR(str("role", &t.role));
  if (t.role != "guest" && t.role != "host" && t.role != "arbiter" && t.role != "local") {
    return InvalidArgumentError("'role' must be guest, host, arbiter or local (got '" + t.role + "')");
  }
  FEDFLOW_RETURN_IF_ERROR(str("party_id", &t.party_id));
  FEDFLOW_RETURN_IF_ERROR(str("task_name", &t.task_name));
  for (const char* key : {"task_version", "attempt"}) {
    const bj::value* v = args.if_contains(key);
    if (!v || v->is_null() || (v->is_string() && v->as_string().empty())) continue;
    std::string text = v->is_string() ? std::string(v->as_string()) : bj::serialize(*v);
    if (text.empty() || text.size() > 6 || text.find_first_not_of("0123456789") != std::string::npos) {
      return InvalidArgumentError(std::string("'") + key + "' must be an attempt number");
    }
    t.attempt = std::stoi(text);
  }
  return t;
}

Tracker::Tracker(orm::MetricRepository& metrics, orm::OutputRepository& outputs, const Clock& clock)
    : metrics_(metrics), outputs_(outputs), clock_(clock) {}

Status Tracker::LogMetricData(const orm::TaskAttemptRow& a, const std::string& ns, const std::string& name,
                              const bj::array& points) {
  FEDFLOW_RETURN_IF_ERROR(CheckMetricName(ns, name));
  if (points.empty()) return InvalidArgumentError("no metric points: 'metrics' must list {key, value} objects");
  if (points.size() > kMaxPointsPerCall) return InvalidArgumentError("more than 100000 points in one call");
  std::vector<orm::MetricRow> rows;
  const std::int64_t now = clock_.NowMs();
  for (std::size_t i = 0; i < points.size(); ++i) {
    const bj::value& p = points[i];
    if (!p.is_object() || !p.as_object().contains("key") || !p.as_object().contains("value")) {
      return InvalidArgumentError("metrics[" + std::to_string(i) + "] must be {key, value[, timestamp]}");
    }
    orm::MetricRow r = Base(a, ns, name, "data");
    r.key = KeyText(p.as_object().at("key"));
    r.value_json = bj::serialize(p.as_object().at("value"));
    if (r.key.size() > 255) return InvalidArgumentError("metrics[" + std::to_string(i) + "].key is longer than 255 characters");
    if (r.value_json.size() > kMaxValueBytes) return InvalidArgumentError("metrics[" + std::to_string(i) + "].value is larger than 64 KiB");
    r.timestamp_ms = TimestampMs(p.as_object().if_contains("timestamp"), now);
    rows.push_back(std::move(r));
  }
  FEDFLOW_RETURN_IF_ERROR(metrics_.Append(rows));
  log::Get("tracking")->info("job_id={} task={} attempt={} role={} party={} metric={}.{} points={} persisted", a.job_id,
                             a.task_name, a.attempt, a.role, a.party_id, ns, name, rows.size());
  return Status::OK();
}

Status Tracker::SetMetricMeta(const orm::TaskAttemptRow& a, const std::string& ns, const std::string& name,
                              const bj::object& meta) {
  FEDFLOW_RETURN_IF_ERROR(CheckMetricName(ns, name));
  orm::MetricRow r = Base(a, ns, name, "meta");
  r.value_json = bj::serialize(meta);
  if (r.value_json.size() > kMaxValueBytes) return InvalidArgumentError("metric meta is larger than 64 KiB");
  r.timestamp_ms = clock_.NowMs();
  FEDFLOW_RETURN_IF_ERROR(metrics_.SetMeta(r));
  log::Get("tracking")->info("job_id={} task={} attempt={} role={} party={} metric={}.{} meta persisted", a.job_id,
                             a.task_name, a.attempt, a.role, a.party_id, ns, name);
  return Status::OK();
}

Status Tracker::SaveMetrics(const orm::TaskAttemptRow& a, const bj::array& metric_data) {
  if (metric_data.empty()) return InvalidArgumentError("'data' lists no metric");
  for (std::size_t i = 0; i < metric_data.size(); ++i) {
    const std::string where = "data[" + std::to_string(i) + "]";
    if (!metric_data[i].is_object()) return InvalidArgumentError(where + " must be a MetricData object");
    const bj::object& m = metric_data[i].as_object();
    const bj::value* name_v = m.if_contains("name");
    if (!name_v || !name_v->is_string()) return InvalidArgumentError(where + ".name must be a string");
    std::string ns;
    if (const bj::value* groups = m.if_contains("groups"); groups && groups->is_array()) {
      for (const auto& g : groups->as_array()) {
        if (g.is_object() && g.as_object().contains("name") && g.as_object().at("name").is_string()) {
          ns += (ns.empty() ? "" : ".") + std::string(g.as_object().at("name").as_string());
        }
      }
    }
    if (ns.empty()) ns = "default";
    std::string name(name_v->as_string());
    bj::object meta{{"metric_type", m.contains("type") ? m.at("type") : bj::value(nullptr)},
                    {"groups", m.contains("groups") ? m.at("groups") : bj::value(bj::array())},
                    {"step_axis", m.contains("step_axis") ? m.at("step_axis") : bj::value(nullptr)}};
    FEDFLOW_RETURN_IF_ERROR(SetMetricMeta(a, ns, name, meta).WithContext(where));
    bj::array points;
    const bj::value* data = m.if_contains("data");
    if (data && data->is_array()) {
      for (std::size_t k = 0; k < data->as_array().size(); ++k) {
        const bj::value& d = data->as_array()[k];
        const bj::object* o = d.is_object() ? &d.as_object() : nullptr;
        bj::value key = o && o->contains("step") ? o->at("step") : bj::value(static_cast<std::int64_t>(k));
        bj::value value = o && o->contains("metric") ? o->at("metric") : d;
        bj::object point{{"key", key}, {"value", value}};
        if (o && o->contains("timestamp")) point["timestamp"] = o->at("timestamp");
        points.push_back(std::move(point));
      }
    } else if (data && data->is_object()) {
      for (const auto& kv : data->as_object()) points.push_back(bj::object{{"key", kv.key()}, {"value", kv.value()}});
    }
    if (!points.empty()) FEDFLOW_RETURN_IF_ERROR(LogMetricData(a, ns, name, points).WithContext(where));
  }
  return Status::OK();
}

StatusOr<orm::OutputRow> Tracker::RegisterData(const orm::TaskAttemptRow& a, const std::string& key,
                                               const std::string& path, const std::string& id_column,
                                               const std::string& label_column) {
  if (!IsSafeIdentifier(key, 128)) return InvalidArgumentError("'output_key' must be letters, digits, _ . -");
  FEDFLOW_ASSIGN_OR_RETURN(std::string abs, InsideAttempt(a, path));
  std::error_code ec;
  if (fs::is_directory(abs, ec)) abs = (fs::path(abs) / "data.csv").string();
  std::ifstream in(abs, std::ios::binary);
  if (!in) return NotFoundError("data output '" + key + "': no CSV at " + abs);
  data::IngestOptions options;
  options.id_column = id_column;
  options.label_column = label_column;
  auto schema = data::IngestCsv(in, options, nullptr);
  if (!schema.ok()) return schema.status().WithContext("data output '" + key + "' (" + abs + ")");
  orm::OutputRow row = OutputOf(a, "data", key, abs);
  row.schema_json = bj::serialize(schema->ToJson());
  row.row_count = schema->rows;
  row.created_ms = clock_.NowMs();
  FEDFLOW_RETURN_IF_ERROR(outputs_.Put(row));
  log::Get("tracking")->info("job_id={} task={} attempt={} role={} party={} output=data:{} rows={} persisted", a.job_id,
                             a.task_name, a.attempt, a.role, a.party_id, key, row.row_count);
  return row;
}

StatusOr<orm::OutputRow> Tracker::RegisterModel(const orm::TaskAttemptRow& a, const std::string& key,
                                                const std::string& path, const std::string& type_name,
                                                const bj::object& meta) {
  if (!IsSafeIdentifier(key, 128)) return InvalidArgumentError("'output_key' must be letters, digits, _ . -");
  if (type_name.size() > 128) return InvalidArgumentError("'type_name' is longer than 128 characters");
  FEDFLOW_ASSIGN_OR_RETURN(std::string abs, InsideAttempt(a, path));
  orm::OutputRow row = OutputOf(a, "model", key, abs);
  row.type_name = type_name;
  row.meta_json = bj::serialize(meta);
  if (row.meta_json.size() > kMaxValueBytes) return InvalidArgumentError("model meta is larger than 64 KiB");
  row.created_ms = clock_.NowMs();
  FEDFLOW_RETURN_IF_ERROR(outputs_.Put(row));
  log::Get("tracking")->info("job_id={} task={} attempt={} role={} party={} output=model:{} persisted", a.job_id,
                             a.task_name, a.attempt, a.role, a.party_id, key);
  return row;
}

StatusOr<bj::array> Tracker::MetricKeys(const TaskRef& t) { return Metrics(t, "", "", false); }

StatusOr<bj::array> Tracker::Metrics(const TaskRef& t, const std::string& ns, const std::string& name, bool with_data) {
  FEDFLOW_ASSIGN_OR_RETURN(auto rows, metrics_.List(t.job_id, t.role, t.party_id, t.task_name));
  std::vector<std::int32_t> attempts;
  for (const auto& r : rows) attempts.push_back(r.attempt);
  const std::int32_t attempt = Pick(t, attempts);
  // (namespace, name) -> {meta, points}, in first-seen order.
  std::vector<std::pair<std::string, std::string>> order;
  std::map<std::pair<std::string, std::string>, std::pair<bj::value, bj::array>> by_metric;
  for (const auto& r : rows) {
    if (r.attempt != attempt) continue;
    if ((!ns.empty() && r.metric_namespace != ns) || (!name.empty() && r.metric_name != name)) continue;
    auto id = std::make_pair(r.metric_namespace, r.metric_name);
    auto [it, fresh] = by_metric.try_emplace(id, bj::value(nullptr), bj::array());
    if (fresh) order.push_back(id);
    if (r.kind == "meta") {
      it->second.first = ParseOr(r.value_json, bj::object());
    } else if (with_data) {
      it->second.second.push_back(
          bj::object{{"key", r.key}, {"value", ParseOr(r.value_json, bj::string(r.value_json))}, {"timestamp", r.timestamp_ms}});
    }
  }
  bj::array out;
  for (const auto& id : order) {
    const auto& [meta, points] = by_metric.at(id);
    bj::value type = meta.is_object() && meta.as_object().contains("metric_type") ? meta.as_object().at("metric_type")
                                                                                  : bj::value(nullptr);
    bj::object m{{"namespace", id.first}, {"name", id.second}, {"type", type}, {"task_version", attempt}};
    if (with_data) {
      m["meta"] = meta;
      m["data"] = points;
    }
    out.push_back(std::move(m));
  }
  return out;
}

StatusOr<std::size_t> Tracker::DeleteMetrics(const TaskRef& t) {
  FEDFLOW_ASSIGN_OR_RETURN(std::size_t n, metrics_.Delete(t.job_id, t.role, t.party_id, t.task_name));
  log::Get("tracking")->info("job_id={} task={} role={} party={} metrics deleted={}", t.job_id, t.task_name, t.role,
                             t.party_id, n);
  return n;
}

StatusOr<std::vector<orm::OutputRow>> Tracker::Outputs(const TaskRef& t, const std::string& kind) {
  FEDFLOW_ASSIGN_OR_RETURN(auto rows, outputs_.List(t.job_id, t.role, t.party_id, t.task_name));
  // Per task: the requested attempt, else the latest with outputs of this kind.
  std::map<std::string, std::vector<std::int32_t>> attempts;
  for (const auto& r : rows) {
    if (r.kind == kind) attempts[r.task_name].push_back(r.attempt);
  }
  std::vector<orm::OutputRow> out;
  for (const auto& r : rows) {
    if (r.kind == kind && r.attempt == Pick(t, attempts[r.task_name])) out.push_back(r);
  }
  return out;
}

Status Tracker::ForgetJob(const std::string& job_id) {
  FEDFLOW_RETURN_IF_ERROR(metrics_.Delete(job_id, "", "", "").status());
  return outputs_.DeleteJob(job_id).status();
}

bj::object Tracker::View(const orm::OutputRow& o) {
  bj::object v{{"task_name", o.task_name}, {"task_version", o.attempt}, {"role", o.role},
               {"party_id", o.party_id},   {"kind", o.kind},            {"output_key", o.output_key},
               {"path", o.path},           {"create_time", o.created_ms}};
  if (o.kind == "data") {
    v["count"] = o.row_count;
    v["schema"] = ParseOr(o.schema_json, nullptr);
  } else {
    v["type_name"] = o.type_name;
    v["meta"] = ParseOr(o.meta_json, bj::object());
  }
  return v;
}

StatusOr<bj::object> Tracker::Display(const orm::OutputRow& o, std::int64_t limit) {
  auto head = data::ReadCsvHead(o.path, ',', true, limit);
  if (!head.ok()) return head.status().WithContext("output " + o.output_key);
  bj::array header, rows;
  for (const auto& h : head->header) header.emplace_back(h);
  for (const auto& r : head->rows) {
    bj::array row;
    for (const auto& f : r) row.emplace_back(f);
    rows.push_back(std::move(row));
  }
  return bj::object{{"task_name", o.task_name}, {"output_key", o.output_key}, {"count", o.row_count},
                    {"header", std::move(header)}, {"rows", std::move(rows)}};
}

StatusOr<std::string> Tracker::Archive(const std::vector<orm::OutputRow>& outputs, const std::string& top) {
  std::vector<std::pair<std::string, std::string>> entries;
  for (const auto& o : outputs) {
    const std::string base = top + "/" + o.task_name + "_" + o.output_key;
    std::error_code ec;
    if (o.kind == "data") {
      entries.emplace_back(base + ".csv", ReadAll(o.path));
      entries.emplace_back(base + ".meta.json", bj::serialize(View(o)));
    } else if (fs::is_directory(o.path, ec)) {
      for (auto it = fs::recursive_directory_iterator(o.path, ec); !ec && it != fs::recursive_directory_iterator(); ++it) {
        if (it->is_regular_file()) entries.emplace_back(base + "/" + fs::relative(it->path(), o.path).string(), ReadAll(it->path()));
      }
      entries.emplace_back(base + ".meta.json", bj::serialize(View(o)));
    } else {
      entries.emplace_back(base + "/" + fs::path(o.path).filename().string(), ReadAll(o.path));
      entries.emplace_back(base + ".meta.json", bj::serialize(View(o)));
    }
  }
  if (entries.empty()) return NotFoundError("nothing to download: the task registered no such output");
  return files::TarGzEntries(entries);
}

}  // namespace fedflow::tracking
