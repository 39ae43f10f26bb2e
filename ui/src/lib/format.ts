const timeFormat = new Intl.DateTimeFormat(undefined, {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  fractionalSecondDigits: 3,
  hour12: false,
});

const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  fractionalSecondDigits: 3,
  hour12: false,
});

export function formatTime(ms: number): string {
  return timeFormat.format(new Date(ms));
}

export function formatDateTime(ms: number): string {
  return dateTimeFormat.format(new Date(ms));
}

const units = ["B", "KB", "MB", "GB"] as const;

export function formatSize(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

/** "just now", "5 s ago", "3 min ago", "2 h ago", "4 d ago". */
export function formatAge(ms: number, now: number): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 2) return "just now";
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.floor(h / 24)} d ago`;
}

/** Quotes a value for a POSIX shell so it can be pasted as is. */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_\-./:=@%+,]+$/.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** The first request to send: a JSON POST that shows up in the timeline. */
export function sampleCurl(listenUrl: string): string {
  const url = `${listenUrl.replace(/\/$/, "")}/webhooks/test`;
  const body = JSON.stringify({ type: "hello.hooklens", data: { message: "first webhook" } });
  return [
    `curl -X POST ${shellQuote(url)}`,
    `  -H 'Content-Type: application/json'`,
    `  -d ${shellQuote(body)}`,
  ].join(" \\\n");
}

const dayFormat = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });
const hourMinuteFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", hour12: false });

/** Local midnight of the day `ms` falls in. */
export function startOfDay(ms: number): number {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/**
 * A timeline row's time: "14:03:22.123" today, "Mar 3 14:03" on another day
 * (the full date and time go in the row's tooltip).
 */
export function formatRowTime(ms: number, today: number): string {
  if (startOfDay(ms) === today) return formatTime(ms);
  return `${dayFormat.format(new Date(ms))} ${hourMinuteFormat.format(new Date(ms))}`;
}

// The POSIX locale (LANG=C) groups no digits: "1000000" reads badly, so it
// gets English grouping; any real locale is used as it is.
const numberFormat = new Intl.NumberFormat(
  /posix/i.test(new Intl.NumberFormat().resolvedOptions().locale) ? "en-US" : undefined,
);

/** 1234 → "1,234" (in the user's locale). */
export function formatCount(n: number): string {
  return numberFormat.format(n);
}

/** "1 event", "1,234 events"; "10,000+ events" when there are more than counted. */
export function formatEventCount(n: number, capped = false): string {
  return `${formatCount(n)}${capped ? "+" : ""} ${n === 1 && !capped ? "event" : "events"}`;
}
