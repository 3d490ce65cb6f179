#pragma once
// Graph checks shared by every job format: every upstream exists, no cycles, and a stable
// topological order (submission order breaks ties).

#include <string>
#include <vector>

#include "base/status.hpp"
#include "proto/fedflow/job.pb.h"

namespace fedflow::dsl {

/// Reorders `tasks` topologically by `upstream`. InvalidArgument names an unknown upstream or
/// the tasks of a cycle ("a -> b -> a").
Status SortTopologically(google::protobuf::RepeatedPtrField<TaskSpec>* tasks);

/// Names of `task` and every task downstream of it, in topological order of `tasks`.
std::vector<std::string> DescendantsOf(const google::protobuf::RepeatedPtrField<TaskSpec>& tasks,
                                       const std::string& task);

}  // namespace fedflow::dsl
