import { useCallback, useEffect, useMemo, useReducer, useState } from "react";
import {
  listSchedules,
  recentTargets,
  signingInfo,
  type Endpoint,
  type EventView,
  type ResendSpec,
  type ScheduleInfo,
  type SigningInfo,
  type SignMode,
} from "../../ipc";
import { prettyFallbackWords, prettyJson } from "../detail/body";
import { draftReducer, initialDraft } from "./draft";
import {
  expectsJson,
  filledHeaders,
  headerDiff,
  headerValue,
  jsonStatus,
  originalOf,
  specFrom,
  urlProblem,
  type Field,
  type HeaderDiffRow,
  type JsonStatus,
  type Original,
  type ResendForm,
} from "./form";
import { schedulePreview, type SchedulePreview } from "./words";

/** Bodies above this size are checked as JSON after typing pauses, not on every key. */
const CHECK_NOW_LIMIT = 256 * 1024;

function useSettled<T>(value: T, delayMs: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    if (delayMs === 0) {
      setSettled(value);
      return;
    }
    const id = window.setTimeout(() => setSettled(value), delayMs);
    return () => window.clearTimeout(id);
  }, [value, delayMs]);
  return delayMs === 0 ? value : settled;
}

/** How the request would be signed, as far as the core has answered for the endpoint chosen now. */
export type Signing = {
  info: SigningInfo | null;
  /** Why the core could not be asked. */
  error: string | null;
  /** No answer yet for the endpoint chosen now: nothing can be sent. */
  loading: boolean;
  /** The headers signing writes, lower-cased. */
  signatureNames: string[];
  /** Signing headers are written again (every mode but "keep"). */
  replacing: boolean;
  eventEndpointId: number | null;
  /** The endpoint the select shows: the chosen one, else the event's own. */
  shownEndpointId: number | null;
  secrets: string[];
  /** Headers kept with an edited body: the captured signature no longer matches. */
  keptSignatureBroken: boolean;
};

export type BodyCheck = {
  /** null: a body that is not text, sent unchanged. */
  text: string | null;
  isJson: boolean;
  status: JsonStatus | null;
  /** JSON highlighting is safe for this text. */
  highlightJson: boolean;
  changed: boolean;
  /** Why Format left this text as it was. */
  formatWords: string | null;
};

export type PatternView = {
  schedule: ScheduleInfo | undefined;
  /** The typed speed as a number (NaN when it is not one). */
  speed: number;
  preview: SchedulePreview | null;
};

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * The resend editor's draft: the form and its checks, and what the core says
 * about it (recent targets, retry schedules, how the chosen endpoint signs).
 * Components read the values and call the actions; nothing here renders.
 */
