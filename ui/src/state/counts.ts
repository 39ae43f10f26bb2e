import type { EndpointCount, EventBatch } from "../ipc";

/** null: every endpoint. */
export type EndpointFilter = number | null;

/** Stored events per endpoint id (the key "none" holds events whose endpoint was removed). */
export type Counts = { byEndpoint: Record<string, number>; total: number };

const key = (endpointId: number | null) => (endpointId === null ? "none" : String(endpointId));

export const emptyCounts: Counts = { byEndpoint: {}, total: 0 };

export function countsFrom(rows: EndpointCount[]): Counts {
  const byEndpoint: Record<string, number> = {};
  let total = 0;
  for (const r of rows) {
    byEndpoint[key(r.endpointId)] = r.count;
    total += r.count;
  }
  return { byEndpoint, total };
}

/** Adds a live batch (each stored event arrives in exactly one batch). */
export function addBatch(counts: Counts, batch: EventBatch): Counts {
  if (batch.events.length === 0) return counts;
  const byEndpoint = { ...counts.byEndpoint };
  for (const e of batch.events) {
    byEndpoint[key(e.endpointId)] = (byEndpoint[key(e.endpointId)] ?? 0) + 1;
  }
  return { byEndpoint, total: counts.total + batch.events.length };
}

export function countFor(counts: Counts, filter: EndpointFilter): number {
  return filter === null ? counts.total : (counts.byEndpoint[key(filter)] ?? 0);
}

/** Endpoint ids that have events but that `known` does not list (added elsewhere, e.g. by hooklens-cli). */
export function unknownEndpointIds(counts: Counts, known: readonly number[]): number[] {
  return Object.keys(counts.byEndpoint)
    .filter((k) => k !== "none")
    .map(Number)
    .filter((id) => !known.includes(id));
}
