import { formatCount } from "../../lib/format";

type Props = {
  count: number;
  onPin: () => void;
  onUnpin: () => void;
  onClear: () => void;
};

/** Bulk actions on the multi-selection; more actions plug in here. */
export function SelectionBar({ count, onPin, onUnpin, onClear }: Props) {
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
      <button type="button" className="bar-button subtle" onClick={onClear} title="Clear the selection (Esc)" data-testid="selection-clear">
        Clear
      </button>
    </div>
  );
}
