//! Reading files named from outside (the credentials profile, `regions.yaml`, and files
//! for form uploads, `FormFile::from_path`): only regular files, and only up to a size no
//! real one comes near, so a device (`/dev/zero`), a FIFO without a writer or a runaway
//! file can neither exhaust memory nor block.

use std::io::Read;
use std::path::Path;

/// The largest configuration file read (1 MiB; real ones are a few hundred bytes).
pub(crate) const MAX_CONFIG_FILE: u64 = 1024 * 1024;

/// The text of the regular configuration file at `path` (at most [`MAX_CONFIG_FILE`] bytes).
/// `NotFound` passes through as such; a file of another type, a larger one, or one that is
/// not UTF-8 is an `InvalidInput`/`InvalidData` error saying so.
pub(crate) fn read_to_string(path: &Path) -> std::io::Result<String> {
    let bytes = read_regular_file(path, MAX_CONFIG_FILE)?;
    String::from_utf8(bytes)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8 text"))
}

/// The bytes of the regular file at `path`, at most `max` of them. A directory, device,
/// FIFO or socket, or a larger file, is an `InvalidInput` error saying so, before anything
/// is read.
pub(crate) fn read_regular_file(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    use std::io::{Error, ErrorKind};
    // `metadata` does not open the file, so it cannot block on a FIFO.
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            "not a regular file (a directory, device, FIFO or socket)",
        ));
    }
    let too_large = || Error::new(ErrorKind::InvalidInput, format!("larger than {max} bytes"));
    if meta.len() > max {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    // The file may grow after `metadata`: read one byte past the limit to notice.
    std::fs::File::open(path)?
        .take(max.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(too_large());
    }
    Ok(bytes)
}
