import { useEffect, useRef, useState } from "preact/hooks";
import { html as diffHtml } from "diff2html";
import { api, ApiError, Session } from "../api";
import { placeFindings } from "../parts/inlineFindings";

export function ReviewList() {
  const [reviews, setReviews] = useState<any[]>([]);
  const [error, setError] = useState("");
  useEffect(() => {
    api("GET", "/v1/reviews").then((page) => setReviews(page.reviews)).catch((caught) => setError(caught.message));
  }, []);
  return (
    <section>
      <h1>Waiting for review</h1>
      {error && <p class="error" role="alert">{error}</p>}
      {reviews.length === 0 && !error && <p>Nothing waits for a review.</p>}
      <ul class="reviews">
        {reviews.map((review) => (
          <li key={review.task}>
            <a href={`/reviews/${review.task}`}>{review.task}</a> <span class="prompt">{review.prompt}</span> (
            {review.approvals}/{review.approvals_required} approvals)
          </li>
        ))}
      </ul>
    </section>
  );
}

const REVIEWERS = new Set(["reviewer", "owner", "admin"]);

// What the run did, from its events: what it was granted, where it reached
// and was refused, which tool calls were blocked or flagged, what it spent.
function Evidence({ id }: { id: string }) {
  const [events, setEvents] = useState<any[]>([]);
  const [task, setTask] = useState<any>(null);
  useEffect(() => {
    api("GET", `/v1/events?task=${encodeURIComponent(id)}&limit=1000`).then((page) => setEvents(page.events));
    api("GET", `/v1/tasks/${encodeURIComponent(id)}`).then(setTask);
  }, [id]);
  // Spent against the task's own budget, where it has one (0: none of its own).
  const against = (spent: number, budget: number | undefined) => (budget ? `${spent} of ${budget}` : `${spent}`);
  const of = (type: string) => events.filter((event) => event.type === type);
  const routed = of("task.routed").at(-1)?.payload;
  const hosts = (type: string) => [...new Set(of(type).map((event) => event.payload?.host ?? "?"))];
  const calls = of("llm.call");
  const tokens = calls.reduce(
    (sum, event) => sum + (event.payload?.input_tokens ?? 0) + (event.payload?.output_tokens ?? 0),
    0,
  );
  const priced = calls.filter((event) => typeof event.payload?.cost_usd === "number");
  const cost = priced.reduce((sum, event) => sum + event.payload.cost_usd, 0);
  const tool = (event: any) => `${event.payload?.tool ?? ""} ${event.payload?.rule ?? ""}: ${event.payload?.reason ?? ""}`;
  return (
    <aside class="evidence" data-testid="evidence">
      <h2>What the run did</h2>
      <p>Granted: {routed ? JSON.stringify(routed.grant ?? routed) : "—"}</p>
      <p>Hosts reached: {hosts("egress.allowed").join(", ") || "none"}</p>
      <p>Hosts refused: {hosts("egress.denied").join(", ") || "none"}</p>
      <p>Tool calls blocked: {of("tool.blocked").length}, flagged: {of("tool.flagged").length}</p>
      <ul>
        {[...of("tool.blocked"), ...of("tool.flagged")].map((event) => (
          <li key={event.seq}>{tool(event)}</li>
        ))}
      </ul>
      <p>
        Model calls: {against(calls.length, task?.budget_calls)}, tokens: {against(tokens, task?.budget_tokens)}
        {priced.length > 0 && `, cost: $${cost.toFixed(4)}${priced.length < calls.length ? " (of the priced calls)" : ""}`}
      </p>
    </aside>
  );
}

export function ReviewPage({ id, session }: { id: string; session: Session }) {
  const [review, setReview] = useState<any>(null);
  const [layout, setLayout] = useState<"line-by-line" | "side-by-side">("line-by-line");
  const [notice, setNotice] = useState("");
  const [reason, setReason] = useState("");
  const diff = useRef<HTMLDivElement>(null);

  const load = () =>
    api("GET", `/v1/reviews/${id}`)
      .then(setReview)
      .catch((caught) => setNotice(caught.message));
  useEffect(() => {
    load();
  }, [id]);
  // After each drawing of the diff: the findings under their lines.
  useEffect(() => {
    if (diff.current && review) placeFindings(diff.current, review.findings ?? []);
  }, [review, layout]);

  const judge = (verb: "approve" | "reject") => {
    const body: Record<string, string> = { diff_hash: review.diff_hash };
    if (verb === "reject") body.reason = reason;
    api("POST", `/v1/reviews/${id}/${verb}`, body)
      .then(() => {
        setNotice(verb === "approve" ? "Approved." : "Rejected.");
        load();
      })
      .catch((caught: ApiError) => {
        // The diff changed since this page showed it: the server refused;
        // show the new one.
        setNotice(caught.status === 409 ? `The diff changed since you opened it: ${caught.message}` : caught.message);
        if (caught.status === 409) load();
      });
  };

  if (!review) return <p>{notice || "Loading…"}</p>;
  const mayJudge = REVIEWERS.has(session.role) && session.name !== review.submitter && review.state === "review";
  return (
    <section>
      <h1>Review of {id}</h1>
      <p class="prompt">{review.prompt}</p>
      <p>
        Submitted by {review.submitter}; {review.approvals}/{review.approvals_required} approvals; diff{" "}
        <code data-testid="diff-hash">{review.diff_hash.slice(0, 12)}</code>; state{" "}
        <span data-testid="review-state">{review.state}</span>
      </p>
      {notice && <p class="notice" role="status">{notice}</p>}
      {review.interdiff !== undefined && (
        <>
          <h2>Changed since the approved diff</h2>
          <p>
            A rebase onto the branch's new tip changed the change approved before (
            <code>{review.approved_base.slice(0, 12)}</code>..<code>{review.approved_head.slice(0, 12)}</code>): what
            differs between the two diffs.
          </p>
          <pre class="interdiff" data-testid="interdiff">
            {review.interdiff || "(only where it applies)"}
          </pre>
        </>
      )}
      <h2>Findings</h2>
      <ul class="findings">
        {(review.findings ?? []).map((finding: any) => (
          <li>
            <strong>{finding.decision}</strong> {finding.rule} {finding.path}
            {finding.line ? `:${finding.line}` : ""} — {finding.message}
          </li>
        ))}
      </ul>
      {mayJudge && (
        <div class="verdict">
          <button onClick={() => judge("approve")}>Approve</button>
          <input placeholder="reason to reject" value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
          <button onClick={() => judge("reject")}>Reject</button>
        </div>
      )}
      <Evidence id={id} />
      <div class="layout">
        <button onClick={() => setLayout("line-by-line")}>Unified</button>
        <button onClick={() => setLayout("side-by-side")}>Side by side</button>
      </div>
      {/* diff2html escapes every line of the patch: the agent's text stays text. */}
      <div
        class="diff"
        ref={diff}
        dangerouslySetInnerHTML={{ __html: diffHtml(review.patch ?? "", { outputFormat: layout, drawFileList: true }) }}
      />
    </section>
  );
}
