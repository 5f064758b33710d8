// Dependencies between tasks: a task may build on others ("parents"), and
// together they must form a DAG. Boost.Graph lives only in task_graph.cpp.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/status.h"

namespace corral::scheduler {

// task id -> the ids of the tasks it builds on.
using ParentMap = std::map<std::string, std::vector<std::string>>;

// ok if the tasks and their parents form a DAG and every parent is a known
// task. invalid_argument naming the cycle ("t-a -> t-b -> t-a") or the
// unknown parent otherwise.
Status check_dag(const ParentMap& parents);

// `tasks` reordered so that each comes after those of its parents that are
// among them (parents outside `tasks` are ignored); tasks already in such an
// order keep it. invalid_argument if they hold a cycle.
Result<std::vector<std::string>> parents_first(const std::vector<std::string>& tasks, const ParentMap& parents);

// Every task that builds on `task`, directly or through others, in
// breadth-first order (the ones to hold when `task` fails).
std::vector<std::string> dependents_of(const ParentMap& parents, const std::string& task);

}  // namespace corral::scheduler
