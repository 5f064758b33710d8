import { useEffect, useRef, useState } from "preact/hooks";
import { api, ApiError, follow, Session } from "../api";

const STATES = ["", "queued", "running", "held", "review", "merging", "merged", "failed", "cancelled", "refused",
  "conflicted", "checks_failed", "merge_failed", "rejected", "rolled_back", "succeeded"];
const CANCELLABLE = new Set(["queued", "held", "running"]);
const RETRYABLE = new Set(["failed", "cancelled", "held", "conflicted", "checks_failed", "merge_failed"]);

export function Queue({ session }: { session: Session }) {
  const [tasks, setTasks] = useState<any[]>([]);
  const [state, setState] = useState("");
  const [repo, setRepo] = useState("");
  const [agent, setAgent] = useState("");
  const [submitter, setSubmitter] = useState("");
  const [error, setError] = useState("");
  const reload = useRef<() => void>(() => {});
  const asked = useRef(0);

  // Only the answer to the latest request is shown: an older one (asked
  // before a filter changed) may arrive after it.
  reload.current = () => {
    const mine = ++asked.current;
    const query = new URLSearchParams({ limit: "1000" });
    if (state) query.set("state", state);
    if (repo) query.set("repo", repo);
    if (agent) query.set("agent", agent);
    if (submitter) query.set("submitter", submitter);
    api("GET", `/v1/tasks?${query}`)
      .then((page) => {
        if (mine !== asked.current) return;
        setTasks(page.tasks);
        setError("");
      })
      .catch((caught) => mine === asked.current && setError(caught.message));
  };
  useEffect(() => reload.current(), [state, repo, agent, submitter]);
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
    return follow("after=latest", soon, soon);
  }, []);

  const act = (id: string, verb: string) =>
    api("POST", `/v1/tasks/${id}/${verb}`, {})
      .then(() => reload.current())
      .catch((caught: ApiError) => setError(caught.message));

  return (
    <section>
      <h1>Queue</h1>
      <SubmitForm onSubmitted={() => reload.current()} canSubmit={session.role !== "reviewer"} />
      {/* The text filters are left to the browser (no value bound): a live
          update while someone types must not put back the applied value. */}
      <div class="filters">
        <label>
          State
          <select value={state} onChange={(e) => setState((e.target as HTMLSelectElement).value)}>
            {STATES.map((name) => (
              <option value={name}>{name || "any"}</option>
            ))}
          </select>
        </label>
        <label>
          Repository
          <input name="repo-filter" onChange={(e) => setRepo((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          Agent
          <input name="agent-filter" onChange={(e) => setAgent((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          Submitter
          <input name="submitter-filter" onChange={(e) => setSubmitter((e.target as HTMLInputElement).value)} />
        </label>
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      <table class="tasks">
        <thead>
          <tr>
            <th>Task</th>
            <th>State</th>
            <th>Agent</th>
            <th>Submitter</th>
            <th>Prompt</th>
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
              <td>
                {task.state === "review" && <a href={`/reviews/${task.id}`}>review</a>}
                {CANCELLABLE.has(task.state) && <button onClick={() => act(task.id, "cancel")}>Cancel</button>}
                {RETRYABLE.has(task.state) && <button onClick={() => act(task.id, "retry")}>Retry</button>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function SubmitForm({ onSubmitted, canSubmit }: { onSubmitted: () => void; canSubmit: boolean }) {
  const [repo, setRepo] = useState("");
  const [prompt, setPrompt] = useState("");
  const [agent, setAgent] = useState("");
  const [error, setError] = useState("");
  if (!canSubmit) return null;
  const submit = (event: Event) => {
    event.preventDefault();
    const task: Record<string, string> = { repo, prompt };
    if (agent) task.agent = agent;
    api("POST", "/v1/tasks", task)
      .then(() => {
        setPrompt("");
        setError("");
        onSubmitted();
      })
      .catch((caught: ApiError) => setError(caught.message));
  };
  return (
    <form class="submit" onSubmit={submit}>
      <input placeholder="repository (id or path)" value={repo} onInput={(e) => setRepo((e.target as HTMLInputElement).value)} />
      <input placeholder="prompt" value={prompt} onInput={(e) => setPrompt((e.target as HTMLInputElement).value)} />
      <input placeholder="agent (optional)" value={agent} onInput={(e) => setAgent((e.target as HTMLInputElement).value)} />
      <button type="submit">Submit task</button>
      {error && <span class="error" role="alert">{error}</span>}
    </form>
  );
}
