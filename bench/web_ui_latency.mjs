// The web UI's speed in a real browser (Debian's Chromium via Playwright),
// against a real daemon started here, measured with the page's clock:
//
//   queue       navigation to the queue's first page drawn (200 rows), with
//               N tasks queued (the daemon runs none: --max-running 0), a
//               scroll to the bottom and the next frame, ten page turns, and
//               the API's first and last page
//   live lines  for a running task whose agent prints a line every 20 ms:
//               from each event's stored time (the daemon's clock) to its
//               line in the open timeline (the page's clock; same machine)
//   timeline    navigation to a finished task's timeline drawn
//
// Times are the browser's performance clock (performance.now(), from the
// navigation's start for first renders), checked once per animation frame.
// Usage: node bench/web_ui_latency.mjs [TASKS=10000] [LINES=300]
// (corral from build/bin; the web UI from web/dist; run as root, like corral.)
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// Playwright comes with the web UI's packages (web/node_modules).
const { chromium } = await import(join(root, "web/node_modules/playwright-core/index.mjs"));
const corral = join(root, "build/bin/corral");
const tasks = Number(process.argv[2] ?? 10000);
const lines = Number(process.argv[3] ?? 300);
const dir = mkdtempSync(join(tmpdir(), "corral-web-bench-"));

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

function makeRepo() {
  const repo = join(dir, "repo");
  execFileSync("sh", ["-c", `git init -q -b main ${repo} && cd ${repo} && echo hi > README && git add . &&
    git -c user.name=b -c user.email=b@x commit -qm init`]);
  return repo;
}

const daemons = [];  // stopped at the end, whatever happens

