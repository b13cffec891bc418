//! The login screen: username and password, or a system login when `auth = "system"`.

use super::text_input::TextInput;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginState {
    pub username: TextInput,
    pub password: TextInput,
    /// 0 = username, 1 = password.
    pub focus: usize,
    pub error: Option<String>,
    /// A login request is in flight.
    pub waiting: bool,
}

impl Default for LoginState {
    fn default() -> Self {
        LoginState {
            username: TextInput::new(64),
            password: TextInput::masked(crate::auth::MAX_LEN),
            focus: 0,
            error: None,
            waiting: false,
        }
    }
}

impl LoginState {
    pub fn field(&mut self) -> &mut TextInput {
        if self.focus == 0 {
            &mut self.username
        } else {
            &mut self.password
        }
    }
}
