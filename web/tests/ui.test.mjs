// The web UI in a real browser (Debian's Chromium, driven by Playwright)
// against a real daemon, started by tests/e2e/web_ui_test.cpp, which passes:
//   UI_URL        the daemon's TCP address (http://127.0.0.1:PORT)
//   UI_REPO       the repository's id
//   UI_REVIEWER, UI_SUBMITTER, UI_OWNER, UI_ADMIN   tokens, named by their roles
//   UI_SHOTS      where screenshots go
// Tasks are submitted through the API with shell commands as their agents.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";

const env = process.env;
const url = env.UI_URL;
mkdirSync(env.UI_SHOTS, { recursive: true });

async function call(token, method, path, body) {
  const response = await fetch(url + path, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json().catch(() => ({})) };
}

async function submit(agent, prompt) {
  const made = await call(env.UI_SUBMITTER, "POST", "/v1/tasks", { repo: env.UI_REPO, prompt, agent: `${agent}; true` });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  return made.body.id;
}

async function waitForState(id, state, seconds = 90) {
  for (let i = 0; i < seconds * 4; i++) {
    const task = await call(env.UI_ADMIN, "GET", `/v1/tasks/${id}`);
    if (task.body.state === state) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  assert.fail(`${id} never reached ${state}`);
}

// A page that records every dialog (an alert() that ran) and script error.
async function watchedPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.problems = [];
  page.on("dialog", (dialog) => {
    page.problems.push(`dialog: ${dialog.message()}`);
    dialog.dismiss();
  });
  // Refused requests (the 401 of not being signed in yet, the refusals the
  // tests provoke) log "Failed to load resource"; anything else an error
  // logs (a script error, a Content-Security-Policy violation) is a problem.
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      page.problems.push(`console: ${message.text()}`);
    }
  });
  page.on("pageerror", (error) => page.problems.push(`page error: ${error.message}`));
  return page;
}

async function signIn(page, token) {
  await page.goto(url);
  await page.fill("input[name=token]", token);
  await page.click("button[type=submit]");
  await page.waitForSelector("[data-testid=who]");
}

const browser = await chromium.launch({
  executablePath: env.UI_CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-dev-shm-usage"],
});
let reviewer;
let waiting;

test("a reviewer watches a task arrive and run live, reads its timeline and diff, approves it, and it merges", async () => {
  reviewer = await watchedPage(browser);
  await reviewer.goto(url);
  await reviewer.screenshot({ path: `${env.UI_SHOTS}/sign-in.png` });
  await signIn(reviewer, env.UI_REVIEWER);
  assert.match(await reviewer.textContent("[data-testid=who]"), /reviewer/);
  const id = await submit("echo reviewed > ui.txt", "write ui.txt");
  // Live: the row appears without a reload.
  await reviewer.waitForSelector(`tr[data-task="${id}"]`, { timeout: 30000 });
  await reviewer.screenshot({ path: `${env.UI_SHOTS}/queue.png` });
  // The filters ask the server: another submitter's view holds no such row.
  await reviewer.fill("input[name=submitter-filter]", "nobody");
  await reviewer.press("input[name=submitter-filter]", "Enter");
  await reviewer.waitForSelector(`tr[data-task="${id}"]`, { state: "detached" });
  await reviewer.fill("input[name=submitter-filter]", "submitter");
  await reviewer.press("input[name=submitter-filter]", "Enter");
  await reviewer.waitForSelector(`tr[data-task="${id}"]`);
  await reviewer.click(`a[href="/tasks/${id}"]`);
  await reviewer.waitForSelector('li[data-type="task.queued"]');
  await reviewer.waitForFunction(
    () => document.querySelector("[data-testid=task-state]")?.textContent === "review",
    null,
    { timeout: 90000 },
  );
  await reviewer.waitForSelector('li[data-type="diff.proposed"]');
  await reviewer.screenshot({ path: `${env.UI_SHOTS}/task.png`, fullPage: true });
  await reviewer.click(`a[href="/reviews/${id}"]`);
  await reviewer.waitForSelector(".d2h-file-name");
  assert.match(await reviewer.textContent(".diff"), /ui\.txt/);
  await reviewer.screenshot({ path: `${env.UI_SHOTS}/review.png`, fullPage: true });
  await reviewer.click("text=Approve");
  await reviewer.waitForSelector("text=Approved.");
  await waitForState(id, "merged");
  assert.deepEqual(reviewer.problems, []);
});

