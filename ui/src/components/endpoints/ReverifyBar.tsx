import type { Endpoint } from "../../ipc";
import type { Reverify, ReverifyJob } from "./useReverify";
import "../detail/controls.css";
import "./endpoints.css";

const count = new Intl.NumberFormat();

function target(endpointId: number | null, endpoints: readonly Endpoint[]): string {
  if (endpointId === null) return "all endpoints";
  return endpoints.find((e) => e.id === endpointId)?.name ?? `endpoint #${endpointId}`;
}

const plural = (n: number, one: string, many: string) => `${count.format(n)} ${n === 1 ? one : many}`;

/** The bar's sentence for a job that is not idle. */
export function reverifyText(job: Exclude<ReverifyJob, { status: "idle" }>, endpoints: readonly Endpoint[]): string {
  const name = target(job.endpointId, endpoints);
  switch (job.status) {
    case "running":
      return job.total === 0
        ? `Re-verifying ${name}…`
        : `Re-verifying ${name}: ${count.format(job.done)} of ${count.format(job.total)}`;
    case "finished": {
      const { checked, changed, cancelled } = job.outcome;
      if (cancelled) {
        return `Cancelled after ${count.format(checked)} of ${count.format(job.total)}; those keep their new verdicts`;
      }
      const changes = changed === 0 ? "no verdicts changed" : `${plural(changed, "verdict", "verdicts")} changed`;
      return `Re-verified ${plural(checked, "event", "events")} on ${name}: ${changes}`;
    }
    case "failed":
      return `Could not re-verify ${name}: ${job.error}`;
  }
}

/** Progress of the window's re-verification job, with Cancel; nothing when idle. */
export function ReverifyBar({ reverify, endpoints }: { reverify: Reverify; endpoints: Endpoint[] }) {
  const { job } = reverify;
  if (job.status === "idle") return null;
  const text = reverifyText(job, endpoints);
  if (job.status === "running") {
    const pct = job.total > 0 ? Math.min(100, (job.done / job.total) * 100) : 0;
    return (
      <div className="reverify-bar running" data-testid="reverify-bar" data-status="running">
        <span className="reverify-text" data-testid="reverify-text">
          {text}
        </span>
        <div
          className="reverify-track"
          role="progressbar"
          aria-label="Re-verification progress"
          aria-valuemin={0}
          aria-valuemax={job.total}
          aria-valuenow={job.done}
          data-testid="reverify-progress"
        >
          <div className="reverify-fill" style={{ width: `${pct}%` }} />
        </div>
        <button
          type="button"
          className="secondary-button compact"
          data-testid="reverify-cancel"
          disabled={job.cancelling}
          onClick={() => reverify.cancel()}
        >
          {job.cancelling ? "Cancelling…" : "Cancel"}
        </button>
      </div>
    );
  }
  const failed = job.status === "failed";
  return (
    <div
      className={`reverify-bar ${failed ? "failed" : "finished"}`}
      data-testid="reverify-bar"
      data-status={job.status}
      role={failed ? "alert" : "status"}
    >
      <span className="reverify-text" data-testid="reverify-text">
        {text}
      </span>
      <button
        type="button"
        className="secondary-button compact"
        data-testid="reverify-dismiss"
        aria-label="Dismiss"
        onClick={() => reverify.dismiss()}
      >
        Dismiss
      </button>
    </div>
  );
}
