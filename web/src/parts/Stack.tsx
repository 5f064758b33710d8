import { useEffect, useState } from "preact/hooks";
import { api } from "../api";

// Depth of each task in the stack: the longest chain of parents above it
// (parents outside the answer count as none), so each column waits only on
// columns to its left.
function depths(tasks: any[]): Map<string, number> {
  const byId = new Map(tasks.map((task) => [task.id, task]));
  const depth = new Map<string, number>();
  const visit = (id: string, path: Set<string>): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (path.has(id)) return 0;  // never (the server refuses cycles); no loop here either
    path.add(id);
    const parents = (byId.get(id)?.parents ?? []).filter((parent: string) => byId.has(parent));
    const mine = parents.length ? 1 + Math.max(...parents.map((parent: string) => visit(parent, path))) : 0;
    path.delete(id);
    depth.set(id, mine);
    return mine;
  };
  for (const task of tasks) visit(task.id, new Set());
  return depth;
}

// The stack a task belongs to (GET /v1/tasks/ID/stack) as its DAG: a column
// per depth, each task with its state and the tasks it waits for.
export function Stack({ id, refresh }: { id: string; refresh: unknown }) {
  const [stack, setStack] = useState<any>(null);
  useEffect(() => {
    api("GET", `/v1/tasks/${encodeURIComponent(id)}/stack`).then(setStack).catch(() => setStack(null));
  }, [id, refresh]);
  if (!stack || stack.tasks.length < 2) return null;
  const depth = depths(stack.tasks);
  const columns: any[][] = [];
  for (const task of stack.tasks) (columns[depth.get(task.id) ?? 0] ??= []).push(task);
  return (
    <section class="stack" data-testid="stack">
      <h2>Stack ({stack.tasks.length} tasks{stack.truncated ? ", more not shown" : ""})</h2>
      <div class="stack-columns">
        {columns.map((column, index) => (
          <ol class="stack-column" data-depth={index}>
            {column.map((task) => (
              <li class={`stack-task ${task.id === id ? "current" : ""}`} data-task={task.id}>
                <a href={`/tasks/${task.id}`}>{task.id}</a> <span class={`state state-${task.state}`}>{task.state}</span>
                <div class="prompt">{task.prompt.length > 80 ? `${task.prompt.slice(0, 80)}…` : task.prompt}</div>
                {task.parents.length > 0 && <div class="after">after {task.parents.join(", ")}</div>}
              </li>
            ))}
          </ol>
        ))}
      </div>
    </section>
  );
}
