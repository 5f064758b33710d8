import { useEffect, useState } from "preact/hooks";
import { api, ApiError, Session } from "../api";
import { KpiChart } from "../parts/KpiChart";
import { SettingsHistory } from "../parts/SettingsHistory";

export function RepositoryList() {
  const [repos, setRepos] = useState<any[]>([]);
  useEffect(() => {
    api("GET", "/v1/repos").then((page) => setRepos(page.repos));
  }, []);
  return (
    <section>
      <h1>Repositories</h1>
      <ul>
        {repos.map((repo) => (
          <li key={repo.id}>
            <a href={`/repos/${repo.id}`}>{repo.id}</a> {repo.path}
          </li>
        ))}
      </ul>
    </section>
  );
}

// A setting's value as the form edits it, and back: scalars as text, lists
// and groups (egress, budget, thresholds, models, model_prices...) as JSON.
const shown = (value: unknown) =>
  value === null || value === undefined ? "" : typeof value === "object" ? JSON.stringify(value, null, 1) : String(value);
function parsed(text: string, was: unknown): unknown {
  if (text === "") return null;  // resets to the default
  if (typeof was === "object" && was !== null) {
    try {
      return JSON.parse(text);
    } catch {
      return text;  // not JSON: the server says what the setting must be
    }
  }
  // Anything else goes as typed, for the server to judge (and name the field).
  if (typeof was === "number" && text.trim() !== "" && !Number.isNaN(Number(text))) return Number(text);
  if (typeof was === "boolean" && (text === "true" || text === "false")) return text === "true";
  return text;
}

// Who may change settings and roll them back (the server decides; this only
// hides what a role cannot do).
const OWNERS = new Set(["owner", "admin"]);

export function RepositoryPage({ id, session }: { id: string; session: Session }) {
  const [repo, setRepo] = useState<any>(null);
  const [edits, setEdits] = useState<Record<string, string>>({});
  const [simulation, setSimulation] = useState<any>(null);
  const [message, setMessage] = useState("");
  const [reason, setReason] = useState("");  // kept with the settings version a change makes
  const load = () => api("GET", `/v1/repos/${id}`).then(setRepo).catch((caught) => setMessage(caught.message));
  useEffect(() => {
    load();
  }, [id]);
  if (!repo) return <p>{message || "Loading…"}</p>;

  const entries = Object.entries(repo.settings);
  const scalars = entries.filter(([, value]) => typeof value !== "object" || value === null);
  const groups = entries.filter(([, value]) => typeof value === "object" && value !== null);
  // A field put back to what it was is no change.
  const edit = (key: string, value: unknown) => (e: Event) => {
    const text = (e.target as HTMLInputElement | HTMLTextAreaElement).value;
    const { [key]: _dropped, ...others } = edits;
    setEdits(text === shown(value) ? others : { ...others, [key]: text });
  };
  const changes = () =>
    Object.fromEntries(Object.entries(edits).map(([key, text]) => [key, parsed(text, repo.settings[key])]));
  const simulate = () =>
    api("POST", `/v1/repos/${id}/simulate`, changes())
      .then((result) => {
        setSimulation(result);
        setMessage("");
      })
      .catch((caught: ApiError) => setMessage(caught.message));
  const apply = () =>
    api("PATCH", `/v1/repos/${id}/settings?${new URLSearchParams({ reason })}`, changes())
      .then(() => {
        setEdits({});
        setSimulation(null);
        setMessage("Applied.");
        load();
      })
      .catch((caught: ApiError) => setMessage(caught.message));

  return (
    <section>
      <h1>Repository {repo.id}</h1>
      <p>{repo.path}</p>
      <h2>Tier</h2>
      <p data-testid="tier">
        In force: <strong>{repo.tier.in_force}</strong> (earned {repo.tier.earned}; {repo.tier.why}; rule{" "}
        {repo.tier.rule}; {repo.tier.outcomes_since_change} outcomes since it changed)
      </p>
      <h2>Track record</h2>
      <KpiChart repo={repo.id} />
      <details>
        <summary>The numbers now</summary>
        <pre class="kpis">{JSON.stringify(repo.kpis, null, 2)}</pre>
      </details>
      <h2>Settings</h2>
      <form class="settings" onSubmit={(e) => e.preventDefault()}>
        {scalars.map(([key, value]) => (
          <label key={key}>
            {key}
            <input name={key} value={key in edits ? edits[key] : shown(value)} onInput={edit(key, value)} />
          </label>
        ))}
        {groups.map(([key, value]) => (
          <label key={key} class="group">
            {key}
            <textarea name={key} rows={4} value={key in edits ? edits[key] : shown(value)} onInput={edit(key, value)} />
          </label>
        ))}
        <div>
          <button type="button" onClick={simulate}>
            Simulate
          </button>
          <input
            name="change-reason"
            placeholder="why (kept in the history)"
            value={reason}
            onInput={(e) => setReason((e.target as HTMLInputElement).value)}
          />
          <button type="button" onClick={apply}>
            Apply
          </button>
        </div>
      </form>
      {message && <p class="notice" role="status">{message}</p>}
      {simulation && (
        <div class="simulation" data-testid="simulation">
          <p>
            Replayed over {simulation.outcomes} outcomes: the tier would be <strong>{simulation.tier_proposed}</strong>{" "}
            (now {simulation.tier_now}).
          </p>
          <SimulationSteps steps={simulation.steps ?? []} />
        </div>
      )}
      <h2>Settings history</h2>
      <SettingsHistory repo={repo.id} canRollBack={OWNERS.has(session.role)} changed={repo.settings} onRolledBack={load} />
    </section>
  );
}

// The replay step by step, the settings in force beside the proposed ones:
// each outcome, the tier after it and the approvals a task then needed.
// Rows where the two differ are marked.
function SimulationSteps({ steps }: { steps: any[] }) {
  if (steps.length === 0) return <p>No outcomes to replay yet.</p>;
  return (
    <table class="tasks simulation-steps">
      <thead>
        <tr>
          <th>When</th>
          <th>Task</th>
          <th>Agent</th>
          <th>Outcome</th>
          <th>Tier now</th>
          <th>Tier proposed</th>
          <th>Approvals now / proposed</th>
          <th>Rule (proposed)</th>
        </tr>
      </thead>
      <tbody>
        {steps.map((step) => (
          <tr class={step.tier_after !== step.now?.tier_after ? "differs" : ""}>
            <td>{step.at}</td>
            <td>
              <a href={`/tasks/${step.task}`}>{step.task}</a>
            </td>
            <td>{step.agent}</td>
            <td>{step.outcome}</td>
            <td>{step.now?.tier_after}</td>
            <td>{step.tier_after}</td>
            <td>
              {step.now?.granted?.approvals} / {step.granted?.approvals}
            </td>
            <td title={step.reason}>{step.rule}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
