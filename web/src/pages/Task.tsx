import { useCallback, useEffect, useState } from "preact/hooks";
import { api, follow } from "../api";
import { EventLine } from "../parts/EventLine";
import { Stack } from "../parts/Stack";

// Every stored event of the task, a page (1,000) at a time; resolves with
// them and the seq the stream goes on from.
async function allEvents(id: string): Promise<{ events: any[]; last: number }> {
  const events: any[] = [];
  let last = 0;
  for (;;) {
    const page = await api("GET", `/v1/events?task=${encodeURIComponent(id)}&limit=1000&after=${last}`);
    events.push(...page.events);
    last = page.last;
    if (page.events.length < 1000) return { events, last };
  }
}

export function TaskPage({ id }: { id: string }) {
  const [task, setTask] = useState<any>(null);
  const [events, setEvents] = useState<any[]>([]);
  const [open, setOpen] = useState<Set<number>>(new Set());
  const [error, setError] = useState("");

  useEffect(() => {
    let stop = () => {};
    let closed = false;
    api("GET", `/v1/tasks/${id}`).then(setTask).catch((caught) => setError(caught.message));
    allEvents(id)
      .then(({ events: stored, last }) => {
        if (closed) return;
        setEvents(stored);
        // Live from where the log ended. Events that come together are
        // drawn together, once per frame.
        let arrived: any[] = [];
        let newest = last;
        stop = follow(`task=${encodeURIComponent(id)}&after=${last}`, (event) => {
          if (event.seq <= newest) return;  // a reconnection sends from its Last-Event-ID, already shown
          newest = event.seq;
          if (arrived.length === 0) {
            requestAnimationFrame(() => {
              const batch = arrived;
              arrived = [];
              setEvents((shown) => [...shown, ...batch]);
            });
          }
          arrived.push(event);
          if (event.type.startsWith("task.") || event.type.startsWith("merge.") || event.type.startsWith("approval.")) {
            api("GET", `/v1/tasks/${id}`).then(setTask);
          }
        });
      })
      .catch((caught) => setError(caught.message));
    return () => {
      closed = true;
      stop();
    };
  }, [id]);

  const toggle = useCallback(
    (seq: number) =>
      setOpen((now) => {
        const next = new Set(now);
        next.has(seq) ? next.delete(seq) : next.add(seq);
        return next;
      }),
    [],
  );

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
      <Stack id={id} refresh={task?.state} />
      <h2>Timeline</h2>
      <ol class="timeline">
        {events.map((event) => (
          <EventLine key={event.seq} event={event} open={open.has(event.seq)} onToggle={toggle} />
        ))}
      </ol>
    </section>
  );
}
