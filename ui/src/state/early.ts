// The first screen's data, asked for by state/start.ts (main.tsx's first
// import) while the bundle is still starting instead of from the first
// render's effects: the core answers while React renders, and the window's
// first frame can hold the rows instead of an empty shell that is painted
// again a moment later.
import {
  endpointCounts,
  getAppInfo,
  listEndpoints,
  searchEvents,
  subscribeEvents,
  type AppInfo,
  type Endpoint,
  type EndpointCount,
  type EventBatch,
  type EventPage,
} from "../ipc";
import { PAGE_SIZE } from "./timeline";

/** A request sent early: its promise, and its outcome once it is known. */
export type Early<T> = {
  promise: Promise<T>;
  outcome: { ok: true; value: T } | { ok: false; error: unknown } | null;
};

/** The live channel, opened before the first page is read so no event falls between the two. */
export type EarlyLive = {
  subscribed: Promise<() => void>;
  /** Hands the batches (those already received first) to `onBatch` from now on. */
  deliverTo: (onBatch: (batch: EventBatch) => void) => void;
};

type Requests = {
  live: EarlyLive;
  page: Early<EventPage>;
  counts: Early<EndpointCount[]>;
  info: Early<AppInfo>;
  endpoints: Early<Endpoint[]>;
};

let requests: Requests | null = null;
const taken = new Set<keyof Requests>();

function early<T>(promise: Promise<T>): Early<T> {
  const e: Early<T> = { promise, outcome: null };
  promise.then(
    (value) => {
      e.outcome = { ok: true, value };
    },
    (error: unknown) => {
      e.outcome = { ok: false, error };
    },
  );
  return e;
}

function openLive(): EarlyLive {
  const held: EventBatch[] = [];
  let target: ((batch: EventBatch) => void) | null = null;
  const subscribed = subscribeEvents((batch) => (target ? target(batch) : held.push(batch)));
  return {
    subscribed,
    deliverTo: (onBatch) => {
      target = onBatch;
      for (const batch of held.splice(0)) onBatch(batch);
    },
  };
}

/**
 * Sends the requests the first screen needs (the live channel first, then
 * the newest page of every endpoint, the counts, the app's info and the
 * endpoints); resolves when the page is answered, failed or not. The
 * others are not waited for: counting a large store's events per endpoint
 * takes the core longer than the page (about 100 ms more on a million).
 */
export function askEarly(): Promise<void> {
  const live = openLive();
  requests = {
    live,
    page: early(searchEvents("", { limit: PAGE_SIZE, endpointId: null })),
    counts: early(endpointCounts()),
    info: early(getAppInfo()),
    endpoints: early(listEndpoints()),
  };
  return Promise.allSettled([live.subscribed, requests.page.promise]).then(() => undefined);
}

/**
 * The early answer to `key` if it has arrived and succeeded, for a first
 * render's state. Does not take the request: the mount's effect does.
 */
export function earlyValue<K extends Exclude<keyof Requests, "live">>(key: K): EarlyValue<K> | null {
  if (!requests || taken.has(key)) return null;
  const outcome: Requests[K]["outcome"] = requests[key].outcome;
  return outcome?.ok ? (outcome.value as EarlyValue<K>) : null;
}

type EarlyValue<K extends Exclude<keyof Requests, "live">> = Requests[K] extends Early<infer T> ? T : never;

/**
 * Takes the early request for `key`, once (a later call, such as a second
 * mount, gets null and asks the core itself).
 */
export function takeEarly<K extends keyof Requests>(key: K): Requests[K] | null {
  if (!requests || taken.has(key)) return null;
  taken.add(key);
  return requests[key];
}
