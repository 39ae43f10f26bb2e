import type { ReactNode } from "react";
import type { Field } from "./form";

/** A titled part of the request (Body, Headers), named for screen readers by its title. */
export function Section({ title, aside, children, testId }: { title: string; aside?: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <section className="resend-section" aria-label={title} data-testid={testId}>
      <div className="section-head">
        <h3>{title}</h3>
        {aside}
      </div>
      {children}
    </section>
  );
}

/** The ids of a field's input and of its error, which the input points at. */
export type FieldIds = (field: Field) => { input: string; error: string };

/** One `useId` for the whole editor: the sections' fields get ids under it. */
export const fieldIds =
  (uid: string): FieldIds =>
  (field) => ({ input: `${uid}-${field}`, error: `${uid}-${field}-error` });
