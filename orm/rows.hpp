#pragma once
// ODB-free rows: what the repositories hand to the rest of fedflow. C++14-clean (orm/ compiles
// its implementation as C++14, see docs/toolchain.md); statuses are the proto enums. One struct
// <T>Row per table of orm/tables.def, where the columns and their meaning are documented.

#include <cstdint>
#include <string>

#include "proto/fedflow/common.pb.h"

namespace fedflow {
namespace orm {

#define FF_TABLE(T_, Sql_, Obj_) struct T_##Row {
#define FF_COLUMN(T_, Ty_, Mb_, Init_, Db_) Ty_ Mb_{Init_};
#define FF_STATUS(T_, En_, Mb_, Init_, Db_) En_ Mb_{Init_};
#define FF_END_TABLE(T_) };
#include "orm/tables.def"

/// Optional column changes applied together with a status compare-and-set.
struct TransitionExtras {
  std::int64_t start_ms = -1;   ///< -1 = leave unchanged
  std::int64_t end_ms = -1;     ///< -1 = leave unchanged
  std::string reason;           ///< failure/waiting reason; empty = leave unchanged
};

}  // namespace orm
}  // namespace fedflow
