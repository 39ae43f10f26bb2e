import { useState } from "react";
import { setTunnelRate, type TunnelView } from "../../ipc";
import { errorMessage } from "../../state/useTimeline";

/** A whole number of at least 1 typed in a field, or null. */
function count(text: string): number | null {
  const n = Number(text.trim());
  return Number.isInteger(n) && n >= 1 ? n : null;
}

/**
 * How much one sender may send through the tunnel: beyond it the request is
 * answered 429 and not stored, so a public URL cannot fill the disk.
 */
export function RateLimit({ view, onView }: { view: TunnelView; onView: (v: TunnelView) => void }) {
  const [perMinute, setPerMinute] = useState(String(view.ratePerMinute));
  const [burst, setBurst] = useState(String(view.rateBurst));
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const minute = count(perMinute);
  const once = count(burst);
  const changed = minute !== view.ratePerMinute || once !== view.rateBurst;

  const save = () => {
    if (minute === null || once === null) {
      setError("Both limits are whole numbers of at least 1.");
      return;
    }
    setSaving(true);
    setError(null);
    setTunnelRate({ perMinute: minute, burst: once }).then(
      (v) => {
        onView(v);
        setSaving(false);
      },
      (err: unknown) => {
        setError(errorMessage(err));
        setSaving(false);
      },
    );
  };

  return (
    <div className="tunnel-rate" data-testid="tunnel-rate">
      <span>Each sender may send</span>
      <input
        aria-label="Requests a minute per sender"
        inputMode="numeric"
        value={perMinute}
        onChange={(e) => setPerMinute(e.target.value)}
        data-testid="tunnel-rate-per-minute"
      />
      <span>a minute, up to</span>
      <input
        aria-label="Requests at once per sender"
        inputMode="numeric"
        value={burst}
        onChange={(e) => setBurst(e.target.value)}
        data-testid="tunnel-rate-burst"
      />
      <span>at once; more are answered 429 and not stored.</span>
      {changed && (
        <button type="button" className="secondary-button compact" disabled={saving} onClick={save} data-testid="tunnel-rate-save">
          Save
        </button>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
