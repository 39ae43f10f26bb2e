//! The page's fonts, named by the shell on Linux before the page lays out.
//!
//! The stylesheet asks for `system-ui` and `ui-monospace`. WebKitGTK
//! resolves `system-ui` to GTK's interface font on every lookup, and that
//! lookup is slow: each size and weight on the first screen cost ~3 ms more
//! than a named family, ~40 ms of the first layout (see the note of issue
//! 21). `ui-monospace` is a name WebKitGTK does not know, looked up and
//! skipped at every size. So the shell names what those would have been,
//! GTK's interface font and fontconfig's monospace, in the page's own
//! `--sans` and `--mono` before its first layout: the same letters, sooner.

/// The script run at the start of every page load: sets `--sans` and
/// `--mono` on the root element, where they override the stylesheet's.
/// None off Linux, or when GTK names no usable family.
#[cfg(target_os = "linux")]
pub(crate) fn page_script() -> Option<String> {
    use gtk::prelude::GtkSettingsExt;
    let settings = gtk::Settings::default()?;
    let interface = settings.gtk_font_name()?;
    let sans = sans_families(&gtk::pango::FontDescription::from_string(&interface).family()?)?;
    // A JSON string is a JavaScript string literal: the family names are
    // the user's setting and go in only as data.
    let sans = serde_json::to_string(&sans).ok()?;
    Some(format!(
        "(() => {{ const style = document.documentElement?.style; if (style) {{ \
         style.setProperty(\"--sans\", {sans}); style.setProperty(\"--mono\", \"monospace\"); }} }})();"
    ))
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn page_script() -> Option<String> {
    None
}

/// The CSS font families for a Pango family list (`Cantarell`, `Noto Sans,
/// Noto Color Emoji`, `Sans`): each name quoted, fontconfig's aliases as
/// CSS's generic names, and `sans-serif` last. None when nothing in the
/// list can be named.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn sans_families(pango_families: &str) -> Option<String> {
    let mut families: Vec<String> = Vec::new();
    for name in pango_families.split(',').map(str::trim) {
        let family = match name.to_ascii_lowercase().as_str() {
            "" => continue,
            "sans" | "sans-serif" | "sans serif" => "sans-serif".to_owned(),
            "serif" => "serif".to_owned(),
            "monospace" | "mono" => "monospace".to_owned(),
            // Named, it would be looked up as a family called system-ui.
            "system-ui" => return None,
            _ if name.chars().any(char::is_control) => return None,
            _ => format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\"")),
        };
        if !families.contains(&family) {
            families.push(family);
        }
    }
    if families.is_empty() {
        return None;
    }
    if !families.iter().any(|f| f == "sans-serif") {
        families.push("sans-serif".to_owned());
    }
    Some(families.join(", "))
}

#[cfg(test)]
mod tests {
    use super::sans_families;

    #[test]
    fn a_named_interface_font_is_quoted_and_falls_back_to_sans_serif() {
        assert_eq!(
            sans_families("Cantarell").as_deref(),
            Some("\"Cantarell\", sans-serif")
        );
        assert_eq!(
            sans_families("Noto Sans, Noto Color Emoji").as_deref(),
            Some("\"Noto Sans\", \"Noto Color Emoji\", sans-serif")
        );
    }

    #[test]
    fn fontconfig_aliases_become_generic_families() {
        // GTK's default interface font is "Sans 10".
        assert_eq!(sans_families("Sans").as_deref(), Some("sans-serif"));
        assert_eq!(sans_families("Serif").as_deref(), Some("serif, sans-serif"));
        assert_eq!(
            sans_families("monospace").as_deref(),
            Some("monospace, sans-serif")
        );
    }

    #[test]
    fn a_family_name_cannot_close_its_quotes() {
        assert_eq!(
            sans_families(r#"Evil"; color: red"#).as_deref(),
            Some(r#""Evil\"; color: red", sans-serif"#)
        );
        assert_eq!(
            sans_families(r"Back\slash").as_deref(),
            Some(r#""Back\\slash", sans-serif"#)
        );
        assert_eq!(sans_families("Line\nbreak"), None);
    }

    #[test]
    fn nothing_usable_leaves_the_stylesheet_alone() {
        assert_eq!(sans_families(""), None);
        assert_eq!(sans_families(" , "), None);
        assert_eq!(sans_families("system-ui"), None);
    }
}
