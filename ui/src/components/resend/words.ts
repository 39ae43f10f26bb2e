// Words for sends: durations, retry schedule previews and HTTP statuses.
// Pure functions, shared by the resend editor, the out-of-order dialog, the
// deliveries under an event and the test-event dialog.
import type { DeliveryResponse, ScheduleInfo } from "../../ipc";

const trimZero = (n: number) => n.toFixed(1).replace(/\.0$/, "");

/** "0.4 s", "38 s", "5 min 5 s", "27 h 35 min", "2 d 23 h" (days from 48 h): a span of time in seconds, briefly. */
export function spanWords(seconds: number): string {
  const s = Math.max(0, seconds);
  if (s === 0) return "0 s";
  if (s < 0.05) return "under 0.1 s";
  if (s < 10) return `${trimZero(s)} s`;
  if (s < 59.5) return `${Math.round(s)} s`;
  if (s < 3600 - 0.5) {
    const t = Math.round(s);
    const m = Math.floor(t / 60);
    const r = t % 60;
    return r === 0 ? `${m} min` : `${m} min ${r} s`;
  }
  if (s < 2 * 86_400 - 30) {
    const t = Math.round(s / 60);
    const h = Math.floor(t / 60);
    const m = t % 60;
    return m === 0 ? `${h} h` : `${h} h ${m} min`;
  }
  const t = Math.round(s / 3600);
  const d = Math.floor(t / 24);
  const h = t % 24;
  return h === 0 ? `${d} d` : `${d} d ${h} h`;
}

/** 3600 → "3600×", 1.5 → "1.5×". */
export function speedWords(speed: number): string {
  return `${Number.isInteger(speed) ? String(speed) : String(Number(speed.toFixed(3)))}×`;
}

export type SchedulePreview = {
  /** "8 attempts over 27 h 35 min; at 3600× about 28 s" */
  summary: string;
  /** Each retry's wait at that speed, e.g. "5 s → 0 s". */
  waits: string[];
};

/** What replaying `schedule` at `speed` amounts to. */
export function schedulePreview(schedule: ScheduleInfo, speed: number): SchedulePreview {
  const attempts = schedule.waitsS.length + 1;
  const total = schedule.waitsS.reduce((sum, w) => sum + w, 0);
  const over = `${attempts} attempt${attempts === 1 ? "" : "s"} over ${spanWords(total)}`;
  const valid = Number.isFinite(speed) && speed >= 1;
  const summary = !valid
    ? over
    : speed === 1
      ? `${over}, in real time`
      : `${over}; at ${speedWords(speed)} about ${spanWords(total / speed)}`;
  return {
    summary,
    waits: schedule.waitsS.map((w) => (valid && speed !== 1 ? `${spanWords(w)} → ${spanWords(w / speed)}` : spanWords(w))),
  };
}

/** "next attempt in 4 s" for a countdown to `atMs`. */
export function countdownWords(atMs: number, now: number): string {
  const left = Math.max(0, atMs - now) / 1000;
  if (left < 0.5) return "any moment now";
  return `in ${left < 60 ? `${Math.ceil(left)} s` : spanWords(left)}`;
}

export type StatusTone = "ok" | "redirect" | "bad" | "info";

export function statusTone(status: number): StatusTone {
  if (status >= 200 && status < 300) return "ok";
  if (status >= 300 && status < 400) return "redirect";
  if (status >= 400) return "bad";
  return "info";
}

/**
 * "503 Service Unavailable": the status with the core's reason phrase for it,
 * or the bare number ("418") when the core knows none.
 */
export function statusWords(response: Pick<DeliveryResponse, "status" | "reason">): string {
  return response.reason ? `${response.status} ${response.reason}` : String(response.status);
}

/** "12 ms", "1.3 s". */
export function durationMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${trimZero(ms / 1000)} s`;
}

/** The first line of a response body, shortened, for a one-line preview. */
export function bodyPreview(text: string | null, max = 120): string {
  if (!text) return "";
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