export function useResendDraft(source: EventView | null, endpoints: readonly Endpoint[]) {
  const [state, dispatch] = useReducer(draftReducer, source, initialDraft);
  const { form, errors } = state;
  const original: Original = useMemo(() => originalOf(source), [source]);
  const provider = source?.summary.provider ?? null;

  const reloadTargets = useCallback(() => {
    recentTargets().then(
      (targets) => dispatch({ type: "targetsLoaded", targets }),
      () => {}, // suggestions are a help, not a requirement
    );
  }, []);

  useEffect(() => {
    reloadTargets();
    listSchedules().then(
      (schedules) => dispatch({ type: "schedulesLoaded", schedules, provider }),
      () => dispatch({ type: "schedulesFailed" }),
    );
    // Asked once per opening: the provider is the source's, fixed for the editor's life.
  }, []);

  // How the chosen endpoint (null: the event's own) signs: asked of the core on
  // opening and whenever the endpoint changes.
  useEffect(() => {
    let live = true;
    const endpointId = form.signEndpointId;
    signingInfo(form.eventId, endpointId).then(
      (info) => {
        if (live) dispatch({ type: "signAnswered", endpointId, info });
      },
      (err: unknown) => {
        if (live) dispatch({ type: "signFailed", endpointId, error: errorText(err) });
      },
    );
    return () => {
      live = false;
    };
  }, [form.eventId, form.signEndpointId]);

  // Body
  const contentType = headerValue(form.headers, "content-type");
  const text = form.bodyText;
  const isJson = text !== null && expectsJson(contentType, original.bodyText, text);
  const settledText = useSettled(text ?? "", (text?.length ?? 0) > CHECK_NOW_LIMIT ? 400 : 0);
  const status = useMemo(() => (isJson ? jsonStatus(settledText) : null), [isJson, settledText]);
  const formatProblem = state.formatProblem;
  const body: BodyCheck = {
    text,
    isJson,
    status,
    // The editor's JSON mode is what would choke on a hostile body: plain text past the depth cap.
    highlightJson: isJson && status?.state !== "too_deep",
    changed: text !== original.bodyText,
    formatWords: formatProblem !== null && formatProblem.text === text ? formatProblem.words : null,
  };

  // Signing: an answer for an endpoint no longer chosen is not shown.
  const answer = state.signAnswer?.endpointId === form.signEndpointId ? state.signAnswer : null;
  const info = answer?.info ?? null;
  const signatureNames = useMemo(() => (info?.headers ?? []).map((n) => n.toLowerCase()), [info]);
  const eventEndpointId = source?.summary.endpointId ?? null;
  const eventEndpoint = endpoints.find((e) => e.id === eventEndpointId);
  const signing: Signing = {
    info,
    error: answer?.error ?? null,
    loading: answer === null,
    signatureNames,
    replacing: form.signMode !== "keep",
    eventEndpointId,
    // null signs with the event's own endpoint: the select shows it.
    shownEndpointId: form.signEndpointId ?? eventEndpoint?.id ?? null,
    secrets: info?.secretLabels ?? [],
    keptSignatureBroken:
      form.signMode === "keep" && body.changed && signatureNames.some((n) => form.headers.some((h) => h.name.trim().toLowerCase() === n)),
  };

  // Changes
  const headerRows: HeaderDiffRow[] = useMemo(
    () => headerDiff(original.headers, filledHeaders(form.headers)),
    [original.headers, form.headers],
  );
  const changeCount = headerRows.filter((r) => r.kind !== "same").length + (body.changed ? 1 : 0);

  // Pattern
  const schedule = state.schedules?.find((s) => s.preset === form.scheduleProvider);
  const speed = Number(form.speed.trim().replace(/[x×]$/i, ""));
  const pattern: PatternView = { schedule, speed, preview: schedule ? schedulePreview(schedule, speed) : null };

  // Checked live once the field was left (or a send tried); an empty field only complains on Send.
  const urlError = errors.url ?? (state.urlChecked && form.url.trim() !== "" ? (urlProblem(form.url) ?? undefined) : undefined);

  return {
    form,
    original,
    methodOther: state.methodOther,
    errors,
    urlError,
    hasErrors: Object.values(errors).some((v) => v !== undefined),
    dirty: state.dirty,
    confirmClose: state.confirmClose,
    recent: state.recent,
    schedules: state.schedules,
    body,
    signing,
    changes: { headerRows, count: changeCount },
    pattern,

    edit: (change: Partial<ResendForm>, field?: Field) => dispatch({ type: "edit", change, field }),
    pickMethod: (value: string) => dispatch({ type: "methodPicked", value }),
    typeUrl: (url: string) => dispatch({ type: "urlTyped", url }),
    leaveUrl: () => dispatch({ type: "urlLeft" }),
    pickSignMode: (mode: SignMode) => dispatch({ type: "signModePicked", mode }),
    /** `value` from the endpoint select: "" for none. */
    pickSignEndpoint: (value: string) => {
      const picked = value === "" ? null : Number(value);
      // Back to the event's own endpoint is "the event's" again, as it opened.
      const endpointId = picked !== null && picked === eventEndpoint?.id ? null : picked;
      dispatch({ type: "signEndpointPicked", endpointId });
    },
    pickSecret: (label: string | null) => dispatch({ type: "secretPicked", label }),
    format: () => {
      if (text === null) return;
      const pretty = prettyJson(text);
      if (pretty.ok) dispatch({ type: "edit", change: { bodyText: pretty.text } });
      else dispatch({ type: "formatRefused", text, words: prettyFallbackWords(pretty) ?? `Not formatted: ${pretty.error}.` });
    },
    /** The spec to send, or null with the problems marked on the fields. */
    checkForSend: (): ResendSpec | null => {
      const built = specFrom(form);
      const problems = "errors" in built ? built.errors : null;
      dispatch({ type: "sendChecked", errors: problems });
      return "spec" in built ? built.spec : null;
    },
    /** Asks about unsent edits instead of closing; true when it asked. */
    holdClose: (): boolean => {
      if (!state.dirty || state.confirmClose) return false;
      dispatch({ type: "closeAsked" });
      return true;
    },
    keepEditing: () => dispatch({ type: "keepEditing" }),
    /** A send records its URL: the list to offer changes. */
    reloadTargets,
  };
}

export type ResendDraft = ReturnType<typeof useResendDraft>;
