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
// Start-up is measured over several launches: the first after a build reads
// the binary and WebKit from disk, the rest show the usual start.
const starts = Math.max(1, Number(process.env.HOOKLENS_BENCH_STARTS ?? 5));

const ticksPerSecond = 100; // USER_HZ on Linux
const bootEpochMs = Number(/^btime (\d+)$/m.exec(readFileSync("/proc/stat", "utf8"))[1]) * 1000;

/** Resident memory of one process (kB), or null once it is gone. */
function rssOf(pid) {
  try {
    return Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  } catch {
    return null;
  }
}

function processes() {
  const out = [];
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const name = /\((.*)\)/.exec(stat)[1];
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const rssKb = rssOf(pid) ?? 0;
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

/** What a process's resident memory is made of (kB): its own pages and the shared libraries it maps. */
function residentParts(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+)`, "m").exec(text)?.[1] ?? 0);
    return { anonymous: kb("Anonymous"), file: kb("Rss") - kb("Anonymous"), pss: kb("Pss") };
  } catch {
    return null;
  }
}

/** Launches the app and measures process start → first rows painted (ms), with its parts. */
async function launchAndTime(label) {
  const app = await launchApp(label, { dataDir });
  try {
    return { app, timing: await timeStart(app.browser) };
  } catch (err) {
    await app.stop();
    throw err;
  }
}

async function timeStart(browser) {
  await browser.$('[data-testid="event-row"]').waitForExist({ timeout: 60_000 });
  const { app: proc } = appProcesses();
  const marks = await browser.execute(() => {
    const mark = performance.getEntriesByName("hooklens:first-rows")[0];
    const nav = performance.getEntriesByType("navigation")[0];
    return {
      paintedEpochMs: mark ? performance.timeOrigin + mark.startTime : null,
      originEpochMs: performance.timeOrigin,
      domReadyMs: nav ? nav.domContentLoadedEventEnd : null,
    };
  });
  const startEpochMs = bootEpochMs + (proc.startTicks * 1000) / ticksPerSecond;
  return marks.paintedEpochMs === null
    ? null
    : {
        total: marks.paintedEpochMs - startEpochMs,
        navigation: marks.originEpochMs - startEpochMs,
        domReady: marks.domReadyMs,
        rows: marks.paintedEpochMs - marks.originEpochMs,
      };
}

const timings = [];
let app;
for (let i = 0; i < starts; i += 1) {
  const launched = await launchAndTime("bench-app-scale");
  if (launched.timing) timings.push(launched.timing);
  if (i < starts - 1) await launched.app.stop();
  else app = launched.app;
}
try {
  const { browser } = app;
  if (timings.length === 0) console.log("start to first rows painted: no hooklens:first-rows mark");
  else {
    const sorted = timings.map((t) => t.total).sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    console.log(
      `start to first rows painted: median ${median.toFixed(0)} ms over ${timings.length} launches ` +
        `(${timings.map((t) => t.total.toFixed(0)).join(", ")} ms; process start to the mark, ±10 ms)`,
    );
    for (const t of timings) {
      console.log(
        `  process start → page navigation ${t.navigation.toFixed(0)} ms, → DOM ready ${t.domReady?.toFixed(0)} ms, ` +
          `→ first rows ${t.rows.toFixed(0)} ms`,
      );
    }
  }
  // The store's size: the header's count once the counts have loaded.
  await browser.waitUntil(async () => /[1-9]/.test(await browser.$('[data-testid="event-count"]').getText()), {
    timeout: 60_000,
  });
  console.log(`store: ${await browser.$('[data-testid="event-count"]').getText()}`);

  // Scroll from the newest to the oldest event the way a wheel would:
  // always to the bottom of what is there, letting the timeline page.
  const scroller = browser.$('[data-testid="timeline-scroller"]');
  let maxPages = 0;
  let maxRows = 0;
  // RSS of the app and its WebKit processes: before scrolling, and the peak, sampled after every scroll step (the peaks are
  // short: garbage the allocator returns a moment later).
  const { app: appProc, web } = appProcesses();
  const watched = appProc ? [appProc, ...web] : web;
  const rss = new Map(watched.map((p) => [p.pid, { name: p.name, first: p.rssKb, peak: p.rssKb, parts: null }]));
  const sample = () => {
    for (const [pid, seen] of rss) {
      const now = rssOf(pid);
      if (now !== null && now > seen.peak) {
        seen.peak = now;
        seen.parts = residentParts(pid);
      }
    }
  };
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
    sample();
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
  for (const [pid, { name, first, peak, parts }] of rss) {
    console.log(
      `memory ${name}: ${mb(first)} MB RSS before scrolling, peak ${mb(peak)} MB while scrolling, ` +
        `${mb(rssOf(pid) ?? 0)} MB after 10 s idle`,
    );
    if (parts) {
      console.log(
        `  at the peak: ${mb(parts.anonymous)} MB its own (heap, JavaScript, layers), ` +
          `${mb(parts.file)} MB mapped files and libraries; proportional share (PSS) ${mb(parts.pss)} MB`,
      );
    }
  }
  await app.screenshot("scrolled");
} finally {
  await app.stop();
}
