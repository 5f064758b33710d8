import { useEffect, useState } from "preact/hooks";
import { api, follow } from "../api";

// One line of the timeline: what the event says, as text.
function summary(event: any): string {
  const payload = event.payload ?? {};
  if (typeof payload.text === "string") return payload.text;
  if (typeof payload.reason === "string") return payload.reason;
  const text = JSON.stringify(payload);
  return text.length > 240 ? `${text.slice(0, 240)}…` : text;
}

export function TaskPage({ id }: { id: string }) {
  const [task, setTask] = useState<any>(null);
  const [events, setEvents] = useState<any[]>([]);
  const [open, setOpen] = useState<Set<number>>(new Set());
  const [error, setError] = useState("");

  useEffect(() => {
    let stop = () => {};
    api("GET", `/v1/tasks/${id}`).then(setTask).catch((caught) => setError(caught.message));
    api("GET", `/v1/events?task=${encodeURIComponent(id)}&limit=1000`)
      .then((page) => {
        setEvents(page.events);
        // Live from where the page ends.
        stop = follow(`task=${encodeURIComponent(id)}&after=${page.last}`, (event) => {
          setEvents((shown) => (shown.some((e) => e.seq === event.seq) ? shown : [...shown, event]));
          if (event.type.startsWith("task.") || event.type.startsWith("merge.") || event.type.startsWith("approval.")) {
            api("GET", `/v1/tasks/${id}`).then(setTask);
          }
        });
      })
      .catch((caught) => setError(caught.message));
    return () => stop();
  }, [id]);

  const toggle = (seq: number) =>
    setOpen((now) => {
      const next = new Set(now);
      next.has(seq) ? next.delete(seq) : next.add(seq);
      return next;
    });

  return (
    <section>
      <h1>Task {id}</h1>
      {error && <p class="error" role="alert">{error}</p>}
      {task && (
        <dl class="task">
          <dt>State</dt>
          <dd data-testid="task-state">{task.state}</dd>
          <dt>Agent</dt>
          <dd>{task.agent}</dd>
          <dt>Submitter</dt>
          <dd>{task.submitter}</dd>
          <dt>Prompt</dt>
          <dd class="prompt">{task.prompt}</dd>
        </dl>
      )}
      {task?.state === "review" && <a href={`/reviews/${id}`}>Open the review</a>}
      <h2>Timeline</h2>
      <ol class="timeline">
        {events.map((event) => (
          <li key={event.seq} data-type={event.type} data-seq={event.seq}>
            <span class="time">{event.time}</span> <span class="type">{event.type}</span>{" "}
            <span class="summary">{summary(event)}</span>{" "}
            <button class="link" onClick={() => toggle(event.seq)}>
              JSON
            </button>
            {open.has(event.seq) && <pre>{JSON.stringify(event, null, 2)}</pre>}
          </li>
        ))}
      </ol>
    </section>
  );
}
