import type { Endpoint } from "../../ipc";

/**
 * Where imported requests go and how they are marked: the fields the paste
 * and file import dialogs share.
 */

/** The endpoint to import into: null routes each request by its path. */
export function EndpointChoice({
  id,
  endpoints,
  value,
  onChange,
  testId,
}: {
  id: string;
  endpoints: readonly Endpoint[];
  value: number | null;
  onChange: (endpointId: number | null) => void;
  testId: string;
}) {
  return (
    <>
      <label className="field" htmlFor={id}>
        <span>Endpoint</span>
      </label>
      <select id={id} value={value ?? ""} onChange={(e) => onChange(e.target.value === "" ? null : Number(e.target.value))} data-testid={testId}>
        <option value="">Route by path</option>
        {endpoints.map((e) => (
          <option key={e.id} value={e.id}>
            {`${e.name} (${e.isDefault ? "unmatched paths" : e.pathPrefix})`}
          </option>
        ))}
      </select>
    </>
  );
}

/** A note kept with every imported event. */
export function NoteField({
  id,
  value,
  onChange,
  testId,
}: {
  id: string;
  value: string;
  onChange: (note: string) => void;
  testId: string;
}) {
  return (
    <>
      <label className="field" htmlFor={id}>
        <span>Note (optional)</span>
      </label>
      <input
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder="e.g. the ticket it came with"
        autoComplete="off"
        data-testid={testId}
      />
    </>
  );
}

/** The note as the shell takes it: trimmed, null when blank. */
export function noteOrNull(note: string): string | null {
  const trimmed = note.trim();
  return trimmed === "" ? null : trimmed;
}
