//! The page's JavaScript engine, set up before WebKit starts.
//!
//! WebKitGTK runs the page in a web process that inherits this process's
//! environment, and JavaScriptCore there reads its options from `JSC_*`
//! variables. Tauri creates the web context itself, so WebKit's
//! memory-pressure settings (construct-only on the context) are out of
//! reach; the engine's environment is the one lever left.
//!
//! The one option set is JavaScriptCore's mini mode
//! (`JSC_forceMiniVMMode`). In it:
//! - the heap grows 1.27× between collections instead of 2×;
//! - every collection is a full one;
//! - WebKit's allocator keeps fewer free pages for later.
//!
//! The page's live JavaScript is small, about 12 MB with a million events
//! stored. Without mini mode, the engine let garbage reach 36 MB between
//! collections while the timeline was scrolled. With it, under 9 MB.
//!
//! The app bench (tests/e2e/bench/app-scale.mjs, 30 s at a person's pace
//! then 60 s flat out; six runs without, seven with) measured the web
//! process's peak RSS:
//! - at a person's pace, 236–246 MB → 215–222 MB;
//! - scrolling flat out, 268–284 MB → 241–247 MB;
//! - idle after scrolling, unchanged at about 240 MB: what stays is not
//!   the engine's garbage.
//!
//! The costs, with `JSC_logGC`: collection took 1.3 s instead of 0.8 s
//! over ~100 s of flat-out scrolling, and the longest collection took
//! 20 ms instead of 41 ms. The rows scrolled in the same time did not drop.
//!
//! A variable the user set is left as it is: `JSC_forceMiniVMMode=false`
//! turns the mode off. The ones set here are for this app's web process
//! only: the programs the app starts for the desktop (the file manager)
//! do not get them (`for_desktop`), so a WebKit browser started from there
//! later keeps its own defaults.

use std::sync::OnceLock;

/// The engine options the web process gets unless the user set them.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
const OPTIONS: [(&str, &str); 1] = [("JSC_forceMiniVMMode", "true")];

/// Sets the engine options the user has not set in the environment the web
/// process will inherit. Call it first thing in `run`, before the process
/// starts any thread.
pub(crate) fn prepare() {
    #[cfg(target_os = "linux")]
    {
        let options = unset(|name| std::env::var_os(name).is_some());
        for (name, value) in &options {
            // SAFETY: `run` calls this before anything starts a thread
            // (logging, GTK, Tauri, the listener), so no other thread reads
            // or writes the environment meanwhile.
            unsafe { std::env::set_var(name, value) };
        }
        let _ = SET_HERE.set(options.into_iter().map(|(name, _)| name).collect());
    }
}

/// The variables `prepare` set (not the user's own).
static SET_HERE: OnceLock<Vec<&'static str>> = OnceLock::new();

/// `command` without the engine options `prepare` set: for programs the
/// app starts on the desktop's behalf.
pub(crate) fn for_desktop(command: &mut std::process::Command) -> &mut std::process::Command {
    for name in SET_HERE.get().into_iter().flatten() {
        command.env_remove(name);
    }
    command
}

/// The options of `OPTIONS` that `is_set` says are not set yet.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn unset(is_set: impl Fn(&str) -> bool) -> Vec<(&'static str, &'static str)> {
    OPTIONS
        .into_iter()
        .filter(|(name, _)| !is_set(name))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mini_mode_is_asked_for_unless_the_user_chose() {
        assert_eq!(
            unset(|_| false),
            vec![("JSC_forceMiniVMMode", "true")],
            "nothing set: the web process runs in mini mode"
        );
        assert!(
            unset(|name| name == "JSC_forceMiniVMMode").is_empty(),
            "the user's own JSC_forceMiniVMMode, even false, is kept"
        );
    }

    #[test]
    fn the_file_manager_does_not_inherit_what_was_set_for_the_web_process() {
        // As `prepare` records it (tests never change the process's
        // environment: other tests run on other threads).
        let _ = SET_HERE.set(vec!["JSC_forceMiniVMMode"]);
        let mut opener = std::process::Command::new("xdg-open");
        for_desktop(&mut opener);
        let removed: Vec<_> = opener
            .get_envs()
            .filter(|(_, value)| value.is_none())
            .map(|(name, _)| name.to_owned())
            .collect();
        assert_eq!(removed, ["JSC_forceMiniVMMode"]);
    }
}
