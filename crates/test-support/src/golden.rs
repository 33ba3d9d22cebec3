//! Golden files: expected output kept next to the tests, refreshed with `UPDATE_GOLDEN=1`.

use std::fmt::Write as _;
use std::path::Path;

/// Environment variable that makes [`assert_golden`] rewrite golden files instead of comparing.
pub const UPDATE_GOLDEN_ENV: &str = "UPDATE_GOLDEN";

/// How many differing lines a mismatch report shows.
const SHOWN_DIFFERENCES: usize = 10;

/// Panics unless `actual` equals the content of the golden file at `path`.
///
/// With `UPDATE_GOLDEN=1` it writes `actual` to `path` (creating directories) instead. Line endings
/// are compared as `\n`, so a checkout with CRLF does not fail.
pub fn assert_golden(path: &Path, actual: &str) {
    let update = std::env::var(UPDATE_GOLDEN_ENV).is_ok_and(|value| value == "1");
    if let Err(report) = check_golden(path, actual, update) {
        panic!("{report}");
    }
}

/// The logic behind [`assert_golden`], with the update switch as a parameter; `Err` holds a report.
pub fn check_golden(path: &Path, actual: &str, update: bool) -> Result<(), String> {
    if update {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|error| format!("creating {} for a golden file: {error}", parent.display()))?;
        }
        return std::fs::write(path, actual)
            .map_err(|error| format!("writing golden file {}: {error}", path.display()));
    }
    let expected = std::fs::read_to_string(path).map_err(|error| {
        format!(
            "golden file {} unreadable ({error}); run with {UPDATE_GOLDEN_ENV}=1 to create it",
            path.display()
        )
    })?;
    let expected = expected.replace("\r\n", "\n");
    let actual = actual.replace("\r\n", "\n");
    if expected == actual {
        return Ok(());
    }
    Err(format!(
        "output differs from golden file {} (run with {UPDATE_GOLDEN_ENV}=1 to accept it):\n{}",
        path.display(),
        line_differences(&expected, &actual)
    ))
}

fn line_differences(expected: &str, actual: &str) -> String {
    let expected_lines: Vec<&str> = expected.split('\n').collect();
    let actual_lines: Vec<&str> = actual.split('\n').collect();
    let mut report = String::new();
    let mut shown = 0;
    for index in 0..expected_lines.len().max(actual_lines.len()) {
        let (want, got) = (expected_lines.get(index), actual_lines.get(index));
        if want == got {
            continue;
        }
        if shown == SHOWN_DIFFERENCES {
            report.push_str("  ... more differences\n");
            break;
        }
        shown += 1;
        let line = index + 1;
        let _ = writeln!(report, "  line {line}:");
        let _ =
            writeln!(report, "    expected: {}", want.map_or("<end of file>".into(), |l| format!("{l:?}")));
        let _ =
            writeln!(report, "    actual:   {}", got.map_or("<end of file>".into(), |l| format!("{l:?}")));
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching_content_passes_and_crlf_is_ignored() {
        let dir = tempfile::tempdir().expect("temp dir");
        let golden = dir.path().join("out.txt");
        std::fs::write(&golden, "a\r\nb\r\n").expect("write golden");
        assert_eq!(check_golden(&golden, "a\nb\n", false), Ok(()));
    }

    #[test]
    fn mismatch_names_the_line_and_the_fix() {
        let dir = tempfile::tempdir().expect("temp dir");
        let golden = dir.path().join("out.txt");
        std::fs::write(&golden, "a\nb\n").expect("write golden");
        let report = check_golden(&golden, "a\nc\nd\n", false).expect_err("must differ");
        assert!(report.contains("line 2:") && report.contains("\"c\""), "{report}");
        assert!(report.contains("line 3:") && report.contains("<end of file>"), "{report}");
        assert!(report.contains("UPDATE_GOLDEN=1"), "{report}");
    }

    #[test]
    fn missing_file_says_how_to_create_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let report = check_golden(&dir.path().join("none.txt"), "x", false).expect_err("missing");
        assert!(report.contains("UPDATE_GOLDEN=1"), "{report}");
    }

    #[test]
    fn update_writes_the_file_then_it_matches() {
        let dir = tempfile::tempdir().expect("temp dir");
        let golden = dir.path().join("nested/dir/out.txt");
        assert_eq!(check_golden(&golden, "fresh\n", true), Ok(()));
        assert_eq!(std::fs::read_to_string(&golden).expect("written"), "fresh\n");
        assert_eq!(check_golden(&golden, "fresh\n", false), Ok(()));
    }

    #[test]
    #[should_panic(expected = "output differs from golden file")]
    fn assert_golden_panics_on_mismatch() {
        let dir = tempfile::tempdir().expect("temp dir");
        let golden = dir.path().join("out.txt");
        std::fs::write(&golden, "expected\n").expect("write golden");
        // UPDATE_GOLDEN is not set in CI; if a developer sets it this test rewrites and fails loudly.
        assert_golden(&golden, "actual\n");
    }
}
