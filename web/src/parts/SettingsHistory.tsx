import { useEffect, useState } from "preact/hooks";
import { api, ApiError } from "../api";

// Every version of the repository's settings (newest first), and for an
// owner a rollback to any of them, with a reason. `changed` moves when the
// settings change on the page, to read the history again.
export function SettingsHistory({ repo, canRollBack, changed, onRolledBack }: {
  repo: string;
  canRollBack: boolean;
  changed: unknown;
  onRolledBack: () => void;
}) {
  const [versions, setVersions] = useState<any[]>([]);
  const [reason, setReason] = useState("");
  const [message, setMessage] = useState("");
  useEffect(() => {
    api("GET", `/v1/repos/${encodeURIComponent(repo)}/settings/history`)
      .then((answer) => setVersions(answer.versions))
      .catch((caught) => setMessage(caught.message));
  }, [repo, changed]);
  const rollBack = (version: number) =>
    api("POST", `/v1/repos/${encodeURIComponent(repo)}/settings/rollback`, { version, reason })
      .then((made) => {
        setMessage(`Restored version ${made.restored} as version ${made.version}.`);
        setReason("");
        onRolledBack();
      })
      .catch((caught: ApiError) => setMessage(caught.message));
  if (versions.length === 0) return <p>No settings change yet.</p>;
  return (
    <div data-testid="settings-history">
      {canRollBack && (
        <label>
          Reason for a rollback{" "}
          <input name="rollback-reason" value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
        </label>
      )}
      {message && <p class="notice" role="status">{message}</p>}
      <table class="tasks">
        <thead>
          <tr>
            <th>Version</th>
            <th>When</th>
            <th>By</th>
            <th>Change</th>
            <th>Why</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          {[...versions].reverse().map((version, index) => (
            <tr data-version={version.version}>
              <td>{version.version}</td>
              <td>{version.at}</td>
              <td>{version.changed_by}</td>
              <td class="prompt">
                {version.change === null ? "the settings before their history began" : JSON.stringify(version.change)}
              </td>
              <td>{version.reason}</td>
              <td>
                {canRollBack && index > 0 && <button onClick={() => rollBack(version.version)}>Roll back to this</button>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
