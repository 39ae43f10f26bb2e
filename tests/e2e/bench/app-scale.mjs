// The real app on a store of a million events: how long from process start
// to the first rows painted, how many pages the timeline holds while it is
// scrolled from the newest event to the oldest, and how much memory the UI
// process uses meanwhile; each beside its floor, a blank page in a WebKitGTK
// web view (webview-floor.py) launched in the same run, on the same display
// and bus. Prints figures and a table of them against the floor; never fails
// on timing.
//
// Usage (make bench does this): HOOKLENS_APP=… HOOKLENS_BENCH_DATA_DIR=<dir
// with a hooklens.db> node bench/app-scale.mjs, under xvfb-run inside
// dbus-run-session (bench.sh).
import { execFile } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
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
// A person's pace: a page of rows every so often, for a while, before the
// flat-out scroll (which starts where this one stopped).
const paceMs = Number(process.env.HOOKLENS_BENCH_PACE_MS ?? 500);
const paceBudgetMs = Number(process.env.HOOKLENS_BENCH_PACE_SECONDS ?? 30) * 1000;
// The app's window size (tauri.conf.json), given to the blank web view.
const windowSize = ["1280", "800"];
const floorScript = join(dirname(fileURLToPath(import.meta.url)), "webview-floor.py");

const ticksPerSecond = 100; // USER_HZ on Linux
// From /proc/uptime (10 ms steps), not /proc/stat's btime: that one is whole
// seconds, which put up to a second that no process spent into every start.
const bootEpochMs = Date.now() - Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]) * 1000;

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
    return {
      rss: kb("Rss"),
      anonymous: kb("Anonymous"),
      file: kb("Rss") - kb("Anonymous"),
      pss: kb("Pss"),
      privateDirty: kb("Private_Dirty"),
    };
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
    const paint = performance.getEntriesByName("first-contentful-paint")[0];
    return {
      paintedEpochMs: mark ? performance.timeOrigin + mark.startTime : null,
      originEpochMs: performance.timeOrigin,
      domReadyMs: nav ? nav.domContentLoadedEventEnd : null,
      firstPaintMs: paint ? paint.startTime : null,
    };
  });
  const startEpochMs = bootEpochMs + (proc.startTicks * 1000) / ticksPerSecond;
  return marks.paintedEpochMs === null
    ? null
    : {
        total: marks.paintedEpochMs - startEpochMs,
        navigation: marks.originEpochMs - startEpochMs,
        domReady: marks.domReadyMs,
        firstPaint: marks.firstPaintMs,
        rows: marks.paintedEpochMs - marks.originEpochMs,
      };
}

/** One launch of the blank web view: { paintedMs, loadFinishedMs, rssKb, privateDirtyKb } or { error }. */
function launchFloor() {
  return new Promise((done) => {
    execFile("/usr/bin/python3", [floorScript, ...windowSize], { timeout: 60_000 }, (err, stdout, stderr) => {
      const line = stdout.trim().split("\n").pop() ?? "";
      try {
        done(JSON.parse(line));
      } catch {
        done({ error: (err?.message ?? stderr.trim()) || "no output" });
      }
    });
  });
}

const median = (values) => {
  const sorted = values.filter((v) => typeof v === "number").sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)] : null;
};

