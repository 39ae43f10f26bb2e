import "./forms.css";

/** A field's problem, under it; nothing when there is none. The field points at `id` with aria-describedby. */
export function FieldError({ id, error, testId }: { id: string; error: string | null | undefined; testId: string }) {
  if (!error) return null;
  return (
    <span className="field-error" id={id} data-testid={testId}>
      {error}
    </span>
  );
}
