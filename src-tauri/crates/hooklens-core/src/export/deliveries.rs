//! Deliveries (resends, forwards, test sends) of an exported event,
//! redacted by the event's rules: headers by the event's endpoint scheme
//! and the names asked for, URL and bodies by paths and patterns, and the
//! values removed from the event taken out wherever they recur.

use std::ops::Range;

use super::patterns::{REDACTED, replace_spans};
use super::redact::{
    RedactedEvent, RedactedPart, RedactionItem, RedactionRule, Rules, body_bytes, json_text,
};
use crate::model::{Delivery, DeliveryRun, HeaderView};

impl Rules {
    /// A send action of `event` (its attempts go through [`Rules::delivery`]):
    /// its target and outcome are words a secret could be in.
    pub fn run(&self, event: &mut RedactedEvent, mut run: DeliveryRun) -> DeliveryRun {
        run.target = self.words_of(event, &run.target, "delivery target");
        if let Some(outcome) = &run.outcome {
            run.outcome = Some(self.words_of(event, outcome, "delivery outcome"));
        }
        run
    }

    /// A delivery sent from `event`, redacted by the same rules (header
    /// names by the event's endpoint scheme), and the event's removed values
    /// taken out of it too; its items join the event's.
    pub fn delivery(&self, event: &mut RedactedEvent, mut d: Delivery) -> Delivery {
        let id = event.detail.summary.id;
        let delivery_id = Some(d.id);
        let mut items = Vec::new();
        let echoes = event.echoes.clone();
        let push = |items: &mut Vec<RedactionItem>, part, rule, place: &str, at, what: String| {
            items.push(RedactionItem {
                event_id: id,
                delivery_id,
                part,
                rule,
                place: place.to_owned(),
                offset: at,
                what,
            })
        };
        let text = |s: &str, part, place: &str, items: &mut Vec<RedactionItem>| -> String {
            let (out, hits) = self.scan(s.as_bytes(), false, &echoes);
            for h in hits {
                push(
                    items,
                    part,
                    h.rule,
                    place,
                    Some(h.span.start as u64),
                    h.what,
                );
            }
            out.map_or_else(
                || s.to_owned(),
                |b| String::from_utf8_lossy(&b).into_owned(),
            )
        };
        d.url = text(&d.url, RedactedPart::Target, "url", &mut items);
        let headers = |list: &mut Vec<HeaderView>, part, items: &mut Vec<RedactionItem>| {
            for h in list.iter_mut() {
                if let Some(rule) = self.header_rule(&event.secret, &h.name) {
                    h.value = REDACTED.to_owned();
                    h.masked = true;
                    push(items, part, rule, &h.name, None, "value removed".into());
                } else {
                    h.value = text(&h.value, part, &h.name.clone(), items);
                }
            }
        };
        headers(&mut d.headers, RedactedPart::Header, &mut items);
        let body = |text: &mut Option<String>,
                    base64: &mut Option<String>,
                    part,
                    items: &mut Vec<RedactionItem>| {
            let Some(bytes) = body_bytes(text, base64) else {
                return;
            };
            let mut removed = Vec::new();
            let mut bytes = bytes;
            if self.has_paths()
                && let Some(json) = json_text(&bytes)
            {
                let found = self.json_values(json, &mut removed);
                for (_, path) in &found {
                    push(
                        items,
                        part,
                        RedactionRule::JsonPath,
                        path,
                        None,
                        "value removed".into(),
                    );
                }
                if !found.is_empty() {
                    let spans: Vec<Range<usize>> = found.into_iter().map(|(r, _)| r).collect();
                    bytes = replace_spans(&bytes, &spans, true);
                }
            }
            let (out, hits) = self.scan(&bytes, true, &echoes);
            for h in hits {
                let at = h.span.start;
                push(
                    items,
                    part,
                    h.rule,
                    &format!("byte {at}"),
                    Some(at as u64),
                    h.what,
                );
            }
            let (t, b) = crate::wire::body_parts(out.unwrap_or(bytes));
            (*text, *base64) = (t, b);
        };
        body(
            &mut d.body_text,
            &mut d.body_base64,
            RedactedPart::Body,
            &mut items,
        );
        if let Some(r) = d.response.as_mut() {
            headers(&mut r.headers, RedactedPart::ResponseHeader, &mut items);
            body(
                &mut r.body_text,
                &mut r.body_base64,
                RedactedPart::ResponseBody,
                &mut items,
            );
            if let Some(to) = &r.redirect_to {
                r.redirect_to = Some(text(
                    to,
                    RedactedPart::ResponseHeader,
                    "Location",
                    &mut items,
                ));
            }
        }
        event.items.extend(items);
        d.signing = self.words_in(event, delivery_id, &d.signing, "signing");
        if let Some(f) = &d.failure {
            d.failure = Some(self.words_in(event, delivery_id, f, "failure"));
        }
        if let Some(e) = d.error.as_mut() {
            e.message = self.words_in(event, delivery_id, &e.message.clone(), "error");
        }
        d
    }
}
