// The resend editor's state and how it moves: the form, what the core has
// answered (recent targets, retry schedules, how it would sign), the field
// errors and whether there are unsent edits. One reducer, because the
// answers and the edits decide together: an answer must not undo what the
// user chose, and an edit clears its own error and a pending close question.
// Pure; the hook (useResendDraft) does the asking.
import type { EventView, ScheduleInfo, SigningInfo, SignMode } from "../../ipc";
import { formFrom, METHODS, pickSchedule, type Field, type FieldErrors, type ResendForm } from "./form";

/** The core's answer on how the chosen endpoint signs, for the endpoint it was asked about. */
export type SignAnswer = { endpointId: number | null } & ({ info: SigningInfo; error?: never } | { info?: never; error: string });

export type DraftState = {
  form: ResendForm;
  /** The method is typed ("Other…"), not picked from METHODS. */
  methodOther: boolean;
  errors: FieldErrors;
  /** The URL is checked live once the field was left or a send was tried. */
  urlChecked: boolean;
  /** Edited since opening or since the last send. */
  dirty: boolean;
  /** Asking whether to discard unsent edits. */
  confirmClose: boolean;
  /** The user picked a signing mode: the core's default no longer replaces it. */
  signChosen: boolean;
  /** The user typed a URL: a recent target no longer fills it in. */
  urlTyped: boolean;
  /** Where sends went lately, newest first. */
  recent: string[];
  /** null until the core has listed them. */
  schedules: ScheduleInfo[] | null;
  signAnswer: SignAnswer | null;
  /** Why the last Format left the body as it was; for that text only. */
  formatProblem: { text: string; words: string } | null;
};

export type DraftAction =
  /** A change typed or picked by the user; `field` names the error it answers. */
  | { type: "edit"; change: Partial<ResendForm>; field?: Field | undefined }
  /** A method from the select; "" is "Other…". */
  | { type: "methodPicked"; value: string }
  | { type: "urlTyped"; url: string }
  | { type: "urlLeft" }
  | { type: "signModePicked"; mode: SignMode }
  /** null: the event's own endpoint. */
  | { type: "signEndpointPicked"; endpointId: number | null }
  | { type: "secretPicked"; label: string | null }
  | { type: "targetsLoaded"; targets: string[] }
  | { type: "schedulesLoaded"; schedules: ScheduleInfo[]; provider: string | null }
  | { type: "schedulesFailed" }
  | { type: "signAnswered"; endpointId: number | null; info: SigningInfo }
  | { type: "signFailed"; endpointId: number | null; error: string }
  | { type: "formatRefused"; text: string; words: string }
  /** A send was tried: null when the form was sendable (and is being sent). */
  | { type: "sendChecked"; errors: FieldErrors | null }
  | { type: "closeAsked" }
  | { type: "keepEditing" };

export function initialDraft(source: EventView | null): DraftState {
  const form = formFrom(source, { recentTargets: [] });
  return {
    form,
    methodOther: !(METHODS as readonly string[]).includes(form.method),
    errors: {},
    urlChecked: false,
    dirty: false,
    confirmClose: false,
    signChosen: false,
    urlTyped: false,
    recent: [],
    schedules: null,
    signAnswer: null,
    formatProblem: null,
  };
}

function edited(state: DraftState, change: Partial<ResendForm>, field?: Field): DraftState {
  const errors = field && state.errors[field] ? { ...state.errors, [field]: undefined } : state.errors;
  return { ...state, form: { ...state.form, ...change }, dirty: true, confirmClose: false, errors };
}

export function draftReducer(state: DraftState, action: DraftAction): DraftState {
  const form = state.form;
  switch (action.type) {
    case "edit":
      return edited(state, action.change, action.field);
    case "methodPicked":
      // "Other…" only opens the typed field: the method stays until typed there.
      if (action.value === "") return { ...state, methodOther: true };
      return { ...edited(state, { method: action.value }, "method"), methodOther: false };
    case "urlTyped":
      return { ...edited(state, { url: action.url }, "url"), urlTyped: true };
    case "urlLeft":
      return { ...state, urlChecked: true };
    case "signModePicked":
      return { ...edited(state, { signMode: action.mode }), signChosen: true };
    case "signEndpointPicked":
      // The same endpoint again must not ask the core again.
      if (form.signEndpointId === action.endpointId) return state;
      return { ...state, form: { ...form, signEndpointId: action.endpointId, secretLabel: null } };
    case "secretPicked":
      return { ...state, form: { ...form, secretLabel: action.label } };
    case "targetsLoaded": {
      // The last target is the likeliest next one, until the user types.
      const first = action.targets[0];
      const fill = !state.urlTyped && form.url === "" && first !== undefined && first !== "";
      return { ...state, recent: action.targets, form: fill ? { ...form, url: first } : form };
    }
    case "schedulesLoaded":
      return {
        ...state,
        schedules: action.schedules,
        form: { ...form, scheduleProvider: pickSchedule(action.schedules, action.provider, form.scheduleProvider) },
      };
    case "schedulesFailed":
      return { ...state, schedules: [] };
    case "signAnswered": {
      const { info } = action;
      return {
        ...state,
        signAnswer: { endpointId: action.endpointId, info },
        // The core's default holds until the user picks; its newest secret is offered first.
        form: {
          ...form,
          signMode: state.signChosen ? form.signMode : info.defaultMode,
          secretLabel: info.secretLabels[info.secretLabels.length - 1] ?? null,
        },
      };
    }
    case "signFailed":
      return {
        ...state,
        signAnswer: { endpointId: action.endpointId, error: action.error },
        // Nothing is known about signing: only the headers as they are can be sent.
        form: { ...form, signMode: "keep", secretLabel: null },
      };
    case "formatRefused":
      return { ...state, formatProblem: { text: action.text, words: action.words } };
    case "sendChecked":
      if (action.errors) return { ...state, urlChecked: true, errors: action.errors };
      return { ...state, urlChecked: true, errors: {}, dirty: false, confirmClose: false };
    case "closeAsked":
      return { ...state, confirmClose: true };
    case "keepEditing":
      return { ...state, confirmClose: false };
  }
}
