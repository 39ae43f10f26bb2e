-- Response rules (issue 20): an endpoint's ordered rules, as JSON
-- (model::ResponseRule), and what each event of an endpoint with rules was
-- answered (model::AnswerRecord as JSON), written by the single writer just
-- after the event.
ALTER TABLE endpoints ADD COLUMN rules TEXT NOT NULL DEFAULT '[]';
-- Bumped by "reset": every sequence and chance of the endpoint counts from
-- zero again, in whichever process is capturing.
ALTER TABLE endpoints ADD COLUMN rules_epoch INTEGER NOT NULL DEFAULT 0;

CREATE TABLE event_answers (
    event_id INTEGER PRIMARY KEY REFERENCES events(id) ON DELETE CASCADE,
    -- NULL: no rule matched; the configured response answered.
    rule     TEXT,
    answer   TEXT NOT NULL
);
-- `rule:NAME` in search.
CREATE INDEX event_answers_rule ON event_answers(rule COLLATE NOCASE) WHERE rule IS NOT NULL;