test("the submitter sees no approve button, and an approval forged from its session is refused", async () => {
  waiting = await submit("echo second > second.txt", "write second.txt");
  await waitForState(waiting, "review");
  const page = await watchedPage(browser);
  await signIn(page, env.UI_SUBMITTER);
  await page.goto(`${url}/reviews/${waiting}`);
  await page.waitForSelector("[data-testid=diff-hash]");
  assert.equal(await page.locator("text=Approve").count(), 0);
  const forged = await page.evaluate(async (id) => {
    const session = await (await fetch("/v1/session")).json();
    const review = await (await fetch(`/v1/reviews/${id}`)).json();
    const answer = await fetch(`/v1/reviews/${id}/approve`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": session.csrf },
      body: JSON.stringify({ diff_hash: review.diff_hash }),
    });
    return answer.status;
  }, waiting);
  assert.equal(forged, 403);
  assert.equal((await call(env.UI_ADMIN, "GET", `/v1/reviews/${waiting}`)).body.approvals, 0);
});

test("a submitter's form sends priority, parents and budget; a bad one is refused by name and makes nothing", async () => {
  const page = await watchedPage(browser);
  await signIn(page, env.UI_SUBMITTER);
  const count = async () => (await call(env.UI_ADMIN, "GET", "/v1/tasks?limit=1")).body.total;
  const before = await count();
  await page.fill("input[name=repo]", env.UI_REPO);
  await page.fill("input[name=prompt]", "stacked on the waiting one");
  // Long enough that it is still queued or running when its row cancels it.
  await page.fill("input[name=agent]", "sleep 60; true");
  await page.click("form.submit summary");
  await page.fill("input[name=priority]", "high");
  await page.click("text=Submit task");
  await page.waitForSelector("form.submit [role=alert]");
  assert.match(await page.textContent("form.submit [role=alert]"), /priority/);
  assert.equal(await count(), before, "the refusal made nothing");
  await page.fill("input[name=priority]", "7");
  await page.fill("input[name=parents]", waiting);
  await page.fill("input[name=budget_calls]", "3");
  await page.click("text=Submit task");
  await page.waitForFunction(() => !document.querySelector("form.submit [role=alert]"));
  const listed = (await call(env.UI_ADMIN, "GET", "/v1/tasks?order=newest&limit=1")).body.tasks[0];
  assert.equal(listed.prompt, "stacked on the waiting one");
  assert.equal(listed.priority, 7);
  assert.deepEqual(listed.parents, [waiting]);
  assert.equal(listed.budget_calls, 3);
  // Its row can cancel it.
  await page.waitForSelector(`tr[data-task="${listed.id}"]`);
  assert.match(await page.textContent("[data-testid=shown]"), new RegExp(`of ${before + 1}$`));
  await page.click(`tr[data-task="${listed.id}"] >> text=Cancel`);
  await page.waitForFunction((id) => document.querySelector(`tr[data-task="${id}"] .state`)?.textContent === "cancelled"
    || document.querySelector("[role=alert]"), listed.id);
  assert.equal(await page.locator("[role=alert]").count(), 0, await page.locator("[role=alert]").allTextContents());
  await waitForState(listed.id, "cancelled");
  // The stack as its DAG: the parent in the first column, the stacked task after it.
  assert.equal(await page.locator(`tr[data-task="${listed.id}"] td.after a[href="/tasks/${waiting}"]`).count(), 1);
  await page.goto(`${url}/tasks/${listed.id}`);
  await page.waitForSelector("[data-testid=stack]");
  assert.equal(await page.locator(`.stack-column[data-depth="0"] li[data-task="${waiting}"]`).count(), 1);
  assert.equal(await page.locator(`.stack-column[data-depth="1"] li[data-task="${listed.id}"].current`).count(), 1);
  // The parent's timeline shows each step's facts: the routing decision's tier.
  await page.goto(`${url}/tasks/${waiting}`);
  await page.waitForSelector('li[data-type="task.routed"] [data-fact="tier"]');
  assert.match(await page.textContent('li[data-type="task.routed"] [data-fact="tier"]'), /supervised/);
  assert.deepEqual(page.problems, []);
});

