#include "service/dsl/job_graph.hpp"

#include <functional>
#include <map>
#include <set>

namespace fedflow::dsl {
namespace {

/// Depth-first search for a cycle; returns it as "a -> b -> a" or "".
std::string FindCycle(const std::map<std::string, std::vector<std::string>>& edges) {
  std::map<std::string, int> state;  // 0 new, 1 on stack, 2 done
  std::vector<std::string> stack;
  std::string found;
  std::function<bool(const std::string&)> visit = [&](const std::string& n) {
    state[n] = 1;
    stack.push_back(n);
    auto it = edges.find(n);
    if (it != edges.end()) {
      for (const auto& next : it->second) {
        if (state[next] == 1) {
          std::string cycle;
          bool in = false;
          for (const auto& s : stack) {
            if (s == next) in = true;
            if (in) cycle += s + " -> ";
          }
          found = cycle + next;
          return true;
        }
        if (state[next] == 0 && visit(next)) return true;
      }
    }
    stack.pop_back();
    state[n] = 2;
    return false;
  };
  for (const auto& [n, _] : edges) {
    if (state[n] == 0 && visit(n)) break;
  }
  return found;
}

}  // namespace

Status SortTopologically(google::protobuf::RepeatedPtrField<TaskSpec>* tasks) {
  std::map<std::string, int> index;
  for (int i = 0; i < tasks->size(); ++i) index[tasks->Get(i).name()] = i;
  std::map<std::string, std::vector<std::string>> downstream;  // upstream -> tasks needing it
  std::vector<int> pending(tasks->size(), 0);
  for (int i = 0; i < tasks->size(); ++i) {
    const TaskSpec& t = tasks->Get(i);
    std::set<std::string> seen;
    for (const auto& up : t.upstream()) {
      if (!index.count(up)) {
        return InvalidArgumentError("component '" + t.name() + "' depends on '" + up + "', which does not exist");
      }
      if (up == t.name()) return InvalidArgumentError("component '" + t.name() + "' depends on itself");
      if (seen.insert(up).second) {
        downstream[up].push_back(t.name());
        ++pending[i];
      }
    }
  }
  // Kahn's algorithm, always taking the earliest-submitted ready task (stable order).
  std::vector<int> order;
  std::vector<bool> done(tasks->size(), false);
  while (static_cast<int>(order.size()) < tasks->size()) {
    int next = -1;
    for (int i = 0; i < tasks->size(); ++i) {
      if (!done[i] && pending[i] == 0) {
        next = i;
        break;
      }
    }
    if (next < 0) {
      std::map<std::string, std::vector<std::string>> remaining;
      for (int i = 0; i < tasks->size(); ++i) {
        if (done[i]) continue;
        for (const auto& up : tasks->Get(i).upstream()) {
          if (!done[index[up]]) remaining[up].push_back(tasks->Get(i).name());
        }
      }
      return InvalidArgumentError("components form a cycle: " + FindCycle(remaining));
    }
    done[next] = true;
    order.push_back(next);
    for (const auto& d : downstream[tasks->Get(next).name()]) --pending[index[d]];
  }
  google::protobuf::RepeatedPtrField<TaskSpec> sorted;
  for (int i : order) *sorted.Add() = tasks->Get(i);
  tasks->Swap(&sorted);
  return Status::OK();
}

std::vector<std::string> DescendantsOf(const google::protobuf::RepeatedPtrField<TaskSpec>& tasks,
                                       const std::string& task) {
  std::set<std::string> marked{task};
  std::vector<std::string> out;
  for (const auto& t : tasks) {
    bool hit = t.name() == task;
    for (const auto& up : t.upstream()) hit = hit || marked.count(up) > 0;
    if (hit) {
      marked.insert(t.name());
      out.push_back(t.name());
    }
  }
  return out;
}

}  // namespace fedflow::dsl
