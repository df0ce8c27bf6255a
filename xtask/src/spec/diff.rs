//! stub
use std::path::Path;
pub fn cli(_root: &Path, _args: &[String]) -> Result<String, String> {
    Err("todo".into())
}