// The floor and the app take turns, so both see the same load on the machine.
const timings = [];
const floors = [];
let app;
for (let i = 0; i < starts; i += 1) {
  floors.push(await launchFloor());
  const launched = await launchAndTime("bench-app-scale");
  if (launched.timing) timings.push(launched.timing);
  if (i < starts - 1) await launched.app.stop();
  else app = launched.app;
}
const floorErrors = floors.filter((f) => f.error).map((f) => f.error);
const floor = {
  painted: median(floors.map((f) => f.paintedMs)),
  loadFinished: median(floors.map((f) => f.loadFinishedMs)),
  rssKb: median(floors.map((f) => f.rssKb)),
  privateDirtyKb: median(floors.map((f) => f.privateDirtyKb)),
};
let startMedian = null;
/** The web process's memory (kB): before scrolling, peaks at a person's pace and flat out, idle after. */
const web = {};
try {
  const { browser } = app;
  if (timings.length === 0) console.log("start to first rows painted: no hooklens:first-rows mark");
  else {
    startMedian = median(timings.map((t) => t.total));
    console.log(
      `start to first rows painted: median ${startMedian.toFixed(0)} ms over ${timings.length} launches ` +
        `(${timings.map((t) => t.total.toFixed(0)).join(", ")} ms; process start to the mark, ±10 ms)`,
    );
    for (const t of timings) {
      console.log(
        `  process start → page navigation ${t.navigation.toFixed(0)} ms, → DOM ready ${t.domReady?.toFixed(0)} ms, ` +
          `→ first paint ${t.firstPaint?.toFixed(0)} ms, → first rows ${t.rows.toFixed(0)} ms`,
      );
    }
  }
  if (floor.painted === null) console.log(`blank web view: no launch painted (${floorErrors.join("; ")})`);
  else {
    console.log(
      `blank web view (WebKitGTK 4.1, ${windowSize.join("×")}): start to first paint median ${floor.painted.toFixed(0)} ms ` +
        `(${floors.map((f) => f.paintedMs?.toFixed(0) ?? "failed").join(", ")} ms), to load-finished ${floor.loadFinished.toFixed(0)} ms; ` +
        `web process ${mb(floor.rssKb)} MB RSS, ${mb(floor.privateDirtyKb)} MB private dirty`,
    );
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
  const { app: appProc, web: webProcs } = appProcesses();
  const watched = appProc ? [appProc, ...webProcs] : webProcs;
  const webPid = webProcs.find((p) => p.name.startsWith("WebKitWebProces"))?.pid ?? null;
  const rss = new Map(watched.map((p) => [p.pid, { name: p.name, first: p.rssKb, peak: p.rssKb, parts: null }]));
  if (webPid !== null) web.before = residentParts(webPid);
  let phasePeak = { rss: 0, privateDirty: 0 };
  const sample = () => {
    for (const [pid, seen] of rss) {
      const now = rssOf(pid);
      if (now !== null && now > seen.peak) {
        seen.peak = now;
        seen.parts = residentParts(pid);
      }
      if (pid === webPid && now !== null && now > phasePeak.rss) {
        phasePeak = { rss: now, privateDirty: residentParts(pid)?.privateDirty ?? 0 };
      }
    }
  };
  let steps = 0;
  let atEnd = false;
  const scrollFor = async (budgetMs, pause) => {
    const started = Date.now();
    let taken = 0;
    while (!atEnd && Date.now() - started < budgetMs) {
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
      taken += 1;
      sample();
      await new Promise((r) => setTimeout(r, pause));
    }
    return { taken, seconds: (Date.now() - started) / 1000 };
  };
  const paced = await scrollFor(paceBudgetMs, paceMs);
  web.pace = phasePeak;
  console.log(`scroll at a person's pace: ${paced.taken} scroll steps ${paceMs} ms apart in ${paced.seconds.toFixed(0)} s`);
  phasePeak = { rss: 0, privateDirty: 0 };
  const flat = await scrollFor(scrollBudgetMs, pauseMs);
  steps = paced.taken + flat.taken;
  web.flat = phasePeak;
  const oldest = await browser.execute(() => {
    const rows = document.querySelectorAll('[data-testid="event-row"]');
    return rows.length ? rows[rows.length - 1].getAttribute("data-event-id") : null;
  });
  console.log(
    `scroll newest → oldest: ${atEnd ? "reached the oldest event" : "stopped by the time budget"} (last row #${oldest}) ` +
      `in ${(paced.seconds + flat.seconds).toFixed(0)} s, ${steps} scroll steps (then ${flat.taken} flat out, ${pauseMs} ms apart)`,
  );
  console.log(`timeline held at most ${maxPages} pages / ${maxRows} rows at once`);
  sample();
  // What stays once the page has been idle a while (garbage collected).
  await new Promise((r) => setTimeout(r, 10_000));
  if (webPid !== null) web.idle = residentParts(webPid);
  for (const [pid, { name, first, peak, parts }] of rss) {
    console.log(
      `memory ${name}: ${mb(first)} MB RSS before scrolling, peak ${mb(peak)} MB while scrolling, ` +
        `${mb(rssOf(pid) ?? 0)} MB after 10 s idle`,
    );
    if (parts) {
      console.log(
        `  at the peak: ${mb(parts.anonymous)} MB its own (heap, JavaScript, layers), ` +
          `${mb(parts.file)} MB mapped files and libraries; proportional share (PSS) ${mb(parts.pss)} MB, ` +
          `private dirty ${mb(parts.privateDirty)} MB`,
      );
    }
  }
  if (web.before && web.idle) {
    console.log(
      `  web process private dirty: ${mb(web.before.privateDirty)} MB before scrolling, ` +
        `${mb(web.pace.privateDirty)} MB at the person's-pace peak, ${mb(web.flat.privateDirty)} MB at the flat-out peak, ` +
        `${mb(web.idle.privateDirty)} MB after 10 s idle`,
    );
  }
  await app.screenshot("scrolled");
} finally {
  await app.stop();
}

// The table every bench ends with (tests/benches/common/report.rs prints the
// same columns, widths and units).
const rows = [];
const row = (figure, value, floorValue, unit, want) => rows.push({ figure, value, floor: floorValue, unit, want });
const mbOf = (kb) => (typeof kb === "number" ? kb / 1024 : null);
row("start to first rows vs blank start to first paint", startMedian, floor.painted, "ms", { atMost: 1.5 });
row("web process peak RSS, scrolling 1M flat out", mbOf(web.flat?.rss), mbOf(floor.rssKb), "MB", { atMost: 1.5 });
row("web process peak RSS, scrolling at a person's pace", mbOf(web.pace?.rss), mbOf(floor.rssKb), "MB", { atMost: 1.5 });
row("web process RSS idle 10 s after scrolling", mbOf(web.idle?.rss), mbOf(floor.rssKb), "MB", { atMost: 1.25 });
row("web process private dirty before scrolling", mbOf(web.before?.privateDirty), mbOf(floor.privateDirtyKb), "MB", {});
row("web process private dirty, peak flat out", mbOf(web.flat?.privateDirty), mbOf(floor.privateDirtyKb), "MB", {});
row("web process private dirty idle after scrolling", mbOf(web.idle?.privateDirty), mbOf(floor.privateDirtyKb), "MB", {});
printReport("app on 1M events", rows);

/** A figure with its unit, rounded as a person reads it (report.rs's amount). */
function amount(value, unit) {
  if (typeof value !== "number") return "n/a";
  if (unit === "ms") return value < 10 ? `${value.toFixed(2)} ms` : `${value.toFixed(0)} ms`;
  if (unit === "MB") return `${value.toFixed(1)} MB`;
  return `${value.toFixed(2)} ${unit}`;
}

function printReport(title, reportRows) {
  const line = (figure, value, floorText, ratio, target, verdict) =>
    console.log(
      `  ${figure.padEnd(54)}${value.padStart(14)}${floorText.padStart(14)}${ratio.padStart(8)}  ${target.padEnd(14)}${verdict}`,
    );
  console.log();
  console.log(`${title}: figures against their floors (same run)`);
  line("figure", "value", "floor", "ratio", "target", "verdict");
  const met = [];
  const missed = [];
  for (const r of reportRows) {
    const ratio = typeof r.value === "number" && typeof r.floor === "number" && r.floor > 0 ? r.value / r.floor : null;
    let target = "";
    let ok = null;
    if (r.want.atMost !== undefined) {
      target = `≤ ${r.want.atMost.toFixed(2)}×`;
      ok = ratio === null ? null : ratio <= r.want.atMost;
      // A figure that could not be measured is a target not met, not a silent gap.
      if (ratio === null) ok = false;
    }
    const verdict = ok === null ? "" : ok ? "met" : "NOT met";
    if (ok === true) met.push(r.figure);
    if (ok === false) missed.push(r.figure);
    line(
      r.figure,
      amount(r.value, r.unit),
      typeof r.floor === "number" ? amount(r.floor, r.unit) : "",
      ratio === null ? "" : `${ratio.toFixed(2)}×`,
      target,
      verdict,
    );
  }
  const total = met.length + missed.length;
  console.log(
    missed.length === 0 ? `  targets met: ${met.length} of ${total}` : `  targets met: ${met.length} of ${total}; not met: ${missed.join("; ")}`,
  );
}
