import type { DeliveryRuleInfo } from "../../ipc";

/** "the checkout provider…" starts a line with a capital. */
const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function Assumed({ source, testId }: { source: string; testId: string }) {
  return (
    <>
      {" "}
      <span className="tag warn" data-testid={testId} title={source}>
        assumed
      </span>
    </>
  );
}

/**
 * The delivery rule a send is judged by, in one line: "Kulmi Pay counts only
 * 200 as delivered · answer within 10 s", each part the provider's documents
 * do not state marked "assumed" (its source in the tooltip).
 */
export function DeliveryRuleNote({ rule }: { rule: DeliveryRuleInfo }) {
  return (
    <p className="muted small delivery-rule" data-testid="resend-delivery-rule" data-preset={rule.preset}>
      <span title={rule.successSource}>{capitalized(rule.successWords)}</span>
      {rule.successAssumed && <Assumed source={rule.successSource} testId="delivery-rule-success-assumed" />}
      {" · "}
      <span title={rule.deadlineSource}>{rule.deadlineWords}</span>
      {rule.deadlineAssumed && <Assumed source={rule.deadlineSource} testId="delivery-rule-deadline-assumed" />}
    </p>
  );
}
