//! Reusable widgets: the form (fields, picker, sections), the form screen wrapper, tables and
//! single-line text input.

pub mod form;
pub mod form_screen;
pub mod table;
pub mod text_input;
