//! Workspace automation. The only task is `codegen`, see [`codegen`].

pub mod codegen;
