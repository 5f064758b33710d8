import { Component } from "preact";

// What each event type's line shows of its payload, by path ("agent.chosen":
// payload.agent.chosen); a type not here shows its text or reason, or its
// payload cut short. Everything is rendered as text: an agent wrote much of it.
const FACTS: Record<string, string[]> = {
  "task.queued": ["submitter", "priority", "parents"],
  "task.routed": ["tier", "earned", "why", "held_to_tier", "approvals", "network", "grant", "agent.chosen", "agent.rule", "agent.reason"],
  "sandbox.created": ["backend", "memory_bytes", "pids", "cpus", "timeout_seconds"],
  "tool.invoked": ["tool", "arguments"],
  "tool.flagged": ["tool", "rule", "reason", "argument", "arguments"],
  "tool.blocked": ["tool", "rule", "reason", "argument", "arguments"],
  "egress.allowed": ["method", "host", "port", "address"],
  "egress.denied": ["method", "host", "port", "rule", "reason"],
  "llm.call": ["model", "status", "input_tokens", "output_tokens", "cache_read_tokens", "cost_usd", "ms", "first_byte_ms", "error"],
  "llm.refused": ["model", "rule", "reason"],
  "agent.confidence": ["value", "reason"],
  "agent.escalation": ["reason"],
  "budget.warning": ["scope", "tokens_used", "calls_used"],
  "budget.exceeded": ["scope", "tokens_used", "calls_used"],
  "diff.proposed": ["changed", "stats", "branch", "head"],
  "check.passed": ["check", "decision", "stats", "diff_hash"],
  "check.failed": ["check", "decision", "reason", "findings", "exit_code"],
  "approval.requested": ["approvals_required", "tier", "escalation", "diff_hash"],
  "approval.granted": ["reviewer", "approvals", "approvals_required", "diff_hash"],
  "approval.rejected": ["reviewer", "reason", "diff_hash"],
  "merge.completed": ["branch", "old", "new", "upstream", "diff_hash"],
  "merge.refused": ["rule", "reason"],
  "merge.failed": ["reason"],
  "merge.conflicted": ["reason", "files"],
  "task.finished": ["exit_code", "reason", "changed"],
  "task.failed": ["exit_code", "reason"],
};

// How a line is coloured: what a gate decided, or how a step ended.
function verdict(type: string): string {
  if (/\.(blocked|denied|refused|failed|rejected|exceeded|conflicted)$/.test(type)) return "bad";
  if (/\.(flagged|warning|escalation|held)$/.test(type)) return "warn";
  if (/\.(passed|granted|completed)$/.test(type)) return "good";
  return "";
}

function at(payload: any, path: string): unknown {
  return path.split(".").reduce((value, key) => (value && typeof value === "object" ? value[key] : undefined), payload);
}

function shown(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

// The line's text when its type has no facts listed (or none are present).
function summary(event: any): string {
  const payload = event.payload ?? {};
  if (typeof payload.text === "string") return payload.text;
  if (typeof payload.reason === "string") return payload.reason;
  return shown(payload);
}

type Props = { event: any; open: boolean; onToggle: (seq: number) => void };

// One line of a timeline. Drawn again only when its event or its JSON's
// being open changes: a timeline of thousands of lines stays quick to update.
export class EventLine extends Component<Props> {
  shouldComponentUpdate(next: Props) {
    return next.event !== this.props.event || next.open !== this.props.open;
  }

  render({ event, open, onToggle }: Props) {
    const payload = event.payload ?? {};
    const facts = (FACTS[event.type] ?? [])
      .map((path) => [path, at(payload, path)] as const)
      .filter(([, value]) => value !== undefined && value !== null && value !== "");
    return (
      <li data-type={event.type} data-seq={event.seq} class={verdict(event.type)}>
        <span class="time">{event.time}</span> <span class="type">{event.type}</span>{" "}
        {facts.length ? (
          <span class="facts">
            {facts.map(([path, value]) => (
              <span class="fact" data-fact={path}>
                <span class="name">{path}</span> {shown(value)}
              </span>
            ))}
          </span>
        ) : (
          <span class="summary">{summary(event)}</span>
        )}{" "}
        <button class="link" onClick={() => onToggle(event.seq)}>
          JSON
        </button>
        {open && <pre>{JSON.stringify(event, null, 2)}</pre>}
      </li>
    );
  }
}
