// The real app on a store of a million events: how long from process start
// to the first rows painted, how many pages the timeline holds while it is
// scrolled from the newest event to the oldest, and how much memory the UI
// process uses meanwhile. Prints figures; never fails on timing.
//
// Usage (make bench does this): HOOKLENS_APP=… HOOKLENS_BENCH_DATA_DIR=<dir
// with a hooklens.db> node bench/app-scale.mjs, under xvfb-run.
import { readFileSync, readdirSync } from "node:fs";
import { launchApp } from "../harness.mjs";

const dataDir = process.env.HOOKLENS_BENCH_DATA_DIR;
if (!dataDir) throw new Error("HOOKLENS_BENCH_DATA_DIR must name a data directory with a large store");
const scrollBudgetMs = Number(process.env.HOOKLENS_BENCH_SCROLL_SECONDS ?? 900) * 1000;
// Pause between scroll steps: 16 ms is flat out (a page per step, as fast as
// pages load); larger values approach a person flinging the wheel.
const pauseMs = Number(process.env.HOOKLENS_BENCH_SCROLL_PAUSE_MS ?? 16);

const ticksPerSecond = 100; // USER_HZ on Linux
const bootEpochMs = Number(/^btime (\d+)$/m.exec(readFileSync("/proc/stat", "utf8"))[1]) * 1000;

function processes() {
  const out = [];
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const name = /\((.*)\)/.exec(stat)[1];
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const rssKb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      out.push({ pid: Number(pid), name, ppid: Number(fields[1]), startTicks: Number(fields[19]), rssKb });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** The app's process and the WebKit processes it spawned. */
function appProcesses() {
  const all = processes();
  const app = all.filter((p) => p.name === "hooklens").sort((a, b) => b.startTicks - a.startTicks)[0];
  if (!app) return { app: null, web: [] };
  const web = all.filter((p) => p.ppid === app.pid && p.name.startsWith("WebKit"));
  return { app, web };
}

const mb = (kb) => (kb / 1024).toFixed(1);

const app = await launchApp("bench-app-scale", { dataDir });
try {
  const { browser } = app;
  await browser.$('[data-testid="event-row"]').waitForExist({ timeout: 60_000 });
  const { app: proc } = appProcesses();
  const { paintedEpochMs, originEpochMs, domReadyMs } = await browser.execute(() => {
    const mark = performance.getEntriesByName("hooklens:first-rows")[0];
    const nav = performance.getEntriesByType("navigation")[0];
    return {
      paintedEpochMs: mark ? performance.timeOrigin + mark.startTime : null,
      originEpochMs: performance.timeOrigin,
      domReadyMs: nav ? nav.domContentLoadedEventEnd : null,
    };
  });
  const startEpochMs = bootEpochMs + (proc.startTicks * 1000) / ticksPerSecond;
  await browser.waitUntil(async () => /\d/.test(await browser.$('[data-testid="event-count"]').getText()), {
    timeout: 30_000,
  });
  console.log(`store: ${await browser.$('[data-testid="event-count"]').getText()}`);
  if (paintedEpochMs === null) console.log("start to first rows painted: no hooklens:first-rows mark");
  else {
    console.log(`start to first rows painted: ${(paintedEpochMs - startEpochMs).toFixed(0)} ms (process start to the mark; ±10 ms)`);
    console.log(
      `  of which: process start → page navigation ${(originEpochMs - startEpochMs).toFixed(0)} ms, ` +
        `→ DOM ready ${domReadyMs?.toFixed(0)} ms, → first rows ${(paintedEpochMs - originEpochMs).toFixed(0)} ms`,
    );
  }

  // Scroll from the newest to the oldest event the way a wheel would:
  // always to the bottom of what is there, letting the timeline page.
  const scroller = browser.$('[data-testid="timeline-scroller"]');
  let maxPages = 0;
  let maxRows = 0;
  // Per process name: RSS when the first rows were painted, and the peak.
  const rss = new Map();
  const sample = () => {
    const { app: a, web } = appProcesses();
    for (const p of a ? [a, ...web] : web) {
      const seen = rss.get(p.name) ?? { first: p.rssKb, peak: 0 };
      seen.peak = Math.max(seen.peak, p.rssKb);
      rss.set(p.name, seen);
    }
  };
  sample();
  let steps = 0;
  const started = Date.now();
  let atEnd = false;
  while (!atEnd && Date.now() - started < scrollBudgetMs) {
    const state = await browser.execute((el) => {
      el.scrollTop = el.scrollHeight;
      return {
        pages: Number(el.dataset.pages),
        rows: Number(el.dataset.rows),
        atEnd: el.dataset.atEnd === "true",
      };
    }, await scroller);
    maxPages = Math.max(maxPages, state.pages);
    maxRows = Math.max(maxRows, state.rows);
    atEnd = state.atEnd;
    steps += 1;
    if (steps % 25 === 0 || atEnd) sample();
    await new Promise((r) => setTimeout(r, pauseMs));
  }
  const seconds = (Date.now() - started) / 1000;
  const oldest = await browser.execute(() => {
    const rows = document.querySelectorAll('[data-testid="event-row"]');
    return rows.length ? rows[rows.length - 1].getAttribute("data-event-id") : null;
  });
  console.log(
    `scroll newest → oldest: ${atEnd ? "reached the oldest event" : "stopped by the time budget"} (last row #${oldest}) ` +
      `in ${seconds.toFixed(0)} s, ${steps} scroll steps ${pauseMs} ms apart`,
  );
  console.log(`timeline held at most ${maxPages} pages / ${maxRows} rows at once`);
  sample();
  // What stays once the page has been idle a while (garbage collected).
  await new Promise((r) => setTimeout(r, 10_000));
  const idle = new Map(
    (() => {
      const { app: a, web } = appProcesses();
      return (a ? [a, ...web] : web).map((p) => [p.name, p.rssKb]);
    })(),
  );
  for (const [name, { first, peak }] of rss) {
    console.log(
      `memory ${name}: ${mb(first)} MB RSS at first rows, peak ${mb(peak)} MB while scrolling, ` +
        `${mb(idle.get(name) ?? 0)} MB after 10 s idle`,
    );
  }
  await app.screenshot("scrolled");
} finally {
  await app.stop();
}
