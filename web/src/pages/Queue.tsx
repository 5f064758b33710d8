import { useEffect, useRef, useState } from "preact/hooks";
import { api, ApiError, follow, Session } from "../api";
import { SubmitForm } from "../parts/SubmitForm";

const STATES = ["", "queued", "running", "held", "review", "merging", "merged", "failed", "cancelled", "refused",
  "conflicted", "checks_failed", "merge_failed", "rejected", "rolled_back", "succeeded"];
const CANCELLABLE = new Set(["queued", "held", "running"]);
const RETRYABLE = new Set(["failed", "cancelled", "held", "conflicted", "checks_failed", "merge_failed"]);
// Rows per page: a long queue (10,000 tasks) is read a page at a time.
const PAGE = 200;

export function Queue({ session }: { session: Session }) {
  const [tasks, setTasks] = useState<any[]>([]);
  const [state, setState] = useState("");
  const [repo, setRepo] = useState("");
  const [agent, setAgent] = useState("");
  const [submitter, setSubmitter] = useState("");
  const [newest, setNewest] = useState(true);
  const [offset, setOffset] = useState(0);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState("");
  const reload = useRef<() => void>(() => {});
  const asked = useRef(0);

  // Only the answer to the latest request is shown: an older one (asked
  // before a filter changed) may arrive after it.
  reload.current = () => {
    const mine = ++asked.current;
    const query = new URLSearchParams({ limit: String(PAGE), offset: String(offset), order: newest ? "newest" : "oldest" });
    if (state) query.set("state", state);
    if (repo) query.set("repo", repo);
    if (agent) query.set("agent", agent);
    if (submitter) query.set("submitter", submitter);
    api("GET", `/v1/tasks?${query}`)
      .then((page) => {
        if (mine !== asked.current) return;
        setTasks(page.tasks);
        setTotal(page.total);
        setError("");
      })
      .catch((caught) => mine === asked.current && setError(caught.message));
  };
  useEffect(() => reload.current(), [state, repo, agent, submitter, newest, offset]);
  // Another filter or order starts again at the first page.
  const refilter =
    <T,>(set: (value: T) => void) =>
    (value: T) => {
      setOffset(0);
      set(value);
    };
  // Live: any change stored after the stream opened reloads the page (at most
  // every 200 ms), and each (re)opening reloads it, so that nothing stored
  // between a read and the stream's start is missed.
  useEffect(() => {
    let pending: number | undefined;
    const soon = () => {
      if (pending === undefined) {
        pending = window.setTimeout(() => {
          pending = undefined;
          reload.current();
        }, 200);
      }
    };
    const stop = follow("after=latest", soon, soon);
    return () => {
      stop();
      window.clearTimeout(pending);
    };
  }, []);

  const act = (id: string, verb: string) =>
    api("POST", `/v1/tasks/${id}/${verb}`, {})
      .then(() => reload.current())
      .catch((caught: ApiError) => setError(caught.message));

  return (
    <section>
      <h1>Queue</h1>
      {session.role !== "reviewer" && <SubmitForm onSubmitted={() => reload.current()} />}
      {/* The text filters are left to the browser (no value bound): a live
          update while someone types must not put back the applied value. */}
      <div class="filters">
        <label>
          Order
          <select name="order" onChange={(e) => refilter(setNewest)((e.target as HTMLSelectElement).value === "newest")}>
            <option value="newest">newest first</option>
            <option value="oldest">oldest first</option>
          </select>
        </label>
        <label>
          State
          <select value={state} onChange={(e) => refilter(setState)((e.target as HTMLSelectElement).value)}>
            {STATES.map((name) => (
              <option value={name}>{name || "any"}</option>
            ))}
          </select>
        </label>
        <label>
          Repository
          <input name="repo-filter" onChange={(e) => refilter(setRepo)((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          Agent
          <input name="agent-filter" onChange={(e) => refilter(setAgent)((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          Submitter
          <input name="submitter-filter" onChange={(e) => refilter(setSubmitter)((e.target as HTMLInputElement).value)} />
        </label>
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      <Pager offset={offset} shown={tasks.length} total={total} onMove={setOffset} />
      <table class="tasks">
        <thead>
          <tr>
            <th>Task</th>
            <th>State</th>
            <th>Agent</th>
            <th>Submitter</th>
            <th>Prompt</th>
            <th>After</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          {tasks.map((task) => (
            <tr key={task.id} data-task={task.id}>
              <td>
                <a href={`/tasks/${task.id}`}>{task.id}</a>
              </td>
              <td class={`state state-${task.state}`}>{task.state}</td>
              <td>{task.agent}</td>
              <td>{task.submitter}</td>
              <td class="prompt">{task.prompt}</td>
              <td class="after">
                {task.parents.map((parent: string) => (
                  <a href={`/tasks/${parent}`} title="waits for this task; its page shows the whole stack">
                    {parent.slice(-6)}{" "}
                  </a>
                ))}
              </td>
              <td>
                {task.state === "review" && <a href={`/reviews/${task.id}`}>review</a>}
                {CANCELLABLE.has(task.state) && <button onClick={() => act(task.id, "cancel")}>Cancel</button>}
                {RETRYABLE.has(task.state) && <button onClick={() => act(task.id, "retry")}>Retry</button>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager offset={offset} shown={tasks.length} total={total} onMove={setOffset} />
    </section>
  );
}

function Pager({ offset, shown, total, onMove }: { offset: number; shown: number; total: number; onMove: (offset: number) => void }) {
  return (
    <nav class="pager">
      <span data-testid="shown">
        {shown ? `Tasks ${offset + 1}–${offset + shown} of ${total}` : `No tasks here (${total} in all)`}
      </span>
      <button disabled={offset === 0} onClick={() => onMove(Math.max(0, offset - PAGE))}>
        Previous
      </button>
      <button disabled={offset + PAGE >= total} onClick={() => onMove(offset + PAGE)}>
        Next
      </button>
    </nav>
  );
}
