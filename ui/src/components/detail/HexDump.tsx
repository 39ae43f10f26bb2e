import { useMemo, useState } from "react";
import { bodyBytes, hexRows } from "./body";

/** Bytes rendered at first; each "show more" adds MORE_BYTES. */
export const HEX_INITIAL_BYTES = 16 * 1024;
export const HEX_MORE_BYTES = 64 * 1024;

const count = new Intl.NumberFormat();

type Props = { bodyText: string | null; bodyBase64: string | null };

/**
 * offset | hex bytes | ASCII of the exact bytes. Big bodies are rendered a
 * slice at a time: 25 MB of hex would be a million rows.
 */
export function HexDump({ bodyText, bodyBase64 }: Props) {
  const bytes = useMemo(() => bodyBytes(bodyText, bodyBase64), [bodyText, bodyBase64]);
  const [limit, setLimit] = useState(HEX_INITIAL_BYTES);
  const shown = Math.min(limit, bytes.length);
  const rows = useMemo(() => hexRows(bytes, 0, shown), [bytes, shown]);
  const rest = bytes.length - shown;
  return (
    <div className="hex-view">
      <pre className="hex-dump" data-testid="hex-dump" aria-label="Hex dump of the body">
        {rows.map((row) => (
          <span className="hex-row" key={row.offset}>
            <span className="hex-offset">{row.offset}</span>
            {"  "}
            <span className="hex-bytes">{row.hex}</span>
            {"  "}
            <span className="hex-ascii">{`|${row.ascii}|`}</span>
            {"\n"}
          </span>
        ))}
      </pre>
      {rest > 0 && (
        <p className="hex-more">
          <span className="muted" data-testid="hex-shown">
            Showing {count.format(shown)} of {count.format(bytes.length)} bytes.
          </span>{" "}
          <button
            type="button"
            className="link-button"
            data-testid="hex-more"
            onClick={() => setLimit((l) => l + HEX_MORE_BYTES)}
          >
            Show {count.format(Math.min(rest, HEX_MORE_BYTES))} more bytes
          </button>
        </p>
      )}
    </div>
  );
}
