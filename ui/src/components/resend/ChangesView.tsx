import { BodyDiff } from "./BodyDiff";
import type { HeaderDiffRow } from "./form";
import { HeaderDiffTable } from "./HeaderDiffTable";
import { Section } from "./Section";
import type { BodyCheck } from "./useResendDraft";

type Props = {
  body: BodyCheck;
  originalText: string | null;
  headerRows: HeaderDiffRow[];
  /** Signing headers are written again on every attempt. */
  replacing: boolean;
  signatureNames: string[];
};

/** The edited request against the captured one: the body side by side, the header rows that differ. */
export function ChangesView({ body, originalText, headerRows, replacing, signatureNames }: Props) {
  return (
    <div data-testid="resend-diff-view">
      <Section title="Body">
        {body.text === null ? (
          <p className="muted">Binary body: sent unchanged.</p>
        ) : !body.changed ? (
          <p className="muted" data-testid="resend-body-unchanged">
            The body is unchanged.
          </p>
        ) : (
          <BodyDiff original={originalText ?? ""} edited={body.text} json={body.highlightJson} />
        )}
      </Section>
      <Section title="Headers">
        {replacing && signatureNames.length > 0 && (
          <p className="muted small">Rows marked “re-signed” are written again for every attempt, whatever they say here.</p>
        )}
        <HeaderDiffTable rows={headerRows} replaced={replacing ? signatureNames : []} />
      </Section>
    </div>
  );
}
