//! kms-gen: one YAML spec → a least-privilege AWS KMS key layout, rendered as
//! Terraform or CloudFormation.
//!
//! The pipeline, one module per stage; each stage only reads the previous one's value:
//!
//! ```text
//! load ─▶ check ─▶ plan ─▶ lint ─▶ render ─▶ write
//! ```

pub mod check;
pub mod cli;
pub mod commands;
pub mod diagnostic;
pub mod load;
pub mod lock;
pub mod placeholders;
pub mod plan;
pub mod render;
pub mod source;
pub mod suggest;
pub mod write;
