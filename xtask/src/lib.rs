//! Workspace automation: `codegen` (see [`codegen`]) and `import` (see [`import`]).

pub mod codegen;
pub mod import;
