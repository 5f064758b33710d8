#include "scheduler/task_graph.h"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/depth_first_search.hpp>
#include <boost/graph/topological_sort.hpp>

#include <algorithm>
#include <deque>
#include <set>

namespace corral::scheduler {
namespace {

// Edges point from a parent to the task that builds on it.
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
using Vertex = boost::graph_traits<Graph>::vertex_descriptor;
using Edge = boost::graph_traits<Graph>::edge_descriptor;

struct IndexedGraph {
  Graph graph;
  std::vector<std::string> names;  // vertex -> task id
};

Result<IndexedGraph> build(const ParentMap& parents) {
  IndexedGraph indexed;
  std::map<std::string, Vertex> vertex_of;
  for (const auto& [task, unused] : parents) {
    vertex_of[task] = boost::add_vertex(indexed.graph);
    indexed.names.push_back(task);
  }
  for (const auto& [task, task_parents] : parents) {
    for (const std::string& parent : task_parents) {
      auto found = vertex_of.find(parent);
      if (found == vertex_of.end()) {
        return Status::invalid_argument("task " + task + " builds on " + parent + ", which does not exist");
      }
      boost::add_edge(found->second, vertex_of[task], indexed.graph);
    }
  }
  return indexed;
}

// Records the DFS tree and the first back edge, which closes a cycle.
class CycleFinder : public boost::default_dfs_visitor {
 public:
  CycleFinder(std::vector<Vertex>* predecessor, std::vector<Vertex>* cycle)
      : predecessor_(predecessor), cycle_(cycle) {}

  void tree_edge(Edge edge, const Graph& graph) {
    (*predecessor_)[boost::target(edge, graph)] = boost::source(edge, graph);
  }

  void back_edge(Edge edge, const Graph& graph) {
    if (!cycle_->empty()) return;
    Vertex from = boost::source(edge, graph);
    Vertex to = boost::target(edge, graph);
    for (Vertex at = from; at != to; at = (*predecessor_)[at]) cycle_->push_back(at);
    cycle_->push_back(to);
    std::reverse(cycle_->begin(), cycle_->end());
  }

 private:
  std::vector<Vertex>* predecessor_;
  std::vector<Vertex>* cycle_;
};

}  // namespace

Status check_dag(const ParentMap& parents) {
  auto indexed = build(parents);
  if (!indexed.is_ok()) return indexed.status();
  size_t count = boost::num_vertices(indexed->graph);
  std::vector<Vertex> predecessor(count);
  std::vector<Vertex> cycle;
  boost::depth_first_search(indexed->graph, boost::visitor(CycleFinder(&predecessor, &cycle)));
  if (cycle.empty()) return Status::ok();
  std::string path;
  for (Vertex vertex : cycle) path += indexed->names[vertex] + " -> ";
  path += indexed->names[cycle.front()];
  return Status::invalid_argument("the tasks' dependencies form a cycle: " + path);
}

Result<std::vector<std::string>> parents_first(const std::vector<std::string>& tasks, const ParentMap& parents) {
  // Vertices in reverse order: the depth-first search behind
  // topological_sort then finishes later tasks first, so an order that is
  // already parents-first comes back unchanged.
  Graph graph(tasks.size());
  std::map<std::string, Vertex> vertex_of;
  for (size_t i = 0; i < tasks.size(); ++i) vertex_of[tasks[i]] = tasks.size() - 1 - i;
  for (const std::string& task : tasks) {
    auto listed = parents.find(task);
    if (listed == parents.end()) continue;
    for (const std::string& parent : listed->second) {
      auto found = vertex_of.find(parent);
      if (found != vertex_of.end()) boost::add_edge(found->second, vertex_of[task], graph);
    }
  }
  std::vector<Vertex> finished;  // children before parents
  try {
    boost::topological_sort(graph, std::back_inserter(finished));
  } catch (const boost::not_a_dag&) {
    return Status::invalid_argument("the tasks' dependencies form a cycle");
  }
  std::vector<std::string> order;
  for (auto vertex = finished.rbegin(); vertex != finished.rend(); ++vertex) {
    order.push_back(tasks[tasks.size() - 1 - *vertex]);
  }
  return order;
}

std::vector<std::string> dependents_of(const ParentMap& parents, const std::string& task) {
  std::map<std::string, std::vector<std::string>> children;
  for (const auto& [child, child_parents] : parents) {
    for (const std::string& parent : child_parents) children[parent].push_back(child);
  }
  std::vector<std::string> order;
  std::set<std::string> seen = {task};
  std::deque<std::string> queue = {task};
  while (!queue.empty()) {
    std::string at = queue.front();
    queue.pop_front();
    for (const std::string& child : children[at]) {
      if (seen.insert(child).second) {
        order.push_back(child);
        queue.push_back(child);
      }
    }
  }
  return order;
}

}  // namespace corral::scheduler
