import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { endpoint, verdict } from "../test-fixtures";
import { VerdictCard } from "./VerdictCard";
import { ageWords, durationWords } from "./verdictText";

const card = () => screen.getByTestId("verdict-card");

describe("VerdictCard", () => {
  it("explains an invalid signature with the diagnosis and the secret it names", () => {
    render(
      <VerdictCard
        verdict={verdict("invalid", {
          scheme: "github",
          diagnosis: {
            code: "body_trailing_newline",
            message: "The body gained a trailing newline after it was signed.",
            secret: "production",
          },
        })}
        endpoint={endpoint(1, "Default", "/")}
        provider="GitHub"
      />,
    );
    expect(card()).toHaveAttribute("data-status", "invalid");
    expect(screen.getByRole("heading")).toHaveTextContent("Signature invalid");
    expect(screen.getByTestId("verdict-scheme")).toHaveTextContent("GitHub");
    const diagnosis = screen.getByTestId("verdict-diagnosis");
    expect(diagnosis).toHaveTextContent("The body gained a trailing newline after it was signed.");
    expect(diagnosis).toHaveTextContent("Matches with secret “production”");
  });

  it("falls back to the core's reason when an invalid signature has no diagnosis", () => {
    render(
      <VerdictCard
        verdict={verdict("invalid", { scheme: "hmac", reason: "no configured secret produces this signature" })}
        endpoint={undefined}
        provider={null}
      />,
    );
    expect(screen.getByTestId("verdict-scheme")).toHaveTextContent("Custom HMAC");
    expect(screen.getByTestId("verdict-reason")).toHaveTextContent("No configured secret produces this signature.");
  });

  it("names the matched secret of a valid signature", () => {
    render(
      <VerdictCard
        verdict={verdict("valid", { scheme: "stripe", secret: "production", ageS: 3 })}
        endpoint={endpoint(1, "Default", "/")}
        provider="Stripe"
      />,
    );
    expect(screen.getByRole("heading")).toHaveTextContent("Signature valid");
    expect(screen.getByTestId("verdict-secret")).toHaveTextContent("matched secret “production”");
    expect(screen.getByTestId("verdict-age")).toHaveTextContent("signed 3 s before arrival; tolerance 5 min");
  });

  it("gives a stale timestamp's age in minutes, and the endpoint's own tolerance", () => {
    render(
      <VerdictCard
        verdict={verdict("stale", {
          scheme: "standard-webhooks",
          secret: "production",
          ageS: 600,
          reason: "signed 10 min ago; tolerance is 2 min; the signature matches the secret \"production\"",
        })}
        endpoint={endpoint(1, "Default", "/", { scheme: { kind: "standard-webhooks", toleranceS: 120 } })}
        provider={null}
      />,
    );
    expect(screen.getByRole("heading")).toHaveTextContent("Timestamp outside tolerance");
    expect(screen.getByTestId("verdict-age")).toHaveTextContent("signed 10 min before arrival; tolerance 2 min");
    expect(screen.getByTestId("verdict-reason")).toHaveTextContent(/^Signed 10 min ago; tolerance is 2 min;/);
  });

  it("says clearly when the construction is assumed, naming the provider", () => {
    render(
      <VerdictCard
        verdict={verdict("valid", { scheme: "standard-webhooks", secret: "live", assumed: true })}
        endpoint={undefined}
        provider="Kustom"
      />,
    );
    const heading = screen.getByRole("heading");
    expect(heading).toHaveTextContent(/^Signature valid/);
    expect(within(heading).getByText("assumed")).toHaveClass("verdict-assumed-tag");
    expect(screen.getByTestId("verdict-assumed-note")).toHaveTextContent(
      "Assumed construction — Kustom does not publish its signing construction; Hooklens assumes Standard Webhooks-style signing. Check with a known-good request.",
    );
  });

  it("keeps the assumed note generic for an unknown provider", () => {
    render(<VerdictCard verdict={verdict("invalid", { assumed: true })} endpoint={undefined} provider={null} />);
    expect(screen.getByTestId("verdict-assumed-note")).toHaveTextContent(
      "Assumed construction — This provider does not publish its signing construction",
    );
  });

  it("has no assumed note for a published construction", () => {
    render(<VerdictCard verdict={verdict("valid", { scheme: "github" })} endpoint={undefined} provider="GitHub" />);
    expect(screen.queryByTestId("verdict-assumed-note")).toBeNull();
  });

  it("asks for a secret when the request is signed but none is configured", () => {
    render(
      <VerdictCard
        verdict={verdict("no_secret", {
          scheme: "github",
          reason: "the request is signed, but no secret is configured to check it",
        })}
        endpoint={endpoint(1, "Default", "/")}
        provider="GitHub"
      />,
    );
    expect(screen.getByRole("heading")).toHaveTextContent("Signed, but no secret configured");
    expect(screen.getByTestId("verdict-reason")).toHaveTextContent(
      "The request is signed, but no secret is configured to check it.",
    );
    expect(screen.getByTestId("verdict-hint")).toHaveTextContent(
      "Add a secret to this endpoint to verify it: edit the endpoint in the sidebar.",
    );
  });

  it("says an unsigned request has no signature header of a known scheme", () => {
    render(
      <VerdictCard
        verdict={verdict("unsigned", {
          reason: "no signature header of a known scheme, and the endpoint has no scheme set",
        })}
        endpoint={undefined}
        provider={null}
      />,
    );
    expect(screen.getByRole("heading")).toHaveTextContent("Not signed");
    expect(screen.getByTestId("verdict-reason")).toHaveTextContent(/^No signature header of a known scheme\.$/);
    expect(screen.queryByTestId("verdict-hint")).toBeNull();
  });

  it("names the scheme whose signature an unsigned request lacks", () => {
    render(<VerdictCard verdict={verdict("unsigned", { scheme: "shared-secret" })} endpoint={undefined} provider={null} />);
    expect(screen.getByTestId("verdict-reason")).toHaveTextContent("No Shared secret signature in this request.");
  });

  it("headlines a malformed header and says why", () => {
    render(
      <VerdictCard
        verdict={verdict("malformed", { scheme: "stripe", reason: "Stripe-Signature has no t= timestamp" })}
        endpoint={undefined}
        provider={null}
      />,
    );
    expect(screen.getByRole("heading")).toHaveTextContent("Malformed signature header");
    expect(screen.getByTestId("verdict-reason")).toHaveTextContent("Stripe-Signature has no t= timestamp.");
  });

  it("says an event stored before verification existed is not verified", () => {
    render(<VerdictCard verdict={null} endpoint={undefined} provider={null} />);
    expect(card()).toHaveAttribute("data-status", "unverified");
    expect(screen.getByRole("heading")).toHaveTextContent("Not verified");
  });

  it("renders payload-derived text as text, never as markup", () => {
    render(
      <VerdictCard
        verdict={verdict("malformed", { reason: "<img src=x onerror=alert(1)> is not a signature" })}
        endpoint={undefined}
        provider={null}
      />,
    );
    expect(card().querySelector("img")).toBeNull();
    expect(screen.getByTestId("verdict-reason")).toHaveTextContent("<img src=x onerror=alert(1)> is not a signature.");
  });
});

describe("verdict ages", () => {
  it.each([
    [45, "45 s"],
    [600, "10 min"],
    [3 * 3600, "3 h"],
    [3 * 86_400, "3 days"],
  ])("reads %i seconds as %s", (seconds, words) => {
    expect(durationWords(seconds)).toBe(words);
  });

  it("says a timestamp from the future is ahead", () => {
    expect(ageWords(-90)).toBe("signed 90 s in the future (the sender's clock is ahead)");
  });
});
