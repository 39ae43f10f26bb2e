import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { PresetInfo, VerdictStatus } from "../ipc";
import { verdict, deliveryRule } from "../test-fixtures";
import { VerdictBadge } from "./VerdictBadge";
import { providerName } from "./verdictText";

describe("VerdictBadge", () => {
  const cases: [VerdictStatus, string][] = [
    ["valid", "valid"],
    ["invalid", "invalid"],
    ["stale", "stale"],
    ["malformed", "malformed"],
    ["no_secret", "no secret"],
    ["unsigned", "unsigned"],
  ];

  it.each(cases)("says %s as “%s”", (status, text) => {
    render(<VerdictBadge verdict={verdict(status)} provider={null} />);
    const badge = screen.getByTestId("verdict-badge");
    expect(badge).toHaveTextContent(new RegExp(`^${text}$`));
    expect(badge).toHaveAttribute("data-status", status);
    expect(badge).toHaveClass(`verdict-${status}`);
    expect(screen.queryByTestId("verdict-assumed")).toBeNull();
  });

  it("says an event stored before verification existed is not verified", () => {
    render(<VerdictBadge verdict={null} provider="Kustom" />);
    const badge = screen.getByTestId("verdict-badge");
    expect(badge).toHaveTextContent(/^not verified$/);
    expect(badge).toHaveAttribute("data-status", "unverified");
  });

  it("marks an assumed construction and names the provider in its tooltip", () => {
    render(<VerdictBadge verdict={verdict("valid", { scheme: "standard-webhooks", assumed: true })} provider="Kustom" />);
    const badge = screen.getByTestId("verdict-badge");
    expect(badge).toHaveTextContent(/^valid\*$/);
    expect(badge).toHaveAttribute("data-status", "valid");
    expect(badge).toHaveAttribute("data-assumed", "true");
    expect(badge.title).toContain("Assumed construction: Kustom does not publish how it signs");
  });

  it("names the scheme and matched secret in its tooltip", () => {
    render(<VerdictBadge verdict={verdict("valid", { scheme: "github", secret: "production" })} provider="GitHub" />);
    expect(screen.getByTestId("verdict-badge").title).toBe("Signature valid · GitHub · secret “production”");
  });
});

describe("providerName", () => {
  const presets: PresetInfo[] = [{ id: "kustom-ipp", name: "Kustom In-Person Payments", scheme: null, assumed: true, delivery: deliveryRule() }];

  it("uses the preset's display name from the core, else the id, else nothing", () => {
    expect(providerName("kustom-ipp", presets)).toBe("Kustom In-Person Payments");
    expect(providerName("acme", presets)).toBe("acme");
    expect(providerName(null, presets)).toBeNull();
    expect(providerName("kustom-ipp", [])).toBe("kustom-ipp");
  });
});
