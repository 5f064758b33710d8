import { useEffect, useRef, useState } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { api } from "../api";

// The repository's KPIs over time (GET /v1/repos/ID/kpis): success and
// rollback rates after each outcome, each with the bound the tier rules
// read (success's lower, rollback's upper), for the repository or one agent.
export function KpiChart({ repo }: { repo: string }) {
  const [series, setSeries] = useState<Record<string, any[]> | null>(null);
  const [recent, setRecent] = useState<any[]>([]);
  const [shown, setShown] = useState("");
  const [error, setError] = useState("");
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    api("GET", `/v1/repos/${encodeURIComponent(repo)}/kpis`)
      .then((answer) => {
        setSeries(answer.series);
        setRecent(answer.recent ?? []);
      })
      .catch((caught) => setError(caught.message));
  }, [repo]);

  const points = series?.[shown] ?? [];
  useEffect(() => {
    if (!box.current || points.length === 0) return;
    const column = (name: string) => points.map((point) => point[name]);
    const times = points.map((point) => Date.parse(point.time) / 1000);
    const margin = times.length === 1 ? 3600 : 0;
    const data: uPlot.AlignedData = [
      times,
      column("success_rate"),
      column("success_lower"),
      column("rollback_rate"),
      column("rollback_upper"),
    ];
    const plot = new uPlot(
      {
        width: Math.max(320, box.current.clientWidth),
        height: 260,
        scales: {
          // A lone point gets an hour either side, not years.
          x: { time: true, auto: false, range: [times[0] - margin, times[times.length - 1] + margin] },
          y: { range: [0, 1] },
        },
        series: [
          {},
          { label: "success rate", stroke: "#1a7f37", width: 2, points: { show: true } },
          { label: "success, lower bound", stroke: "#1a7f37", dash: [6, 4] },
          { label: "rollback rate", stroke: "#cf222e", width: 2, points: { show: true } },
          { label: "rollback, upper bound", stroke: "#cf222e", dash: [6, 4] },
        ],
      },
      data,
      box.current,
    );
    return () => plot.destroy();
  }, [points]);

  if (error) return <p class="error">{error}</p>;
  if (!series) return <p>Loading the track record…</p>;
  const agents = Object.keys(series).filter((name) => name !== "");
  return (
    <div class="kpi-chart" data-testid="kpi-chart">
      <label>
        Whose record{" "}
        <select name="kpi-series" onChange={(e) => setShown((e.target as HTMLSelectElement).value)}>
          <option value="">the whole repository</option>
          {agents.map((agent) => (
            <option value={agent}>agent {agent}</option>
          ))}
        </select>
      </label>
      {points.length === 0 ? (
        <p>No outcomes yet: nothing to draw.</p>
      ) : (
        <p data-testid="kpi-points">
          {points.length} point{points.length === 1 ? "" : "s"}; latest: success {points.at(-1).success_rate.toFixed(2)} (lower bound{" "}
          {points.at(-1).success_lower.toFixed(2)}), rollback {points.at(-1).rollback_rate.toFixed(2)} (upper bound{" "}
          {points.at(-1).rollback_upper.toFixed(2)})
        </p>
      )}
      <div ref={box} />
      {recent.length > 0 && (
        <details>
          <summary>Recent outcomes ({recent.length})</summary>
          <ol class="recent-outcomes" data-testid="recent-outcomes">
            {[...recent].reverse().map((outcome) => (
              <li>
                {outcome.at} <a href={`/tasks/${outcome.task}`}>{outcome.task}</a> {outcome.outcome}
                {outcome.agent && ` (agent ${outcome.agent})`}
              </li>
            ))}
          </ol>
        </details>
      )}
    </div>
  );
}
