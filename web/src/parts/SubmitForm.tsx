import { useState } from "preact/hooks";
import { api, ApiError } from "../api";

// The task a submitter asks for: repository and prompt, and optionally the
// agent, priority, parents (task ids: the task waits for them and starts
// from their result), and a budget of tokens and calls. The server checks
// every field; its refusal names the field.
export function SubmitForm({ onSubmitted }: { onSubmitted: () => void }) {
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState("");
  // Numbers are typed as text (inputmode numeric): a number input would
  // send nothing for "ten", and the server's refusal would not name it.
  const field = (name: string, placeholder: string, numeric = false) => (
    <input
      name={name}
      inputMode={numeric ? "numeric" : undefined}
      placeholder={placeholder}
      value={fields[name] ?? ""}
      onInput={(e) => setFields({ ...fields, [name]: (e.target as HTMLInputElement).value })}
    />
  );
  const submit = (event: Event) => {
    event.preventDefault();
    const text = (name: string) => (fields[name] ?? "").trim();
    const task: Record<string, unknown> = { repo: text("repo"), prompt: fields.prompt ?? "" };
    if (text("agent")) task.agent = text("agent");
    // What is not a whole number goes as typed, for the server to refuse by name.
    const number = (name: string) => (/^-?\d+$/.test(text(name)) ? Number(text(name)) : text(name));
    for (const name of ["priority", "budget_tokens", "budget_calls"]) {
      if (text(name)) task[name] = number(name);
    }
    if (text("parents")) task.parents = text("parents").split(/[\s,]+/).filter(Boolean);
    api("POST", "/v1/tasks", task)
      .then(() => {
        setFields({ ...fields, prompt: "", parents: "" });
        setError("");
        onSubmitted();
      })
      .catch((caught: ApiError) => setError(caught.message));
  };
  return (
    <form class="submit" onSubmit={submit}>
      {field("repo", "repository (id or path)")}
      {field("prompt", "prompt")}
      {field("agent", "agent (optional)")}
      <details>
        <summary>More</summary>
        {field("priority", "priority (-100..100)", true)}
        {field("parents", "parents (task ids)")}
        {field("budget_tokens", "token budget", true)}
        {field("budget_calls", "call budget", true)}
      </details>
      <button type="submit">Submit task</button>
      {error && (
        <span class="error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}
