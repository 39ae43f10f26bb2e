import { useState } from "react";
import { createPortal } from "react-dom";
import { formatCount } from "../../lib/format";
import { ShuffleDialog } from "../lazy";

type Props = {
  count: number;
  /** The selected events' ids, in timeline order. */
  ids: readonly number[];
  /** How to name a selected event, e.g. "POST /orders". */
  describe: (id: number) => string;
  onPin: () => void;
  onUnpin: () => void;
  onClear: () => void;
  /** Opens the export dialog for the selection. */
  onExport?: () => void;
};

/** Bulk actions on the multi-selection; more actions plug in here. */
export function SelectionBar({ count, ids, describe, onPin, onUnpin, onClear, onExport }: Props) {
  // A snapshot of the selection: the dialog sends what was selected when it opened.
  const [shuffling, setShuffling] = useState<readonly number[] | null>(null);
  return (
    <div className="selection-bar" role="toolbar" aria-label="Selected events" data-testid="selection-bar">
      <span className="selection-count" data-testid="selection-count">
        {formatCount(count)} selected
      </span>
      <button type="button" className="bar-button" onClick={onPin} data-testid="selection-pin">
        Pin
      </button>
      <button type="button" className="bar-button" onClick={onUnpin} data-testid="selection-unpin">
        Unpin
      </button>
      {ids.length >= 2 && (
        <button
          type="button"
          className="bar-button"
          onClick={() => setShuffling([...ids])}
          title="Send each selected event once, in a random order"
          data-testid="selection-shuffle"
        >
          Send out of order…
        </button>
      )}
      {onExport && (
        <button type="button" className="bar-button" onClick={onExport} title="Export the selected events, redacted" data-testid="selection-export">
          Export…
        </button>
      )}
      <button type="button" className="bar-button subtle" onClick={onClear} title="Clear the selection (Esc)" data-testid="selection-clear">
        Clear
      </button>
      {/* The bar is transformed (and the timeline a size container): the dialog goes to the body so it covers the window. */}
      {shuffling &&
        createPortal(<ShuffleDialog eventIds={shuffling} describe={describe} onClose={() => setShuffling(null)} />, document.body)}
    </div>
  );
}