async function startDaemon(name, flags) {
  const data = join(dir, name);
  const daemon = spawn(corral, ["--data-dir", data, "serve", "--listen", "127.0.0.1:0", ...flags], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  daemons.push(daemon);
  const port = await new Promise((resolve, reject) => {
    let out = "";
    daemon.stdout.on("data", (chunk) => {
      out += chunk;
      const found = out.match(/\(port (\d+)\)/);
      if (found) resolve(found[1]);
    });
    daemon.on("exit", () => reject(new Error(`corral serve ended: ${out}`)));
  });
  const cli = (...args) => execFileSync(corral, ["--data-dir", data, ...args]).toString();
  // `token create` prints the token alone on its line.
  const token = cli("token", "create", "--name", "bench", "--role", "admin").trim().split("\n").pop();
  return { daemon, url: `http://127.0.0.1:${port}`, token, cli };
}

async function call(d, method, path, body) {
  const response = await fetch(d.url + path, {
    method,
    headers: { Authorization: `Bearer ${d.token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return response.json();
}

// Milliseconds from the page's navigation start (the browser's performance
// clock) to the first frame where `drawn(arg)` holds; drawn returns
// performance.now() then. (A function, not a string: the page's CSP forbids eval.)
async function sinceNavigation(page, drawn, arg) {
  const at = await page.waitForFunction(drawn, arg, { timeout: 120000, polling: "raf" });
  return Math.round(await at.jsonValue());
}

async function signedInPage(browser, d) {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await page.goto(d.url);
  await page.fill("input[name=token]", d.token);
  await page.click("button[type=submit]");
  await page.waitForSelector("[data-testid=who]");
  return page;
}

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
const repo = makeRepo();
try {
  // The queue with TASKS queued.
  console.error("starting a daemon that runs nothing");
  const idle = await startDaemon("idle", ["--max-running", "0"]);
  console.error(`daemon at ${idle.url}`);
  const { id: repoId } = await call(idle, "POST", "/v1/repos", { path: repo });
  for (let i = 0; i < tasks; i += 100) {
    const batch = Array.from({ length: Math.min(100, tasks - i) }, (_, k) => ({
      repo: repoId, prompt: `task ${i + k}`, agent: "true",
    }));
    await call(idle, "POST", "/v1/tasks", { tasks: batch });
  }
  console.error(`${tasks} tasks queued`);
  const queue = await signedInPage(browser, idle);
  const renders = [];
  const rows = Math.min(tasks, 200);  // the queue's page
  for (let run = 0; run < 5; run++) {
    await queue.goto(idle.url);
    renders.push(await sinceNavigation(queue, (n) => document.querySelectorAll("tr[data-task]").length >= n &&
      performance.now(), rows));
  }
  const scroll = await queue.evaluate(
    () =>
      new Promise((resolve) => {
        const start = performance.now();
        window.scrollTo(0, document.body.scrollHeight);
        requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - start)));
      }),
  );
  // Page turns, each until the next page's rows are drawn; then the last page.
  const turns = [];
  const pages = Math.ceil(tasks / 200);
  for (let page = 1; page < Math.min(pages, 11); page++) {
    const start = await queue.evaluate(() => performance.now());
    await queue.click("nav.pager >> nth=0 >> text=Next");
    const drawn = await queue.waitForFunction((first) => document.querySelector("[data-testid=shown]")?.textContent
      .startsWith(`Tasks ${first}–`) && performance.now(), page * 200 + 1);
    turns.push(Math.round((await drawn.jsonValue()) - start));
  }
  const shown = await queue.textContent("[data-testid=shown]");
  console.log(`queue: ${tasks} tasks queued, pages of ${rows} rows: first render p50 ` +
    `${percentile(renders, 50)} ms, max ${Math.max(...renders)} ms; scroll to the bottom ${scroll.toFixed(1)} ms; ` +
    (turns.length ? `page turn p50 ${percentile(turns, 50)} ms, max ${Math.max(...turns)} ms ("${shown}")` : ""));
  const api = [];
  for (const offset of [0, Math.max(0, tasks - 200)]) {
    const start = Date.now();
    const page = await call(idle, "GET", `/v1/tasks?limit=200&offset=${offset}&order=newest`);
    api.push(`offset ${offset}: ${Date.now() - start} ms (${page.tasks.length} of ${page.total})`);
  }
  console.log(`queue API, a page of 200: ${api.join(", ")}`);
  idle.daemon.kill("SIGTERM");

  // Live lines of a running task.
  const live = await startDaemon("live", []);
  const { id: liveRepo } = await call(live, "POST", "/v1/repos", { path: repo });
  const watcher = await signedInPage(browser, live);
  const { id } = await call(live, "POST", "/v1/tasks", {
    repo: liveRepo, prompt: "print lines",
    agent: `for i in $(seq 1 ${lines}); do echo line $i; sleep 0.02; done; true`,
  });
  await watcher.goto(`${live.url}/tasks/${id}`);
  await watcher.waitForSelector(".timeline");
  await watcher.evaluate(() => {
    window.seen = {};
    new MutationObserver((mutations) => {
      for (const mutation of mutations) {
        for (const node of mutation.addedNodes) {
          if (node.dataset?.seq) window.seen[node.dataset.seq] = performance.timeOrigin + performance.now();
        }
      }
    }).observe(document.querySelector(".timeline"), { childList: true });
  });
  for (let i = 0; i < 600; i++) {
    if ((await call(live, "GET", `/v1/tasks/${id}`)).state !== "running" && i > 4) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const seen = await watcher.evaluate(() => window.seen);
  const events = (await call(live, "GET", `/v1/events?task=${id}&limit=1000`)).events;
  const delays = events.filter((e) => seen[e.seq]).map((e) => Math.round(seen[e.seq] - Date.parse(e.time)));
  console.log(`live lines: ${delays.length} of ${events.length} events drawn while the task ran: stored to shown p50 ` +
    `${percentile(delays, 50)} ms, p95 ${percentile(delays, 95)} ms, max ${Math.max(...delays)} ms (target p95 <= 200)`);

  const timeline = [];
  for (let run = 0; run < 5; run++) {
    await watcher.goto(`${live.url}/tasks/${id}`);
    timeline.push(await sinceNavigation(watcher, (n) => document.querySelectorAll(".timeline li").length >= n &&
      performance.now(), events.length));
  }
  console.log(`timeline: ${events.length} events: first render p50 ${percentile(timeline, 50)} ms`);

  // A long timeline: a task that printed 5,000 lines, one event each.
  const { id: long } = await call(live, "POST", "/v1/tasks", {
    repo: liveRepo, prompt: "print many lines", agent: "for i in $(seq 1 5000); do echo line $i; sleep 0.005; done; true",
  });
  for (let i = 0; i < 1200; i++) {
    const state = (await call(live, "GET", `/v1/tasks/${long}`)).state;
    if (state !== "running" && state !== "queued") break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  let stored = 0;
  for (let after = 0; ; ) {
    const page = await call(live, "GET", `/v1/events?task=${long}&limit=1000&after=${after}`);
    stored += page.events.length;
    if (page.events.length < 1000) break;
    after = page.last;
  }
  const longTimeline = [];
  for (let run = 0; run < 3; run++) {
    await watcher.goto(`${live.url}/tasks/${long}`);
    longTimeline.push(await sinceNavigation(watcher, (n) => document.querySelectorAll(".timeline li").length >= n &&
      performance.now(), stored));
  }
  console.log(`timeline: ${stored} events: first render p50 ${percentile(longTimeline, 50)} ms, ` +
    `max ${Math.max(...longTimeline)} ms`);
  live.daemon.kill("SIGTERM");
} finally {
  // Each daemon gone (its worktrees unmounted) before its directory is removed.
  await Promise.all(daemons.filter((daemon) => daemon.exitCode === null && daemon.signalCode === null)
    .map((daemon) => new Promise((resolve) => { daemon.once("exit", resolve); daemon.kill("SIGTERM"); })));
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
