#pragma once
// Record <-> row conversions (records never leave orm/): one pair per table of orm/tables.def,
// generated from it. Record-only members (surrogate keys) keep their defaults in ToRecord.

#include "fedflow_records-odb.hpp"
#include "orm/rows.hpp"

namespace fedflow {
namespace orm {

#define FF_TABLE(T_, Sql_, Obj_) \
  T_##Row ToRow(const records::T_##Record& r); \
  records::T_##Record ToRecord(const T_##Row& row);
#include "orm/tables.def"

}  // namespace orm
}  // namespace fedflow
