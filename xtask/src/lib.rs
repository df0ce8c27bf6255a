//! Workspace automation: `codegen` (see [`codegen`]), `import` (see [`import`]) and `parity`
//! (see [`parity`]).

pub mod bench;
pub mod catalogue;
pub mod codegen;
pub mod facts;
pub mod import;
pub mod parity;
pub mod spec;
