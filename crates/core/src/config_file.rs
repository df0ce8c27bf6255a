//! Reading the SDK's configuration files (credentials profile, `regions.yaml`), which come
//! from outside: only regular files, and only up to a size no real one comes near, so a
//! device (`/dev/zero`), a FIFO without a writer or a runaway file can neither exhaust
//! memory nor block.

use std::io::Read;
use std::path::Path;

/// The largest configuration file read (1 MiB; real ones are a few hundred bytes).
pub(crate) const MAX_CONFIG_FILE: u64 = 1024 * 1024;

/// The text of the regular file at `path`. `NotFound` passes through as such; a file of
/// another type, a larger one, or one that is not UTF-8 is an `InvalidInput`/`InvalidData`
/// error saying so.
pub(crate) fn read_to_string(path: &Path) -> std::io::Result<String> {
    use std::io::{Error, ErrorKind};
    // `metadata` does not open the file, so it cannot block on a FIFO.
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            "not a regular file (a directory, device, FIFO or socket)",
        ));
    }
    let too_large = || {
        Error::new(
            ErrorKind::InvalidInput,
            format!("larger than {MAX_CONFIG_FILE} bytes"),
        )
    };
    if meta.len() > MAX_CONFIG_FILE {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_CONFIG_FILE + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_CONFIG_FILE {
        return Err(too_large());
    }
    String::from_utf8(bytes).map_err(|_| Error::new(ErrorKind::InvalidData, "not UTF-8 text"))
}
