import type { DeliveryRuleInfo, Endpoint, EventSummary, Verdict, VerdictStatus } from "./ipc";

/** A captured event as the core reports it; override what a test cares about. */
export function ev(id: number, over: Partial<EventSummary> = {}): EventSummary {
  return {
    id,
    cursor: `${(1_700_000_000_000 + id) * 1_000_000}:${id}`,
    receivedAtMs: 1_700_000_000_000 + id,
    endpointId: 1,
    method: "POST",
    path: `/hook/${id}`,
    query: null,
    size: 120,
    contentType: "application/json",
    remoteAddr: "127.0.0.1:51000",
    provider: null,
    eventType: null,
    providerEventId: null,
    merchantId: null,
    delivery: 1,
    pinned: false,
    imported: false,
    tunneled: false,
    verdict: {
      status: "unsigned",
      scheme: null,
      secret: null,
      ageS: null,
      diagnosis: null,
      reason: "no signature header of a known scheme, and the endpoint has no scheme set",
      assumed: false,
    },
    ...over,
  };
}

export function endpoint(id: number, name: string, pathPrefix: string, over: Partial<Endpoint> = {}): Endpoint {
  return {
    id,
    name,
    pathPrefix,
    preset: null,
    response: { status: 200, headers: [], body: "", delayMs: 0 },
    isDefault: id === 1,
    scheme: null,
    secrets: [],
    forwards: [],
    rules: [],
    rulesEpoch: 0,
    ...over,
  };
}

/** A verdict of `status` with nothing else known; override what a test cares about. */
export function verdict(status: VerdictStatus, over: Partial<Verdict> = {}): Verdict {
  return {
    status,
    scheme: null,
    secret: null,
    ageS: null,
    diagnosis: null,
    reason: null,
    assumed: false,
    ...over,
  };
}

/** A delivery rule as the core reports it: no provider's, any 2xx within 30 s. Override what a test cares about. */
export function deliveryRule(over: Partial<DeliveryRuleInfo> = {}): DeliveryRuleInfo {
  return {
    preset: "generic",
    name: "Generic",
    success: "any-2xx",
    successAssumed: false,
    successSource: "no provider is known: Hooklens's own rule",
    deadlineS: 30,
    deadlineAssumed: false,
    deadlineSource: "no provider is known: Hooklens's own rule",
    successWords: "no provider rule: any 2xx counts as delivered",
    deadlineWords: "answer within 30 s",
    words: "no provider rule: any 2xx counts as delivered · answer within 30 s",
    ...over,
  };
}
