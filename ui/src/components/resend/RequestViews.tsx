import { useState, type ReactNode } from "react";

type Tab = "request" | "changes";

type Props = {
  uid: string;
  /** Only a captured request has changes to show: a new one is the request view alone, without tabs. */
  tabbed: boolean;
  /** Rows that differ, plus one for the body. */
  changeCount: number;
  request: ReactNode;
  changes: ReactNode;
};

/** The request being edited, and for a captured one a second tab with what the edits change. */
export function RequestViews({ uid, tabbed, changeCount, request, changes }: Props) {
  const [tab, setTab] = useState<Tab>("request");
  const tabProps = (which: Tab) => ({
    type: "button" as const,
    role: "tab",
    id: `${uid}-tab-${which}`,
    tabIndex: tab === which ? 0 : -1,
    "aria-selected": tab === which,
    "aria-controls": `${uid}-panel`,
    className: tab === which ? "tab selected" : "tab",
    onClick: () => setTab(which),
  });
  return (
    <>
      {tabbed && (
        <div
          className="tabs"
          role="tablist"
          aria-label="Request views"
          onKeyDown={(e) => {
            if (e.key !== "ArrowLeft" && e.key !== "ArrowRight" && e.key !== "Home" && e.key !== "End") return;
            e.preventDefault();
            const next: Tab = e.key === "Home" ? "request" : e.key === "End" ? "changes" : tab === "request" ? "changes" : "request";
            setTab(next);
            document.getElementById(`${uid}-tab-${next}`)?.focus();
          }}
        >
          <button {...tabProps("request")} data-testid="resend-edit-tab">
            Request
          </button>
          <button {...tabProps("changes")} data-testid="resend-diff">
            Changes{" "}
            <span className={changeCount > 0 ? "tab-count active" : "tab-count"} data-testid="resend-change-count">
              {changeCount === 0 ? "none" : changeCount}
            </span>
          </button>
        </div>
      )}
      <div
        className={tabbed ? "resend-panel" : "resend-panel untabbed"}
        {...(tabbed ? { role: "tabpanel", id: `${uid}-panel`, "aria-labelledby": `${uid}-tab-${tab}` } : {})}
      >
        {tab === "request" || !tabbed ? request : changes}
      </div>
    </>
  );
}