test("a change without the CSRF token, or from another site, is refused", async () => {
  const withoutToken = await reviewer.evaluate(async (id) => {
    const answer = await fetch(`/v1/tasks/${id}/cancel`, { method: "POST" });
    return answer.status;
  }, waiting);
  assert.equal(withoutToken, 403);
  // A form on another origin posting to the daemon: the SameSite=Strict
  // cookie stays home, so it arrives as nobody's.
  const other = await reviewer.context().newPage();
  await other.goto("about:blank");
  await other.setContent(`<form method="post" action="${url}/v1/tasks/${waiting}/cancel"></form>`);
  const [answer] = await Promise.all([
    other.waitForResponse((response) => response.url().endsWith("/cancel")),
    other.evaluate(() => document.forms[0].submit()),
  ]);
  assert.equal(answer.status(), 401);
  assert.equal((await call(env.UI_ADMIN, "GET", `/v1/tasks/${waiting}`)).body.state, "review");
});

test("a hostile agent's output, file names and diff show as text and run nothing", async () => {
  const id = await submit(
    `printf '<script>alert(2)</script>\\n' > '<img src=x onerror=alert(1)>.txt'; echo '<script>alert(3)</script><img src=x onerror=alert(4)>'`,
    "<b>bold</b><script>alert(5)</script>",
  );
  await waitForState(id, "review");
  await reviewer.goto(url);
  await reviewer.waitForSelector(`tr[data-task="${id}"]`);
  assert.match(await reviewer.textContent(`tr[data-task="${id}"] .prompt`), /<script>alert\(5\)<\/script>/);
  await reviewer.goto(`${url}/tasks/${id}`);
  await reviewer.waitForSelector('li[data-type="diff.proposed"]');
  await reviewer.goto(`${url}/reviews/${id}`);
  await reviewer.waitForSelector(".d2h-file-name");
  const diff = await reviewer.textContent(".diff");
  assert.match(diff, /<script>alert\(2\)<\/script>/);
  assert.match(diff, /<img src=x onerror=alert\(1\)>\.txt/);
  await reviewer.screenshot({ path: `${env.UI_SHOTS}/hostile-review.png`, fullPage: true });
  assert.equal(await reviewer.locator(".diff script, .diff img").count(), 0);
  assert.deepEqual(reviewer.problems, []);
});

