import { useEffect, useState } from "preact/hooks";
import { api } from "../api";

export function AuditPage() {
  const [chain, setChain] = useState<any>(null);
  const [events, setEvents] = useState<any[]>([]);
  const [type, setType] = useState("");
  const [task, setTask] = useState("");
  const [after, setAfter] = useState(0);
  const [error, setError] = useState("");
  useEffect(() => {
    api("GET", "/v1/audit").then(setChain).catch((caught) => setError(caught.message));
  }, []);
  useEffect(() => {
    const query = new URLSearchParams({ after: String(after), limit: "200" });
    if (type) query.set("type", type);
    if (task) query.set("task", task);
    api("GET", `/v1/events?${query}`)
      .then((page) => setEvents(page.events))
      .catch((caught) => setError(caught.message));
  }, [type, task, after]);
  return (
    <section>
      <h1>Audit</h1>
      {error && <p class="error" role="alert">{error}</p>}
      {chain && (
        <p data-testid="chain">
          {chain.intact
            ? `The chain is intact: ${chain.events_checked} events, head ${chain.head_hash.slice(0, 16)}.`
            : `The chain is BROKEN at event ${chain.first_broken_seq}: ${chain.problem}`}
        </p>
      )}
      <div class="filters">
        <input placeholder="type (task.queued)" onChange={(e) => setType((e.target as HTMLInputElement).value)} />
        <input placeholder="task" onChange={(e) => setTask((e.target as HTMLInputElement).value)} />
        <button onClick={() => setAfter(events.length ? events[events.length - 1].seq : after)}>Next 200</button>
        <button onClick={() => setAfter(0)}>From the start</button>
      </div>
      <table class="tasks">
        <tbody>
          {events.map((event) => (
            <tr key={event.seq}>
              <td>{event.seq}</td>
              <td>{event.time}</td>
              <td>{event.type}</td>
              <td>{event.task}</td>
              <td class="prompt">{JSON.stringify(event.payload)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
