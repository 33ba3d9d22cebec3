//! Password files (`password_file`): the first line is the password, read at every new connection so
//! a rotated secret is picked up. Errors name the path and the OS cause, never the file's content.

use std::path::Path;

/// Reads the first line of a password file. Blocking: for config time; a task on the runtime uses
/// [`read_password_file_async`].
pub fn read_password_file(path: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(first_line(&text))
}

/// [`read_password_file`] through `tokio::fs` (the blocking pool), for the runtime's worker threads,
/// where connections are opened.
pub async fn read_password_file_async(path: &Path) -> Result<String, String> {
    let text =
        tokio::fs::read_to_string(path).await.map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(first_line(&text))
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or("").trim_end_matches(['\r', '\n']).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_first_line_is_the_password_and_errors_hide_the_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pw");
        std::fs::write(&path, "s3cret\r\nsecond line\n").unwrap();
        assert_eq!(read_password_file(&path).unwrap(), "s3cret");
        assert_eq!(read_password_file_async(&path).await.unwrap(), "s3cret");
        std::fs::write(&path, "").unwrap();
        assert_eq!(read_password_file(&path).unwrap(), "");
        let missing = dir.path().join("missing");
        let e = read_password_file_async(&missing).await.unwrap_err();
        assert!(e.starts_with(&format!("cannot read {}", missing.display())), "{e}");
    }
}