test("findings show under their lines; an approval of a diff the page read before it changed is refused and the new one shown", async () => {
  // A secret on line 3 of notes.txt (refused), and agent instructions changed (a finding of the file).
  const secret = "ghp_" + Array.from({ length: 36 }, (_, i) => "aB3dE5gH7jK9mN1pQ2sT4vW6yZ8cF0hJ"[(i * 7) % 32]).join("");
  const refused = await submit(`printf 'one\\ntwo\\nGITHUB_TOKEN=${secret}\\n' > notes.txt; echo hi > AGENTS.md`,
    "leak a token");
  await waitForState(refused, "refused");
  await reviewer.goto(`${url}/reviews/${refused}`);
  await reviewer.waitForSelector(".inline-finding");
  const row = reviewer.locator('tr.inline-finding[data-rule="secret"]');
  assert.equal(await row.count(), 1);
  assert.match(await row.textContent(), /refuse secret: looks like a credential/);
  // It sits right under line 3 of notes.txt.
  const above = await row.evaluate((tr) => tr.previousElementSibling.querySelector(".line-num2")?.textContent.trim());
  assert.equal(above, "3");
  assert.equal(await reviewer.locator('div.inline-finding[data-rule="agent_instructions"]').count(), 1);
  await reviewer.click("text=Side by side");
  await reviewer.waitForSelector('.d2h-file-side-diff tr.inline-finding[data-rule="secret"]');
  await reviewer.screenshot({ path: `${env.UI_SHOTS}/findings.png`, fullPage: true });

  // The page read the review before its diff changed: it holds the old hash.
  const current = (await call(env.UI_ADMIN, "GET", `/v1/reviews/${waiting}`)).body.diff_hash;
  const stale = "0".repeat(current.length);
  await reviewer.route(`**/v1/reviews/${waiting}`, async (route) => {
    const answer = await route.fetch();
    await route.fulfill({ response: answer, json: { ...(await answer.json()), diff_hash: stale } });
  });
  await reviewer.goto(`${url}/reviews/${waiting}`);
  await reviewer.waitForSelector("[data-testid=diff-hash]");
  assert.equal(await reviewer.textContent("[data-testid=diff-hash]"), stale.slice(0, 12));
  await reviewer.unroute(`**/v1/reviews/${waiting}`);
  await reviewer.click("text=Approve");
  await reviewer.waitForSelector("text=The diff changed since you opened it");
  await reviewer.waitForFunction((hash) => document.querySelector("[data-testid=diff-hash]")?.textContent === hash,
    current.slice(0, 12));
  assert.equal((await call(env.UI_ADMIN, "GET", `/v1/reviews/${waiting}`)).body.approvals, 0, "nothing was approved");
  // Approving what is shown now goes through.
  await reviewer.click("text=Approve");
  await reviewer.waitForSelector("text=Approved.");
  await waitForState(waiting, "merged");
  assert.deepEqual(reviewer.problems, []);
});

