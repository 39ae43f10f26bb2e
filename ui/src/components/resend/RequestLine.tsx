import { FieldError } from "../FieldError";
import { METHODS, type FieldErrors } from "./form";
import type { FieldIds } from "./Section";
import { TargetUrlInput } from "./TargetUrlInput";

type Props = {
  method: string;
  /** The method is typed ("Other…"), not picked. */
  methodOther: boolean;
  url: string;
  /** Where sends went lately, offered under the URL. */
  recent: readonly string[];
  errors: FieldErrors;
  /** The URL's problem: shown live, unlike the other fields' (see useResendDraft). */
  urlError: string | undefined;
  ids: FieldIds;
  onPickMethod: (value: string) => void;
  onTypeMethod: (method: string) => void;
  onTypeUrl: (url: string) => void;
  onLeaveUrl: () => void;
};

/** Where the request goes: its method and the target URL, with their problems under them. */
export function RequestLine({ method, methodOther, url, recent, errors, urlError, ids, onPickMethod, onTypeMethod, onTypeUrl, onLeaveUrl }: Props) {
  return (
    <>
      <div className="request-line">
        <label className="field method-field">
          Method
          <select
            value={methodOther ? "" : method}
            data-testid="resend-method"
            aria-invalid={errors.method ? true : undefined}
            onChange={(e) => onPickMethod(e.target.value)}
          >
            {METHODS.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
            <option value="">Other…</option>
          </select>
        </label>
        {methodOther && (
          <label className="field method-other">
            Other method
            <input
              className="mono"
              value={method}
              spellCheck={false}
              autoComplete="off"
              data-testid="resend-method-other"
              aria-invalid={errors.method ? true : undefined}
              aria-describedby={errors.method ? ids("method").error : undefined}
              onChange={(e) => onTypeMethod(e.target.value)}
            />
          </label>
        )}
        <label className="field grow">
          Target URL
          <TargetUrlInput
            id={ids("url").input}
            value={url}
            recent={recent}
            testId="resend-url"
            errorId={urlError ? ids("url").error : null}
            onChange={onTypeUrl}
            onBlur={onLeaveUrl}
          />
        </label>
      </div>
      <FieldError id={ids("method").error} error={errors.method} testId="resend-method-error" />
      <FieldError id={ids("url").error} error={urlError} testId="resend-url-error" />
    </>
  );
}
