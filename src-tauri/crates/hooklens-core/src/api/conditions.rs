//! A forward target's condition checked as it is typed, so the endpoint
//! editor can underline the culprit before anything is saved.

use crate::model::ConditionProblem;
use crate::query::Condition;

/// Why `text` cannot be a condition (the search language without `after:`
/// and `before:`), or None when it can. Positions are in chars.
pub fn condition_problem(text: &str) -> Option<ConditionProblem> {
    Condition::parse(text).err().map(|e| ConditionProblem {
        message: e.message,
        start: u32::try_from(e.start).unwrap_or(u32::MAX),
        end: u32::try_from(e.end).unwrap_or(u32::MAX),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_condition_names_its_culprit() {
        assert_eq!(condition_problem(""), None);
        assert_eq!(condition_problem("type:dispute.* -provider:kustom"), None);
        let p = condition_problem("type:dispute.* after:1h").unwrap();
        assert!(p.message.contains("after:"), "{p:?}");
        assert_eq!((p.start, p.end), (15, 23));
        let p = condition_problem("é nosuch:field").unwrap();
        assert_eq!(p.start, 2, "in chars, not bytes: {p:?}");
    }
}