test("an owner simulates and applies a setting through the form; a bad value is refused by name", async () => {
  const page = await watchedPage(browser);
  await signIn(page, env.UI_OWNER);
  await page.goto(`${url}/repos/${env.UI_REPO}`);
  await page.waitForSelector("[data-testid=tier]");
  // The track record over time, drawn: one point per outcome so far.
  const kpis = (await call(env.UI_ADMIN, "GET", `/v1/repos/${env.UI_REPO}/kpis`)).body;
  assert.ok(kpis.outcomes >= 3, JSON.stringify(kpis));
  await page.waitForSelector("[data-testid=kpi-chart] canvas");
  assert.match(await page.textContent("[data-testid=kpi-points]"), new RegExp(`^${kpis.series[""].length} points?;`));
  assert.equal(await page.locator("[data-testid=recent-outcomes] li").count(), kpis.recent.length);
  const agent = Object.keys(kpis.series).find((name) => name !== "");
  await page.selectOption("select[name=kpi-series]", agent);
  await page.waitForFunction((n) => document.querySelector("[data-testid=kpi-points]")?.textContent.startsWith(`${n} point`),
    kpis.series[agent].length);
  const before = (await call(env.UI_ADMIN, "GET", `/v1/repos/${env.UI_REPO}`)).body.settings;
  await page.fill("input[name=check_timeout_seconds]", "soon");
  await page.click("text=Apply");
  await page.waitForSelector("[role=status]");
  assert.match(await page.textContent("[role=status]"), /check_timeout_seconds/);
  assert.deepEqual((await call(env.UI_ADMIN, "GET", `/v1/repos/${env.UI_REPO}`)).body.settings, before);
  await page.fill("input[name=check_timeout_seconds]", String(before.check_timeout_seconds ?? ""));
  // A group is edited as JSON; a bad price is refused by its name.
  await page.fill("textarea[name=model_prices]", '{"claude-x": "free"}');
  await page.click("text=Apply");
  await page.waitForFunction(() => /model_prices\.claude-x/.test(document.querySelector("[role=status]")?.textContent));
  assert.deepEqual((await call(env.UI_ADMIN, "GET", `/v1/repos/${env.UI_REPO}`)).body.settings, before);
  await page.fill("textarea[name=model_prices]", '{"claude-x": "3/15"}');
  await page.click("text=Apply");
  await page.waitForSelector("text=Applied.");
  assert.deepEqual((await call(env.UI_ADMIN, "GET", `/v1/repos/${env.UI_REPO}`)).body.settings.model_prices,
    { "claude-x": "3/15" });
  await page.fill("input[name=pin]", "trusted");
  await page.click("text=Simulate");
  await page.waitForSelector("[data-testid=simulation]");
  assert.match(await page.textContent("[data-testid=simulation]"), /would be trusted/);
  // Step by step, beside the settings in force: the rows where the tier differs are marked.
  const replay = (await call(env.UI_OWNER, "POST", `/v1/repos/${env.UI_REPO}/simulate`, { pin: "trusted" })).body;
  assert.equal(await page.locator(".simulation-steps tbody tr").count(), replay.steps.length);
  assert.ok(replay.steps_with_a_different_tier > 0);
  assert.equal(await page.locator(".simulation-steps tr.differs").count(), replay.steps_with_a_different_tier);
  await page.screenshot({ path: `${env.UI_SHOTS}/repository.png`, fullPage: true });
  await page.fill("input[name=change-reason]", "earned enough");
  await page.click("text=Apply");
  await page.waitForSelector("text=Applied.");
  assert.equal((await call(env.UI_ADMIN, "GET", `/v1/repos/${env.UI_REPO}`)).body.settings.pin, "trusted");
  const changed = await call(env.UI_ADMIN, "GET", `/v1/events?type=policy.changed&repo=${env.UI_REPO}`);
  const last = changed.body.events.at(-1).payload;
  assert.equal(last.changed_by, "owner");
  assert.deepEqual(last.change, { pin: "trusted" }, "the refused value changed nothing and was not sent again");
  assert.equal(last.reason, "earned enough");
  // The history, newest first; rolling back to the version before the form's changes restores it exactly.
  const history = (await call(env.UI_ADMIN, "GET", `/v1/repos/${env.UI_REPO}/settings/history`)).body.versions;
  const first = history.find((version) => JSON.stringify(version.settings) === JSON.stringify(before));
  assert.ok(first, "a version holds the settings the page started from");
  await page.waitForSelector(`[data-testid=settings-history] tr[data-version="${history.at(-1).version}"]`);
  assert.match(await page.textContent(`tr[data-version="${history.at(-1).version}"]`), /earned enough/);
  await page.fill("input[name=rollback-reason]", "back to what it was");
  await page.click(`tr[data-version="${first.version}"] >> text=Roll back to this`);
  await page.waitForSelector(`text=Restored version ${first.version} as version ${history.at(-1).version + 1}.`);
  assert.deepEqual((await call(env.UI_ADMIN, "GET", `/v1/repos/${env.UI_REPO}`)).body.settings, before);
  await page.waitForFunction((pin) => document.querySelector("input[name=pin]")?.value === pin, before.pin ?? "");
  await page.goto(`${url}/audit`);
  await page.waitForSelector("[data-testid=chain]");
  assert.match(await page.textContent("[data-testid=chain]"), /intact/);
  await page.screenshot({ path: `${env.UI_SHOTS}/audit.png`, fullPage: true });
  assert.deepEqual(page.problems, []);
});

test("a revoked token's session stops working", async () => {
  const tokens = await call(env.UI_ADMIN, "GET", "/v1/tokens");
  const id = tokens.body.tokens.find((token) => token.name === "reviewer").id;
  assert.equal((await call(env.UI_ADMIN, "DELETE", `/v1/tokens/${id}`)).status, 200);
  const status = await reviewer.evaluate(async () => (await fetch("/v1/tasks")).status);
  assert.equal(status, 401);
  await reviewer.goto(url);
  await reviewer.waitForSelector("input[name=token]");
});

test.after(() => browser.close());
