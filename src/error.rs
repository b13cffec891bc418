//! Application-level errors and their mapping to exit codes and Italian messages.
//!
//! Exit codes: 0 ok, 1 problems found / validation errors, 2 usage or environment errors.

use crate::service::Error as StoreError;

/// An error that ends a command: carries the Italian line shown to the operator.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Bad input or problems found (exit 1).
    #[error("{0}")]
    Invalid(String),
    /// Usage or environment problem: paths, permissions, schema, config (exit 2).
    #[error("{0}")]
    Env(String),
}

impl AppError {
    pub fn exit_code(&self) -> i32 {
        match self {
            AppError::Invalid(_) => 1,
            AppError::Env(_) => 2,
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict { .. }
            | StoreError::Denied(_)
            | StoreError::Invalid(_)
            | StoreError::NotFound(_)
            | StoreError::Duplicate(_) => AppError::Invalid(e.to_string()),
            _ => AppError::Env(e.to_string()),
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
