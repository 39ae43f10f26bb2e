import type { HeaderDiffRow } from "./form";

const kindWords: Record<HeaderDiffRow["kind"], string> = {
  same: "",
  changed: "changed",
  added: "added",
  removed: "removed",
};

/** Original against edited headers: added, removed and changed rows highlighted. */
export function HeaderDiffTable({ rows, replaced }: { rows: HeaderDiffRow[]; replaced: readonly string[] }) {
  if (rows.length === 0) return <p className="muted">No headers on either side.</p>;
  return (
    <table className="kv-table header-diff" aria-label="Header changes" data-testid="resend-header-diff">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Original</th>
          <th scope="col">Edited</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row, i) => {
          const signature = replaced.includes(row.name.toLowerCase());
          return (
            <tr key={i} className={`diff-${row.kind}`} data-testid="header-diff-row" data-kind={row.kind}>
              <td className="kv-name">
                {row.name}
                {row.kind !== "same" && <span className={`tag diff-tag-${row.kind}`}>{kindWords[row.kind]}</span>}
                {signature && (
                  <span className="tag info" title="The signing scheme writes this header for every attempt">
                    re-signed
                  </span>
                )}
              </td>
              <td className="kv-value diff-before">{row.before ?? <span className="muted">—</span>}</td>
              <td className="kv-value diff-after">{row.after ?? <span className="muted">—</span>}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
