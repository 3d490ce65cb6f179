#include "orm/src/mapping.hpp"

#include "base/log.hpp"
#include "proto/status_names.hpp"

namespace fedflow {
namespace orm {
namespace {

// A status string the build does not know means a newer writer or a hand edit: keep going with
// UNSPECIFIED (never matches a transition) and say so.
template <typename E>
E ParseOr(const std::string& text, StatusOr<E> (*parse)(const std::string&), E fallback, const char* table) {
  StatusOr<E> v = parse(text);
  if (v.ok()) return *v;
  log::Get("orm")->warn("table={} unknown status='{}' treated as unspecified", table, text);
  return fallback;
}

// One overload pair per status enum, so FF_STATUS columns convert by the row member's type.
void ParseStatus(const std::string& text, const char* table, JobStatus* out) {
  *out = ParseOr(text, &ParseJobStatus, JOB_STATUS_UNSPECIFIED, table);
}
void ParseStatus(const std::string& text, const char* table, TaskStatus* out) {
  *out = ParseOr(text, &ParseTaskStatus, TASK_STATUS_UNSPECIFIED, table);
}
void ParseStatus(const std::string& text, const char* table, AllocationStatus* out) {
  *out = ParseOr(text, &ParseAllocationStatus, ALLOCATION_STATUS_UNSPECIFIED, table);
}
const char* StatusName(JobStatus s) { return JobStatusName(s); }
const char* StatusName(TaskStatus s) { return TaskStatusName(s); }
const char* StatusName(AllocationStatus s) { return AllocationStatusName(s); }

// The SQL table names, for the warning of ParseOr.
#define FF_TABLE(T_, Sql_, Obj_) constexpr char k##T_##Table[] = Sql_;
#include "orm/tables.def"

}  // namespace

// Every column is copied; record-only members (surrogate keys) are left to the caller.
#define FF_TABLE(T_, Sql_, Obj_) \
  T_##Row ToRow(const records::T_##Record& r) { \
    T_##Row row;
#define FF_COLUMN(T_, Ty_, Mb_, Init_, Db_) row.Mb_ = r.Mb_;
#define FF_STATUS(T_, En_, Mb_, Init_, Db_) ParseStatus(r.Mb_, k##T_##Table, &row.Mb_);
#define FF_END_TABLE(T_) \
    return row; \
  }
#include "orm/tables.def"

#define FF_TABLE(T_, Sql_, Obj_) \
  records::T_##Record ToRecord(const T_##Row& row) { \
    records::T_##Record r;
#define FF_COLUMN(T_, Ty_, Mb_, Init_, Db_) r.Mb_ = row.Mb_;
#define FF_STATUS(T_, En_, Mb_, Init_, Db_) r.Mb_ = StatusName(row.Mb_);
#define FF_END_TABLE(T_) \
    return r; \
  }
#include "orm/tables.def"

}  // namespace orm
}  // namespace fedflow
